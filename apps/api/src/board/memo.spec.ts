import { describe, expect, it, vi } from 'vitest';
import { Memo } from './memo.js';

describe('Memo', () => {
  it('shares one load among concurrent misses and keeps it for its time to live', async () => {
    vi.useFakeTimers();
    try {
      const memo = new Memo<number>(1000, 10);
      const load = vi.fn(async () => 42);
      expect(await Promise.all([memo.get('a', load), memo.get('a', load)])).toEqual([42, 42]);
      expect(load).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(1001);
      await memo.get('a', load);
      expect(load).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('forgets a failed load, and the oldest entry past its size', async () => {
    const memo = new Memo<number>(60_000, 2);
    await expect(memo.get('x', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await memo.get('x', async () => 1)).toBe(1);
    await memo.get('y', async () => 2);
    await memo.get('z', async () => 3);
    const reload = vi.fn(async () => 4);
    expect(await memo.get('x', reload)).toBe(4);
    expect(reload).toHaveBeenCalledOnce();
  });

  it('peeks at a kept value without loading one', async () => {
    const memo = new Memo<number>(60_000, 2);
    expect(memo.peek('a')).toBeUndefined();
    void memo.get('a', async () => 7);
    expect(await memo.peek('a')).toBe(7);
    expect(memo.peek('b')).toBeUndefined();
  });
});
