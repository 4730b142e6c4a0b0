/**
 * Result reuse through the real stack: a trial whose canonical config (params and seed), backend and
 * trainer-reported fingerprint (engine version, code and data file hashes) already succeeded is not run
 * again — its result is linked (reused_from_trial_id) — unless the spec says `reuse: false`; a changed
 * data file changes the fingerprint and runs it afresh.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from './cluster.js';

interface Row {
  id: string;
  config_hash: string;
  status: string;
  reused_from_trial_id: string | null;
  metrics: Record<string, number>;
  log_tail: string | null;
  outcomes: string[];
  steps: string;
}

describe('result reuse', () => {
  let c: Cluster;
  let dir: string;
  let data: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tinysweep-reuse-'));
    data = join(dir, 'data.txt');
    writeFileSync(data, 'x'.repeat(100));
    chmodSync(dir, 0o755); // programs run as nobody here (the trainer is root) and read the data file
    // a data root: trainers hash (fingerprint) only files inside their roots
    c = await Cluster.start({ trainers: 1, slotsPerTrainer: 2, dataRoots: [dir] });
  });
  afterAll(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const spec = (name: string, over: Record<string, unknown> = {}) => ({
    name,
    backend: { kind: 'command', command: ['node', 'test/fixtures/curve-program.mjs'] },
    params: { q: [0.3, 0.6], steps: 3, stepMs: 5, data },
    seeds: [1, 2],
    budget: { maxTrials: 10, trialTimeout: '1m', retries: 0 },
    ...over,
  });
  const rows = (sweepId: string) =>
    c.query<Row>(
      `SELECT t.id, t.config_hash, t.status, t.reused_from_trial_id, t.metrics, t.log_tail,
              array(SELECT outcome FROM trial_attempt a WHERE a.trial_id = t.id ORDER BY attempt) AS outcomes,
              (SELECT count(*) FROM trial_step s WHERE s.trial_id = t.id) AS steps
         FROM trial t WHERE t.sweep_id = $1 ORDER BY t.ordinal`,
      sweepId,
    );
  const run = async (s: unknown) => {
    const id = await c.submit(s);
    expect((await c.waitForSweep(id, 60_000)).status).toBe('completed');
    return rows(id);
  };

  let original: Row[] = [];

  it('runs a sweep the first time', async () => {
    original = await run(spec('first'));
    expect(original).toHaveLength(4);
    expect(original.every((t) => t.status === 'succeeded' && t.reused_from_trial_id === null)).toBe(true);
    expect(original.map((t) => t.outcomes)).toEqual(original.map(() => ['succeeded']));
  });

  it('links the results of a resubmitted sweep instead of running it again', async () => {
    const again = await run(spec('second'));
    const byHash = new Map(original.map((t) => [t.config_hash, t]));
    for (const t of again) {
      const source = byHash.get(t.config_hash)!;
      expect(t).toMatchObject({ status: 'succeeded', reused_from_trial_id: source.id, metrics: source.metrics, outcomes: ['reused'] });
      expect(t.log_tail).toBe(`result reused from trial ${source.id}`);
      expect(t.steps).toBe(source.steps); // the learning curve comes along
    }
    // visible in the API
    const page = await c.get<{ items: { reusedFromTrialId: string | null }[] }>(`/sweeps/${(await c.query<{ sweep_id: string }>(`SELECT sweep_id FROM trial WHERE id = $1`, again[0]!.id))[0]!.sweep_id}/trials`);
    expect(page.items.map((t) => t.reusedFromTrialId).sort()).toEqual(original.map((t) => t.id).sort());
  });

  it('runs everything afresh with reuse: false', async () => {
    const fresh = await run(spec('forced', { reuse: false }));
    expect(fresh.every((t) => t.reused_from_trial_id === null && t.outcomes[0] === 'succeeded')).toBe(true);
    // the program ran: the trainer's engine line shows its command
    expect(fresh.every((t) => /\$ node test\/fixtures\/curve-program\.mjs/.test(t.log_tail ?? ''))).toBe(true);
  });

  it('links the original, never a copy, and reruns when a data file changes', async () => {
    const third = await run(spec('third'));
    expect(third.map((t) => t.reused_from_trial_id).sort()).toEqual(original.map((t) => t.id).sort());

    writeFileSync(data, 'y'.repeat(300)); // the fingerprint's data hash changes
    const changed = await run(spec('changed'));
    expect(changed.every((t) => t.reused_from_trial_id === null && t.outcomes[0] === 'succeeded')).toBe(true);
    const byHash = new Map(original.map((t) => [t.config_hash, t]));
    for (const t of changed) expect(t.metrics.score).toBeCloseTo(byHash.get(t.config_hash)!.metrics.score! + 0.2, 9);
  });

  it('a retried trial runs again rather than linking a result', async () => {
    const sweepId = await c.submit(spec('retry-me'));
    await c.waitForSweep(sweepId, 60_000);
    const [t] = await rows(sweepId);
    expect(t!.reused_from_trial_id).not.toBeNull();
    expect((await c.request('POST', `/trials/${t!.id}/retry`)).status).toBe(200);
    await c.waitForSweep(sweepId, 60_000);
    const [after] = await rows(sweepId);
    expect(after).toMatchObject({ status: 'succeeded', reused_from_trial_id: null, outcomes: ['reused', 'succeeded'] });
  });
});
