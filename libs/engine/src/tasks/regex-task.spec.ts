import { describe, expect, it } from 'vitest';
import { RegexTask } from './regex-task.js';

describe('RegexTask', () => {
  const task = new RegexTask({ pattern: '\\bSam\\b', prompts: ['Once upon a time, there was a little girl named', 'One day, a boy called'], evalPrompts: ['Once upon a time'] });

  it('rewards completions that match the pattern', () => {
    const { train, eval: test } = task.load();
    expect(train.map((e) => e.prompt)).toEqual(['Once upon a time, there was a little girl named', 'One day, a boy called']);
    expect(test).toHaveLength(1);
    expect(task.reward(' Sam. Sam loved to play.', train[0])).toBe(1);
    expect(task.reward(' Lily. She loved to play.', train[0])).toBe(0);
    expect(task.reward(' Samantha.', train[0])).toBe(0);
    // Stateless: the same completion scores the same every time.
    expect([1, 2, 3].map(() => task.reward('Sam', train[0]))).toEqual([1, 1, 1]);
    expect(new RegexTask({ pattern: 'sam', flags: 'i', prompts: ['x'] }).reward('SAM', train[0])).toBe(1);
  });

  it('refuses a bad pattern, stateful flags or no prompts, naming the option', () => {
    expect(() => new RegexTask({ pattern: '(', prompts: ['x'] })).toThrow(/pattern is not a valid regular expression/);
    expect(() => new RegexTask({ pattern: 'a', flags: 'g', prompts: ['x'] })).toThrow(/flags must not include g or y/);
    expect(() => new RegexTask({ pattern: 'a', prompts: [] })).toThrow(/prompts must be a non-empty list of strings/);
  });
});
