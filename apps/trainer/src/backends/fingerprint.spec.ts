import { mkdtemp, mkdir, rm, writeFile, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileHasher, filesNamedIn } from './fingerprint.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tinysweep-fingerprint-'));
  await mkdir(join(dir, 'model'));
  await writeFile(join(dir, 'model', 'config.json'), '{"a":1}');
  await writeFile(join(dir, 'model', 'weights.bin'), 'abc');
  await writeFile(join(dir, 'data.jsonl'), '{"prompt":"1 + 1 ="}\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('FileHasher', () => {
  it('hashes files and model directories by content, and notices a change', async () => {
    const h = new FileHasher();
    const model = await h.hashPath(join(dir, 'model'));
    expect(model).toMatch(/^[0-9a-f]{64}$/);
    expect(await new FileHasher().hashPath(join(dir, 'model'))).toBe(model); // by content, not by instance
    expect(await h.hashPath(join(dir, 'missing'))).toBeUndefined();
    await writeFile(join(dir, 'model', 'weights.bin'), 'abd');
    const later = new Date(Date.now() + 5000);
    await utimes(join(dir, 'model', 'weights.bin'), later, later);
    expect(await h.hashPath(join(dir, 'model'))).not.toBe(model);
  });

  it('combines named paths, order-independent; no paths is "none"', async () => {
    const h = new FileHasher();
    const a = join(dir, 'data.jsonl');
    const b = join(dir, 'model', 'config.json');
    expect(await h.hashAll(new Map([['x', a], ['y', b]]))).toBe(await h.hashAll(new Map([['y', b], ['x', a]])));
    expect(await h.hashAll(new Map())).toBe('none');
  });
});

describe('filesNamedIn', () => {
  it('finds the strings that name existing files, with where they sit', async () => {
    const found = await filesNamedIn({ kind: 'gsm8k', train: 'data.jsonl', eval: join(dir, 'model', 'config.json'), other: 'model', list: ['nope', 'data.jsonl'], n: 3 }, dir, 'task');
    expect([...found.keys()].sort()).toEqual(['task.eval', 'task.list[1]', 'task.train']);
    expect(found.get('task.train')).toBe(join(dir, 'data.jsonl'));
  });
});
