import { describe, expect, it } from 'vitest';
import { checkDataPaths, dataPathsOf, lexicalPathProblem, redactSpec, SpecError } from './index.js';

describe('data paths', () => {
  it('finds model.path and the task files', () => {
    expect(dataPathsOf({ model: { path: 'models/demo-arith' }, task: { kind: 'gsm8k', train: 'a.jsonl', eval: ['b.jsonl', 'c.jsonl'], evalSize: 5 } })).toEqual([
      { field: 'model.path', path: 'models/demo-arith' },
      { field: 'task.train', path: 'a.jsonl' },
      { field: 'task.eval[0]', path: 'b.jsonl' },
      { field: 'task.eval[1]', path: 'c.jsonl' },
    ]);
    expect(dataPathsOf({})).toEqual([]);
  });

  it('accepts relative paths (the trainer judges them) and absolute ones under a root', () => {
    expect(lexicalPathProblem('data/gsm8k/train.jsonl', [])).toBeNull();
    expect(lexicalPathProblem('../shared/data/x.jsonl', ['/work/shared/data'])).toBeNull();
    expect(lexicalPathProblem('/models/qwen', ['/models'])).toBeNull();
    expect(lexicalPathProblem('/models', ['/models/'])).toBeNull();
    expect(lexicalPathProblem('/anything', undefined)).toBeNull();
  });

  it('refuses absolute paths outside the roots, and NULs', () => {
    expect(lexicalPathProblem('/etc/passwd', [])).toMatch(/none configured/);
    expect(lexicalPathProblem('/models-evil/x', ['/models'])).toMatch(/under a data root \(\/models\)/);
    expect(lexicalPathProblem('/models/../etc/passwd', ['/models'])).toMatch(/data root/);
    expect(lexicalPathProblem('a\0b', undefined)).toMatch(/NUL/);
    expect(lexicalPathProblem('', undefined)).toMatch(/empty/);
  });

  it('checkDataPaths names every bad field', () => {
    try {
      checkDataPaths({ model: { path: '/etc' }, task: { kind: 'gsm8k', train: '/etc/passwd', eval: 'ok.jsonl' } }, []);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SpecError);
      expect((err as SpecError).issues.map((i) => i.path)).toEqual(['model.path', 'task.train']);
    }
  });
});

describe('redactSpec', () => {
  it('hides backend.env values, keeps the names, leaves the original alone', () => {
    const spec = { name: 'x', backend: { kind: 'command', command: ['node', 'a.mjs'], env: { API_KEY: 'hunter2', N: '1' } } };
    expect(redactSpec(spec)).toEqual({ name: 'x', backend: { kind: 'command', command: ['node', 'a.mjs'], env: { API_KEY: '***', N: '***' } } });
    expect(spec.backend.env.API_KEY).toBe('hunter2');
    expect(redactSpec({ name: 'y', backend: { kind: 'tinylora' } })).toEqual({ name: 'y', backend: { kind: 'tinylora' } });
  });
});
