import { describe, expect, it } from 'vitest';
import { ProgressCoalescer } from './progress-coalescer.js';

describe('ProgressCoalescer', () => {
  it('passes a program that reports calmly, or in short bursts, through as it is', () => {
    let t = 0;
    const out: number[] = [];
    const c = new ProgressCoalescer((s) => out.push(s), { now: () => t });
    for (let step = 1; step <= 60; step++) c.push(step, { loss: 1 / step }); // a burst at once
    for (let step = 61; step <= 200; step++) {
      t += 100;
      c.push(step, { loss: 1 / step });
    }
    c.flush();
    expect(out).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('coalesces a flood, keeping every rung step, the newest values, and the last step', () => {
    let t = 0;
    const out: [number, Record<string, number>][] = [];
    const c = new ProgressCoalescer((s, m) => out.push([s, m]), { now: () => t, burst: 10, keep: new Set([5000, 9000]) });
    for (let step = 1; step <= 10_000; step++) {
      c.push(step, step === 11 ? { acc: 0.1 } : { loss: step });
      t += 0.01; // 100,000 steps a second for 0.1 s
    }
    c.flush();
    const steps = out.map(([s]) => s);
    expect(steps.slice(0, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(steps).toContain(5000);
    expect(steps).toContain(9000);
    expect(steps.at(-1)).toBe(10_000);
    expect(out.length).toBeLessThan(25); // 10 at once + ~50/s over 0.1 s + rungs + the last
    expect(out.find(([s]) => s > 11)![1]).toMatchObject({ acc: 0.1 }); // folded in, not lost
    expect(out.at(-1)).toEqual([10_000, { loss: 10_000 }]);
    expect(c.coalesced + c.sent).toBe(10_000);
  });

  it('sends no more than maxEvents, besides rung steps and the last', () => {
    let t = 0;
    const out: number[] = [];
    const c = new ProgressCoalescer((s) => out.push(s), { now: () => t, maxEvents: 3, keep: new Set([50]) });
    for (let step = 1; step <= 100; step++) {
      c.push(step, { loss: step });
      t += 1000;
    }
    c.flush();
    expect(out).toEqual([1, 2, 3, 50, 100]);
  });
});
