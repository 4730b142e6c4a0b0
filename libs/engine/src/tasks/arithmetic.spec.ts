import { describe, expect, it } from 'vitest';
import { ArithmeticTask } from './arithmetic.js';

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
});
