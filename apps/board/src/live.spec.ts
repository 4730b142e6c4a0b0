import { describe, expect, it } from 'vitest';
import { newerSweep } from './live';

const at = (status: string, updatedAt: string) => ({ status, updatedAt });

describe('newerSweep', () => {
  it('keeps the later copy of a sweep, whichever arrives last', () => {
    const running = at('running', '2026-11-28T10:00:00.100Z');
    const completed = at('completed', '2026-11-28T10:00:00.250Z');
    expect(newerSweep(undefined, running)).toBe(running);
    expect(newerSweep(running, completed)).toBe(completed);
    // A GET answered before the sweep finished, arriving after the stream's final summary.
    expect(newerSweep(completed, running)).toBe(completed);
  });

  it('takes the one received last on a tie (its counts were read later)', () => {
    const a = at('running', '2026-11-28T10:00:00.100Z');
    const b = at('running', '2026-11-28T10:00:00.100Z');
    expect(newerSweep(a, b)).toBe(b);
  });
});
