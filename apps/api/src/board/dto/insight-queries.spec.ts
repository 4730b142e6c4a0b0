import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { boolParam, intParam, metricName, paramPath, trialIds } from './insight-queries.js';

describe('insight queries', () => {
  it('reads parameter paths with or without the params. prefix', () => {
    expect(paramPath({ x: 'params.adapter.rank' }, 'x')).toEqual(['adapter', 'rank']);
    expect(paramPath({ x: 'prune.threshold' }, 'x')).toEqual(['prune', 'threshold']);
    expect(paramPath({}, 'x')).toBeUndefined();
    expect(paramPath({}, 'x', 'params.seed')).toEqual(['seed']);
    expect(() => paramPath({ x: 'params..rank' }, 'x')).toThrow(BadRequestException);
    expect(() => paramPath({ x: ['a', 'b'] }, 'x')).toThrow(/parameter path/);
  });

  it('reads metric names, bounded integers and trial ids', () => {
    expect(metricName({}, 'score')).toBe('score');
    expect(metricName({ metric: 'acc' }, 'score')).toBe('acc');
    expect(intParam({ limit: '20' }, 'limit', 5, 50)).toBe(20);
    expect(() => intParam({ limit: '51' }, 'limit', 5, 50)).toThrow(/0 to 50/);
    expect(() => intParam({ limit: '-1' }, 'limit', 5, 50)).toThrow(BadRequestException);
    const a = '6a1640f0-37b9-457a-a6f4-5cffce290a27';
    expect(trialIds({ trialIds: `${a},${a}` }, 5)).toEqual([a]);
    expect(() => trialIds({ trialIds: 'x' }, 5)).toThrow(/not a trial id/);
    expect(() => trialIds({ trialIds: Array(6).fill(a).join(',') }, 5)).toThrow(/at most 5/);
  });

  it('reads flags', () => {
    expect(boolParam({}, 'values')).toBe(false);
    expect(boolParam({ values: 'true' }, 'values')).toBe(true);
    expect(boolParam({ values: '0' }, 'values', true)).toBe(false);
    expect(() => boolParam({ values: 'yes' }, 'values')).toThrow(/true or false/);
  });
});
