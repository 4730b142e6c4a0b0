import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataRoots } from './data-roots.js';

const base = mkdtempSync(join(tmpdir(), 'tinysweep-roots-'));
const workdir = join(base, 'work');
const data = join(base, 'data');
const outside = join(base, 'outside');
for (const d of [workdir, data, outside]) mkdirSync(d);
writeFileSync(join(data, 'train.jsonl'), '{}\n');
writeFileSync(join(outside, 'secret.jsonl'), 'root:x:0:0\n');
symlinkSync(join(outside, 'secret.jsonl'), join(workdir, 'innocent.jsonl'));
symlinkSync(outside, join(data, 'escape'));
symlinkSync(join(data, 'train.jsonl'), join(workdir, 'linked-train.jsonl'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('DataRoots', () => {
  const roots = new DataRoots(workdir, [data]);

  it('accepts paths in the workdir and the data roots, relative or absolute, through symlinks that stay inside', async () => {
    expect(await roots.check({ model: { path: 'models/new-model' }, task: { kind: 'gsm8k', train: join(data, 'train.jsonl'), eval: 'linked-train.jsonl' } })).toBeNull();
    expect(await roots.check({ task: { kind: 'gsm8k', train: '../data/train.jsonl' } })).toBeNull();
  });

  it('refuses a symlink out of the roots, naming the field', async () => {
    expect(await roots.check({ task: { kind: 'gsm8k', train: 'innocent.jsonl' } })).toMatch(/^params\.task\.train: innocent\.jsonl is outside this trainer's workdir and data roots/);
    expect(await roots.check({ model: { path: join(data, 'escape', 'secret.jsonl') } })).toMatch(/^params\.model\.path: /);
  });

  it('refuses absolute paths and ../ outside the roots', async () => {
    expect(await roots.check({ task: { kind: 'gsm8k', train: '/etc/passwd' } })).toMatch(/^params\.task\.train: \/etc\/passwd is outside/);
    expect(await roots.check({ task: { kind: 'arithmetic', heldOut: '../outside/secret.jsonl' } })).toMatch(/^params\.task\.heldOut: /);
    expect(await roots.check({ model: { path: '../outside/not-yet/there' } })).toMatch(/^params\.model\.path: /);
  });

  it('refuses a data root that does not exist', () => {
    expect(() => new DataRoots(workdir, [join(base, 'nope')])).toThrow(/data root .*nope does not exist/);
  });
});
