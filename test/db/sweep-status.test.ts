/**
 * A sweep's status and counts follow its trials in the same transaction as each change (a trigger on
 * trial): right after the statement that finishes its last trial, a reader sees the sweep finished,
 * never "running" with every trial done — however many writers finish trials at once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, migrate, SearchRepository, SweepRepository, TrainingRepository, TrialRepository, type NewTrial, type TrialOutcome } from '@tinysweep/db';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

const succeeded: TrialOutcome = { status: 'succeeded', metrics: { score: 1 }, trainableParams: 13, effectiveParams: 13, adapter: null, error: null, logTail: null };
const failed: TrialOutcome = { ...succeeded, status: 'failed', metrics: null, error: 'exit code 3' };

function trials(n: number): NewTrial[] {
  return Array.from({ length: n }, (_, i) => ({ id: randomUUID(), ordinal: i, params: { x: i }, seed: 1, configHash: `c${i}`, groupHash: `g${i}` }));
}

describe('sweep status follows its trials', () => {
  let pg: TestPostgres | undefined;
  let db: Database;
  let sweeps: SweepRepository;
  let repo: TrialRepository;

  beforeAll(async () => {
    pg = await startTestPostgres();
    const url = await pg.freshDatabase('status');
    await migrate(url);
    db = new Database(url, { poolSize: 12 });
    sweeps = new SweepRepository(db);
    repo = new TrialRepository(db);
  });
  afterAll(async () => {
    await db?.close();
    await pg?.stop();
  });

  async function newSweep(n: number, searchOpen = false): Promise<{ id: string; trialIds: string[] }> {
    const id = randomUUID();
    const ts = trials(n);
    await sweeps.create({ id, name: 's', spec: {}, specSource: '{}', metric: 'score', maximize: true, trials: ts, searchOpen });
    return { id, trialIds: ts.map((t) => t.id) };
  }

  async function run(trialId: string, outcome: TrialOutcome): Promise<void> {
    const started = await repo.startAttempt(trialId, 'node-1');
    expect(started).not.toBeNull();
    expect(await repo.recordResult(trialId, started!.attempt, outcome)).toBe(true);
  }

  it('is queued, then running, then completed the moment its last trial is recorded', async () => {
    const s = await newSweep(3);
    expect(await sweeps.get(s.id)).toMatchObject({ status: 'queued', finishedAt: null, counts: { queued: 3, running: 0, succeeded: 0 } });
    await repo.startAttempt(s.trialIds[0]!, 'node-1');
    expect(await sweeps.get(s.id)).toMatchObject({ status: 'running', counts: { queued: 2, running: 1 } });
    await repo.recordResult(s.trialIds[0]!, 1, succeeded);
    await run(s.trialIds[1]!, failed);
    expect(await sweeps.get(s.id)).toMatchObject({ status: 'running', finishedAt: null, counts: { queued: 1, succeeded: 1, failed: 1 } });
    await run(s.trialIds[2]!, succeeded);
    const done = await sweeps.get(s.id);
    expect(done).toMatchObject({ status: 'completed', counts: { queued: 0, running: 0, succeeded: 2, failed: 1 } });
    expect(done!.finishedAt).toBeInstanceOf(Date);
  });

  it("counts shared trainings and is running from its first training's start while every trial waits for one", async () => {
    const id = randomUUID();
    const g = [randomUUID(), randomUUID()];
    const ts = trials(4).map((t, i) => ({ ...t, trainHash: `h${i >> 1}` }));
    await sweeps.create({
      id, name: 's', spec: {}, specSource: '{}', metric: 'score', maximize: true, trials: ts,
      trainings: [{ id: g[0]!, trainHash: 'h0', params: {} }, { id: g[1]!, trainHash: 'h1', params: {} }],
    });
    const trainings = new TrainingRepository(db);
    expect(await sweeps.get(id)).toMatchObject({ status: 'queued', counts: { queued: 4, running: 0 }, trainings: { total: 2, running: 0, done: 0 } });
    expect(await trainings.start(g[0]!, 'node-1')).not.toBeNull();
    expect(await sweeps.get(id)).toMatchObject({ status: 'running', counts: { queued: 4, running: 0 }, trainings: { total: 2, running: 1, done: 0 } });
    expect(await trainings.succeed(g[0]!, 1, { adapter: { v: [1] }, metrics: null, trainableParams: 1, environment: null })).toBe(true);
    // Trained, its trials not yet evaluated: still running, not back to queued.
    expect(await sweeps.get(id)).toMatchObject({ status: 'running', counts: { queued: 4 }, trainings: { total: 2, running: 0, done: 1 } });
    await run(ts[0]!.id, succeeded);
    await run(ts[1]!.id, succeeded);
    await trainings.start(g[1]!, 'node-1');
    await trainings.end(g[1]!, 'failed', 'out of memory');
    const done = await sweeps.get(id);
    expect(done).toMatchObject({ status: 'completed', counts: { queued: 0, succeeded: 2, failed: 2 }, trainings: { total: 2, running: 0, done: 2 } });
  });

  it('runs again when a finished trial is retried, and completes again after it', async () => {
    const s = await newSweep(1);
    await run(s.trialIds[0]!, succeeded);
    expect((await sweeps.get(s.id))!.status).toBe('completed');
    expect(await repo.retry(s.trialIds[0]!)).not.toBeNull();
    expect(await sweeps.get(s.id)).toMatchObject({ status: 'queued', finishedAt: null, counts: { queued: 1, succeeded: 0 } });
    await run(s.trialIds[0]!, succeeded);
    expect(await sweeps.get(s.id)).toMatchObject({ status: 'completed', counts: { queued: 0, succeeded: 1 } });
  });

  it('fails when nothing succeeded, and stays cancelled after a cancel whatever its trials did', async () => {
    const f = await newSweep(2);
    await run(f.trialIds[0]!, failed);
    await run(f.trialIds[1]!, failed);
    expect((await sweeps.get(f.id))!.status).toBe('failed');

    const c = await newSweep(3);
    await run(c.trialIds[0]!, succeeded);
    await repo.startAttempt(c.trialIds[1]!, 'node-1');
    expect(await sweeps.cancel(c.id)).toMatchObject({ queued: [c.trialIds[2]], running: [c.trialIds[1]] });
    expect(await sweeps.get(c.id)).toMatchObject({ status: 'cancelled', counts: { succeeded: 1, cancelled: 2, running: 0, queued: 0 } });
    expect(await repo.recordResult(c.trialIds[1]!, 1, succeeded)).toBe(false); // the cancelled attempt's late result is not recorded
    expect((await sweeps.get(c.id))!.status).toBe('cancelled');
  });

  it('keeps a sweep whose search is open running until the search proposes nothing more', async () => {
    const s = await newSweep(1, true);
    const searches = new SearchRepository(db);
    await run(s.trialIds[0]!, succeeded);
    expect(await sweeps.get(s.id)).toMatchObject({ status: 'running', finishedAt: null });
    expect(await searches.idleOpenSearches()).toContain(s.id);
    const [added] = await searches.extend(s.id, () => trials(1).map((t) => ({ ...t, ordinal: 1, configHash: 'more' })));
    expect(await sweeps.get(s.id)).toMatchObject({ status: 'running', trialCount: 2, counts: { queued: 1, succeeded: 1 } });
    expect(await searches.idleOpenSearches()).not.toContain(s.id);
    await run(added!.id, succeeded);
    expect((await sweeps.get(s.id))!.status).toBe('running');
    expect(await searches.extend(s.id, () => [])).toEqual([]);
    const done = await sweeps.get(s.id);
    expect(done).toMatchObject({ status: 'completed', counts: { succeeded: 2 } });
    expect(done!.finishedAt).toBeInstanceOf(Date);
  });

  it('cancels while dispatchers start and finish its trials, without a deadlock', async () => {
    for (let round = 0; round < 20; round++) {
      const s = await newSweep(40);
      const work = s.trialIds.map(async (id, i) => {
        const started = await repo.startAttempt(id, 'node-1');
        if (started && i % 2 === 0) await repo.recordResult(id, started.attempt, succeeded);
      });
      const cancelled = (async () => {
        await new Promise((r) => setImmediate(r)); // while the writers are under way
        return sweeps.cancel(s.id);
      })();
      await Promise.all([...work, cancelled]);
      expect(await cancelled).not.toBeNull();
      const got = await sweeps.get(s.id);
      expect(got).toMatchObject({ status: 'cancelled', counts: { queued: 0, running: 0 } });
      expect(got!.counts.succeeded + got!.counts.cancelled).toBe(40);
    }
  });

  it('counts exactly while many connections finish trials of the same sweeps at once', async () => {
    const a = await newSweep(60);
    const b = await newSweep(60);
    const all = [...a.trialIds, ...b.trialIds];
    // Interleave the two sweeps so concurrent statements keep touching both sweep rows.
    const order = all.map((id, i) => ({ id, i })).sort((x, y) => (x.i % 60) - (y.i % 60) || x.i - y.i);
    await Promise.all(order.map(({ id }, i) => run(id, i % 7 === 0 ? failed : succeeded)));
    // bulk changes across both sweeps in one statement each
    await db.pool.query(`UPDATE trial SET status = 'queued', result_attempt = NULL WHERE sweep_id = ANY($1::uuid[]) AND status = 'failed'`, [[a.id, b.id]]);
    for (const s of [a, b]) {
      const { rows } = await db.pool.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM trial WHERE sweep_id = $1 GROUP BY status`, [s.id]);
      const actual = Object.fromEntries(rows.map((r) => [r.status, r.n]));
      const got = await sweeps.get(s.id);
      expect(got!.counts).toEqual({ queued: actual.queued ?? 0, running: 0, succeeded: actual.succeeded ?? 0, failed: 0, cancelled: 0, stopped: 0, paused: 0 });
      expect(got!.status).toBe('running');
    }
  });
});
