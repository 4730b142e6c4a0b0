import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, SpecError } from './index.js';

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800_000],
    ['90s', 90_000],
    ['2h', 7_200_000],
    ['500ms', 500],
    ['1d', 86_400_000],
    ['1.5h', 5_400_000],
    ['1h30m', 5_400_000],
    ['1h 30m 15s', 5_415_000],
    [' 45s ', 45_000],
    ['2500', 2500],
    [2500, 2500],
    [0, 0],
  ] as const)('%j → %d ms', (text, ms) => {
    expect(parseDuration(text, 'budget.trialTimeout')).toBe(ms);
  });

  it.each(['', 'm', '30 minutes', '-5s', '5x', '1h30', 'abc'])('refuses %j naming the field', (text) => {
    let err: unknown;
    try {
      parseDuration(text, 'budget.trialTimeout');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecError);
    expect((err as SpecError).issues[0].path).toBe('budget.trialTimeout');
    expect((err as SpecError).message).toMatch(/^invalid sweep spec: budget\.trialTimeout: invalid duration/);
  });

  it('refuses negative and non-finite numbers', () => {
    expect(() => parseDuration(-1, 'x')).toThrow(/x: must be a non-negative duration/);
    expect(() => parseDuration(Number.NaN, 'x')).toThrow(SpecError);
    expect(() => parseDuration(Infinity, 'x')).toThrow(SpecError);
  });

  it('formats back', () => {
    expect(formatDuration(1_800_000)).toBe('30m');
    expect(formatDuration(5_415_500)).toBe('1h30m15s500ms');
    expect(formatDuration(0)).toBe('0ms');
  });
});
