import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ArcTask } from './arc.js';
import { ArithmeticTask } from './arithmetic.js';
import { TASK_KINDS, createTask } from './create-task.js';
import { Gsm8kTask } from './gsm8k.js';
import { RegexTask } from './regex-task.js';

const DATA = process.env.TINYSWEEP_DATA_DIR ?? fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));

describe('createTask', () => {
  it('builds each kind from a spec, resolving relative paths against baseDir', async () => {
    const gsm = createTask({ kind: 'gsm8k', eval: 'gsm8k/test.jsonl', evalSize: 3, match: 'strict' }, { baseDir: DATA });
    expect(gsm).toBeInstanceOf(Gsm8kTask);
    expect((gsm as Gsm8kTask).options.eval).toBe(`${DATA}gsm8k/test.jsonl`);
    expect((await gsm.load()).eval).toHaveLength(3);
    expect(createTask({ kind: 'arc_challenge', eval: `${DATA}arc-challenge/ARC-Challenge-Dev.jsonl` })).toBeInstanceOf(ArcTask);
    expect(createTask({ kind: 'arithmetic', ops: ['*'], seed: 2 })).toBeInstanceOf(ArithmeticTask);
    expect(createTask({ kind: 'regex', pattern: 'Sam', prompts: ['Once'] })).toBeInstanceOf(RegexTask);
    expect(TASK_KINDS).toEqual(['gsm8k', 'arc', 'arithmetic', 'regex']);
  });

  it('throws on an unknown kind, naming it and the known ones', () => {
    expect(() => createTask({ kind: 'mmlu' })).toThrow('unknown task kind "mmlu" (known: gsm8k, arc, arithmetic, regex)');
    expect(() => createTask({ kind: 'constructor' })).toThrow(/unknown task kind "constructor"/);
  });

  it.each([
    [{ kind: 'gsm8k', evalsize: 5 }, 'task.evalsize: unknown key for a gsm8k task'],
    [{ kind: 'gsm8k', evalSize: '5' }, 'task.evalSize: must be an integer ≥ 0 (got "5")'],
    [{ kind: 'gsm8k', match: 'exact' }, 'task.match: must be one of strict, flexible'],
    [{ kind: 'arithmetic', ops: '+' }, 'task.ops: must be a list of strings'],
    [{ kind: 'arithmetic', ops: ['%'] }, "task: ops must hold only '+', '-', '*', '/'"],
    [{ kind: 'regex', prompts: ['x'] }, 'task.pattern: required'],
    [{ kind: 'regex', pattern: 'a' }, 'task.prompts: required'],
  ])('rejects %j naming the key', (spec, message) => {
    expect(() => createTask(spec)).toThrow(message);
  });
});
