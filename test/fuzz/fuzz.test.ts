/**
 * The short API fuzz of `npm test` (npm run fuzz is the long one): 1,000 generated specs and query
 * strings from a fixed seed against a real API.
 */
import { describe, expect, it } from 'vitest';
import { runFuzz } from './fuzz-run.js';

describe('fuzz: the API answers every generated spec and query without a 500, naming the field it refuses', () => {
  it('1,000 cases: no server error, every 4xx names its field, nothing stored for a rejected spec, memory bounded', async () => {
    const report = await runFuzz({ seed: 16, cases: 1000 });
    const summary = JSON.stringify(report, null, 1);
    expect(report.cases, summary).toBe(1000);
    expect(report.accepted, summary).toBeGreaterThan(10); // mutations that stay valid get through
    expect(report.rejected, summary).toBeGreaterThan(300);
    expect({ server_errors: report.server_errors, unnamed_4xx: report.unnamed_4xx, written_for_rejected: report.written_for_rejected }, summary).toEqual({
      server_errors: 0,
      unnamed_4xx: 0,
      written_for_rejected: 0,
    });
    // bounded: a thousand requests do not grow the API by more than its whole warm size
    expect(report.rss_mib.max, summary).toBeLessThan(2 * report.rss_mib.warm + 64);
  }, 300_000);
});
