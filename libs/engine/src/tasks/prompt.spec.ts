import { describe, expect, it } from 'vitest';
import { buildPrompt, selectShots, truncateAtStop } from './prompt.js';
import type { Example } from './task.js';

const pool: Example[] = Array.from({ length: 10 }, (_, i) => ({ id: `e${i}`, prompt: `Q${i}`, target: `A${i}` }));

describe('prompts', () => {
  it('lays out few-shot text as lm-eval does', () => {
    expect(buildPrompt(pool[9], { shots: [pool[0], pool[1]] })).toBe('Q0 A0\n\nQ1 A1\n\nQ9');
    expect(buildPrompt(pool[9])).toBe('Q9');
    expect(buildPrompt(pool[9], { shots: [pool[0]], targetDelimiter: '', fewshotDelimiter: '\n' })).toBe('Q0A0\nQ9');
  });

  it('draws distinct seeded shots, never the excluded example', () => {
    const a = selectShots(pool, 4, { seed: 1, exclude: 'e3' });
    expect(a).toHaveLength(4);
    expect(new Set(a.map((e) => e.id)).size).toBe(4);
    expect(a.map((e) => e.id)).not.toContain('e3');
    expect(selectShots(pool, 4, { seed: 1, exclude: 'e3' })).toEqual(a);
    expect(selectShots(pool, 9, { exclude: 'e0' }).map((e) => e.id).sort()).toEqual(pool.slice(1).map((e) => e.id));
    expect(() => selectShots(pool, 10, { exclude: 'e0' })).toThrow('cannot draw 10 few-shot examples from a pool of 9');
  });

  it('cuts a completion at the earliest stop string', () => {
    expect(truncateAtStop(' 42\n\nQuestion: next', ['Question:', '\n\n'])).toBe(' 42');
    expect(truncateAtStop('no stop', ['<|im_end|>'])).toBe('no stop');
    expect(truncateAtStop('abc', undefined)).toBe('abc');
  });
});
