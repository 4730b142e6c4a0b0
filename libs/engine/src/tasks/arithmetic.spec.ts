import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ArithmeticTask } from './arithmetic.js';

const HELD_OUT = fileURLToPath(new URL('../../../../models/demo-arith/heldout.jsonl', import.meta.url));

describe('ArithmeticTask', () => {
  it('draws seeded, distinct, correct problems; train and eval never overlap', () => {
    const task = new ArithmeticTask({ seed: 3, trainSize: 300, evalSize: 100, ops: ['+', '-', '*', '/'], min: 0, max: 30 });
    const { train, eval: test } = task.load();
    expect(train).toHaveLength(300);
    expect(test).toHaveLength(100);
    const keys = [...train, ...test].map((e) => e.prompt);
    expect(new Set(keys).size).toBe(400);
    for (const ex of [...train, ...test]) {
      const { a, b, op } = ex.meta as { a: number; b: number; op: string };
      const value = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
      expect(Number.isInteger(value)).toBe(true);
      expect(ex.target).toBe(String(value));
      expect(ex.prompt).toBe(`${a} ${op} ${b} =`);
    }
    expect(new ArithmeticTask({ seed: 3, trainSize: 300, evalSize: 100, ops: ['+', '-', '*', '/'], min: 0, max: 30 }).load()).toEqual({ train, eval: test });
    // a load-time size beyond the task's own draws more, keeping the default draw as its prefix
    const more = task.load({ evalSize: 150, trainSize: 50 }) as { train: unknown[]; eval: unknown[] };
    expect(more.eval).toHaveLength(150);
    expect(more.eval.slice(0, 100)).toEqual(test);
    expect(more.train).toEqual(train.slice(0, 50));
    expect(new ArithmeticTask({ seed: 4, trainSize: 300, evalSize: 100, ops: ['+', '-', '*', '/'], min: 0, max: 30 }).load().train[0]).not.toEqual(train[0]);
  });

  it('rewards exact integer matches (the last integer by default, or the first)', () => {
    const task = new ArithmeticTask({ template: 'Q: {a}{op}{b}=' });
    const ex = { id: 'x', prompt: 'Q: 12*34=', target: '408' };
    expect(task.reward(' 408', ex)).toBe(1);
    expect(task.reward(' 12*30 + 12*4 = 360 + 48 = 408', ex)).toBe(1);
    expect(task.reward(' 4080', ex)).toBe(0);
    expect(task.reward(' 408.5', ex)).toBe(0);
    expect(task.reward('no idea', ex)).toBe(0);
    expect(task.reward(' 1,408', { ...ex, target: '1408' })).toBe(1);
    expect(task.reward(' -7', { ...ex, target: '-7' })).toBe(1);
    const first = new ArithmeticTask({ answer: 'first' });
    expect(first.reward(' 408 because 12*34', ex)).toBe(1);
    expect(task.stopStrings).toEqual(['\n']);
  });

  it('takes the first N on request and refuses impossible settings, naming them', () => {
    expect(new ArithmeticTask({ trainSize: 10, evalSize: 5 }).load({ evalSize: 2 }).eval).toHaveLength(2);
    expect(() => new ArithmeticTask({ ops: ['^' as '+'] })).toThrow(/ops must hold only/);
    expect(() => new ArithmeticTask({ min: 5, max: 1 })).toThrow(/min ≤ max/);
    expect(() => new ArithmeticTask({ template: '{a} plus {b}' })).toThrow(/template must contain \{a\}, \{op\} and \{b\}/);
    expect(() => new ArithmeticTask({ min: 0, max: 2, ops: ['+'], trainSize: 20 }).load()).toThrow(/cannot draw 20 distinct train problems/);
  });

  it('takes eval problems from a held-out file and keeps them out of train (the demo model\'s split)', async () => {
    const task = new ArithmeticTask({ seed: 1, ops: ['*'], min: 10, max: 99, trainSize: 2000, evalSize: 500, heldOut: HELD_OUT });
    const { train, eval: test } = await task.load();
    // sizes asked for at load time (the training loop's) win over the task's own, both ways
    expect((await task.load({ evalSize: 700, trainSize: 10 })).eval.slice(0, 500)).toEqual(test);
    expect((await task.load({ evalSize: 700, trainSize: 10 })).train).toEqual(train.slice(0, 10));
    expect(test).toHaveLength(500);
    expect(train).toHaveLength(2000);
    const heldOut = new Set(test.map((e) => e.prompt));
    expect(new Set(test.map((e) => e.prompt)).size).toBe(500);
    expect(train.some((e) => heldOut.has(e.prompt))).toBe(false);
    for (const ex of test) {
      const [a, b] = ex.prompt.split(' * ').map((x) => parseInt(x, 10));
      expect(ex.target).toBe(String(a * b));
    }
    // Seeded shuffle: the same seed gives the same eval problems, another seed another order.
    expect((await task.load()).eval).toEqual(test);
    expect((await new ArithmeticTask({ seed: 2, heldOut: HELD_OUT, evalSize: 500, ops: ['*'], min: 10, max: 99 }).load()).eval[0]).not.toEqual(test[0]);
    await expect(new ArithmeticTask({ heldOut: HELD_OUT, evalSize: 5000 }).load()).rejects.toThrow(/holds 1620 problems; evalSize is 5000/);
  });
});
