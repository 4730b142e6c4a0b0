import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acceptsEncoding, BoardFiles } from './board-files.js';

const dir = mkdtempSync(join(tmpdir(), 'board-files-'));
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), '<html><head><meta name="tinysweep-token-required" content="false" /></head></html>');
writeFileSync(join(dir, 'assets', 'app-1.js'), 'x');
writeFileSync(join(dir, 'assets', 'app-1.js.br'), 'b');
writeFileSync(join(dir, 'assets', 'app-1.js.gz'), 'g');
writeFileSync(join(dir, '..', 'secret.txt'), 's');
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(dir, '..', 'secret.txt'), { force: true });
});

const files = (token?: string) => new BoardFiles({ TINYSWEEP_BOARD_DIR: dir }, { size: token ? 1 : 0 });

describe('BoardFiles', () => {
  it('writes whether the API needs a token into index.html', () => {
    expect(files('t').indexHtml()).toContain('<meta name="tinysweep-token-required" content="true">');
    expect(files().indexHtml()).toContain('<meta name="tinysweep-token-required" content="false">');
    expect(new BoardFiles({ TINYSWEEP_BOARD_DIR: join(dir, 'nope') }, { size: 0 }).indexHtml()).toBeNull();
  });

  it('serves the precompressed copy the client accepts', () => {
    const f = files();
    expect(f.find('/assets/app-1.js', 'gzip, deflate, br')).toMatchObject({ path: join(dir, 'assets', 'app-1.js.br'), ext: '.js', encoding: 'br' });
    expect(f.find('/assets/app-1.js', 'gzip')).toMatchObject({ encoding: 'gzip' });
    expect(f.find('/assets/app-1.js', '')).toEqual({ path: join(dir, 'assets', 'app-1.js'), ext: '.js' });
  });

  it('never leaves its folder', () => {
    const f = files();
    expect(f.find('/../secret.txt')).toBeNull();
    expect(f.find('/assets/%2e%2e/%2e%2e/secret.txt')).toBeNull();
    expect(f.find('/assets/missing.js')).toBeNull();
    expect(f.find('/assets/%E0%A4%A')).toBeNull();
  });
});

describe('acceptsEncoding', () => {
  it('reads codings and q-values', () => {
    expect(acceptsEncoding('gzip, br', 'br')).toBe(true);
    expect(acceptsEncoding('gzip;q=1.0, br;q=0', 'br')).toBe(false);
    expect(acceptsEncoding('*', 'gzip')).toBe(true);
    expect(acceptsEncoding('identity', 'gzip')).toBe(false);
    expect(acceptsEncoding('', 'br')).toBe(false);
  });
});
