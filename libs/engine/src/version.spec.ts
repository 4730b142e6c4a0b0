import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINE_VERSION, hashCode } from './version.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'code-hash-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

describe('the engine version result reuse keys on', () => {
  it('is a hash of the code, which any change to a code file moves (and nothing else does)', () => {
    const a = tree({ 'index.js': 'export const x = 1;', 'ops/matmul.js': 'a*b', 'index.d.ts': 'types', 'index.js.map': '{}', 'worker.py': 'print(1)' });
    const before = hashCode([a]);
    expect(before).toMatch(/^[0-9a-f]{16}$/);
    writeFileSync(join(a, 'index.d.ts'), 'other types');
    writeFileSync(join(a, 'index.js.map'), '{"changed":true}');
    expect(hashCode([a])).toBe(before); // declarations and source maps compute nothing
    writeFileSync(join(a, 'ops/matmul.js'), 'b*a');
    expect(hashCode([a])).not.toBe(before);
    writeFileSync(join(a, 'ops/matmul.js'), 'a*b');
    writeFileSync(join(a, 'worker.py'), 'print(2)');
    expect(hashCode([a])).not.toBe(before);
    expect(hashCode([a, join(a, 'missing')])).toBe(hashCode([a]));
  });

  it('names no package version', () => {
    expect(ENGINE_VERSION).toMatch(/^code\.[0-9a-f]{16}$/);
  });
});
