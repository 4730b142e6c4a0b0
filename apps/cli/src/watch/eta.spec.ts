import { describe, expect, it } from 'vitest';
import { EtaEstimator } from './eta.js';

describe('EtaEstimator', () => {
  it('has no estimate before any trial finishes', () => {
    const eta = new EtaEstimator({ at: 0, done: 0 });
    eta.observe(0, 5000);
    expect(eta.etaMs(10, 5000)).toBeUndefined();
  });

  it('extrapolates the completion rate since the origin', () => {
    const eta = new EtaEstimator({ at: 0, done: 0 });
    eta.observe(5, 10_000); // 5 trials in 10 s → 2 s each
    expect(eta.etaMs(20, 10_000)).toBe(30_000);
  });

  it('gives an estimate at once when watching starts half-way (origin = sweep creation)', () => {
    const eta = new EtaEstimator({ at: 0, done: 0 });
    eta.observe(50, 100_000);
    expect(eta.etaMs(100, 100_000)).toBe(100_000);
  });

  it('grows while nothing finishes', () => {
    const eta = new EtaEstimator({ at: 0, done: 0 });
    eta.observe(5, 10_000);
    expect(eta.etaMs(10, 20_000)).toBe(20_000); // 5 in 20 s → 4 s each
  });

  it('uses only the most recent changes', () => {
    const eta = new EtaEstimator({ at: 0, done: 0 }, 2);
    eta.observe(1, 100_000); // slow start
    eta.observe(2, 101_000);
    eta.observe(3, 102_000); // window is now (1@100s … 3@102s): 1 per second
    expect(eta.etaMs(13, 102_000)).toBe(10_000);
  });

  it('is 0 when all trials are done and restarts when the count goes back', () => {
    const eta = new EtaEstimator({ at: 0, done: 0 });
    eta.observe(10, 10_000);
    expect(eta.etaMs(10, 10_000)).toBe(0);
    eta.observe(8, 11_000);
    expect(eta.etaMs(10, 11_000)).toBeUndefined();
  });
});
