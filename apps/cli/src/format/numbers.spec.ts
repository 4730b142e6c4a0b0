import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, formatMetric, shortId } from './numbers.js';

describe('formatMetric', () => {
  it('keeps integers, rounds fractions for reading', () => {
    expect(formatMetric(13)).toBe('13');
    expect(formatMetric(0.812345)).toBe('0.8123');
    expect(formatMetric(0.0002)).toBe('0.0002');
    expect(formatMetric(1.234567)).toBe('1.2346');
    expect(formatMetric(-0.5)).toBe('-0.5');
    expect(formatMetric(1.23456e-7)).toBe('1.235e-7');
  });

  it('is empty for a missing value and explicit for non-finite ones', () => {
    expect(formatMetric(null)).toBe('');
    expect(formatMetric(undefined)).toBe('');
    expect(formatMetric(Number.NaN)).toBe('NaN');
  });
});

describe('formatCount', () => {
  it('adds thousands separators', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(13)).toBe('13');
    expect(formatCount(null)).toBe('');
  });
});

describe('formatDuration', () => {
  it('picks units by size', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(2100)).toBe('2s');
    expect(formatDuration(185_000)).toBe('3m05s');
    expect(formatDuration(2 * 3600_000 + 3 * 60_000)).toBe('2h03m');
    expect(formatDuration(3 * 86_400_000 + 4 * 3600_000)).toBe('3d04h');
    expect(formatDuration(-5)).toBe('0ms');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('shortId', () => {
  it('is the first UUID group', () => {
    expect(shortId('3fa2c1d0-1111-2222-3333-444455556666')).toBe('3fa2c1d0');
  });
});
