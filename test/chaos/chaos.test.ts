/**
 * The short chaos run of `npm test` (npm run chaos is the long one): a fixed seed, a 40-trial sweep
 * with small sweeps and a schedule around it, 24 faults of every kind this machine can make.
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from './chaos-run.js';

describe('chaos: nothing lost, nothing twice, whatever fails (seeded)', () => {
  it('a sweep with small sweeps, cancels and a schedule beside it survives 24 random faults of every kind', async () => {
    const lines: string[] = [];
    const report = await runChaos({ seed: 16, trials: 40, faults: 24, log: (l) => lines.push(l) });
    const summary = `${lines.join('\n')}\nproblems:\n${report.problems.join('\n')}`;
    expect(report.faults, summary).toBe(24);
    expect(Object.keys(report.kinds).length, summary).toBeGreaterThanOrEqual(10);
    expect({ lost: report.lost, duplicated: report.duplicated, open_attempts: report.open_attempts, stuck_sweeps: report.stuck_sweeps, curve_gaps: report.curve_gaps }, summary).toEqual({
      lost: 0,
      duplicated: 0,
      open_attempts: 0,
      stuck_sweeps: 0,
      curve_gaps: 0,
    });
    expect(report.schedule_firing, summary).toBe(true);
    expect(report.problems, summary).toEqual([]);
  }, 600_000);
});
