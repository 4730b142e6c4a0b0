import { describe, expect, it } from 'vitest';
import { summarise } from './intervals.js';
import { compareReplicates, runVerdict } from './replicates.js';

describe('compareReplicates', () => {
  it('calls a bit-for-bit rerun of a deterministic config reproduced', () => {
    const s = summarise([0.5, 0.5, 0.5]);
    expect(compareReplicates(s, summarise([0.5, 0.5, 0.5]), 0).verdict).toBe('reproduced');
  });

  it('flags a shift beyond the tolerance, and one that leaves the CI even within tolerance', () => {
    const orig = summarise([0.60, 0.61, 0.62]);
    expect(compareReplicates(orig, summarise([0.70, 0.71, 0.72]), 0.05)).toMatchObject({ verdict: 'drifted' });
    const c = compareReplicates(orig, summarise([0.64, 0.64, 0.64]), 0.05);
    expect(c.verdict).toBe('drifted');
    expect(c.reason).toMatch(/CI/);
    expect(compareReplicates(orig, summarise([0.605, 0.61, 0.615]), 0.05).verdict).toBe('reproduced');
  });

  it('fails when either side has nothing to compare', () => {
    expect(compareReplicates(null, summarise([1]), 0.1).verdict).toBe('failed');
    expect(compareReplicates(summarise([1]), null, 0.1).verdict).toBe('failed');
  });

  it('rolls configs up into one run verdict', () => {
    expect(runVerdict(['reproduced', 'reproduced'])).toBe('reproduced');
    expect(runVerdict(['reproduced', 'failed'])).toBe('failed');
    expect(runVerdict(['failed', 'drifted'])).toBe('drifted');
  });
});
