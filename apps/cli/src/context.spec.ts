import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveToken } from './context.js';

const dir = mkdtempSync(join(tmpdir(), 'tinysweep-cli-token-'));
mkdirSync(join(dir, '.data'));
writeFileSync(join(dir, '.data', 'api-token'), 'tsw_admin_local\n');
writeFileSync(join(dir, 'other-token'), 'tsw_read_other\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveToken', () => {
  it('takes --token, then TINYSWEEP_API_TOKEN, then TINYSWEEP_API_TOKEN_FILE', () => {
    const file = join(dir, 'other-token');
    expect(resolveToken({ token: 'flag' }, { TINYSWEEP_API_TOKEN: 'env', TINYSWEEP_API_TOKEN_FILE: file }, 'http://127.0.0.1:4100', dir)).toBe('flag');
    expect(resolveToken({}, { TINYSWEEP_API_TOKEN: 'env', TINYSWEEP_API_TOKEN_FILE: file }, 'http://127.0.0.1:4100', dir)).toBe('env');
    expect(resolveToken({}, { TINYSWEEP_API_TOKEN_FILE: file }, 'https://sweeps.example.com', dir)).toBe('tsw_read_other');
    expect(() => resolveToken({}, { TINYSWEEP_API_TOKEN_FILE: join(dir, 'nope') }, 'http://127.0.0.1:4100', dir)).toThrow(/does not exist/);
  });

  it("reads `tinysweep up`'s .data/api-token for an API on this machine only", () => {
    expect(resolveToken({}, {}, 'http://127.0.0.1:4100', dir)).toBe('tsw_admin_local');
    expect(resolveToken({}, {}, 'http://localhost:4177', dir)).toBe('tsw_admin_local');
    expect(resolveToken({}, {}, 'http://[::1]:4100', dir)).toBe('tsw_admin_local');
    expect(resolveToken({}, {}, 'http://control-plane:4100', dir)).toBeUndefined(); // never sent elsewhere
    expect(resolveToken({}, {}, 'http://127.0.0.1:4100', join(dir, '.data'))).toBeUndefined();
  });
});
