/**
 * What a finished attempt reports reaches Postgres whatever is in it, and no attempt row is left
 * open: the holes a code read found and the chaos suite (test/chaos) exercises, pinned one by one.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, migrate, SweepRepository, TrialRepository, type NewTrial, type TrialOutcome } from '@tinysweep/db';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

const ok: TrialOutcome = { status: 'succeeded', metrics: { score: 1 }, trainableParams: 13, effectiveParams: 13, adapter: null, error: null, logTail: null };

describe('trial results and attempts in Postgres', () => {
  let pg: TestPostgres | undefined;
  let db: Database;
  let sweeps: SweepRepository;
  let repo: TrialRepository;

  beforeAll(async () => {
    pg = await startTestPostgres();
    const url = await pg.freshDatabase('results');
    await migrate(url);
    db = new Database(url);
    sweeps = new SweepRepository(db);
    repo = new TrialRepository(db);
  });
  afterAll(async () => {
    await db?.close();
    await pg?.stop();
  });

  async function newTrials(n: number): Promise<string[]> {
    const ts: NewTrial[] = Array.from({ length: n }, (_, i) => ({ id: randomUUID(), ordinal: i, params: { x: i }, seed: 1, configHash: `c${i}`, groupHash: `g${i}` }));
    await sweeps.create({ id: randomUUID(), name: 's', spec: {}, specSource: '{}', metric: 'score', maximize: true, trials: ts });
    return ts.map((t) => t.id);
  }

  const attempts = async (trialId: string) =>
    (await db.pool.query<{ attempt: number; outcome: string | null; finished: boolean }>(
      `SELECT attempt, outcome, finished_at IS NOT NULL AS finished FROM trial_attempt WHERE trial_id = $1 ORDER BY attempt`,
      [trialId],
    )).rows;

  it('stores 7e9 trainable parameters, and a count no number can hold is left out alone (noted), not the result', async () => {
    const [big, bogus] = await newTrials(2);
    const a = await repo.startAttempt(big!, 'n');
    expect(await repo.recordResult(big!, a!.attempt, { ...ok, trainableParams: 7e9, effectiveParams: 6_500_000_123 })).toBe(true);
    expect(await repo.get(big!)).toMatchObject({ status: 'succeeded', trainableParams: 7e9, effectiveParams: 6_500_000_123 });

    const b = await repo.startAttempt(bogus!, 'n');
    expect(await repo.recordResult(bogus!, b!.attempt, { ...ok, trainableParams: 1e300, effectiveParams: -4 })).toBe(true);
    const detail = await repo.detail(bogus!);
    expect(detail).toMatchObject({ status: 'succeeded', trainableParams: null, effectiveParams: null, metrics: { score: 1 } });
    expect(detail!.logTail).toMatch(/trainable_params 1e\+300 is not a whole number/);
  });

  it('a NUL character in the log tail, the error or a metric name does not lose the result', async () => {
    const [t] = await newTrials(1);
    const a = await repo.startAttempt(t!, 'n');
    const outcome: TrialOutcome = { ...ok, status: 'failed', metrics: { 'lo\u0000ss': 2 }, adapter: { note: 'a\u0000b' }, error: 'exit\u0000 3', logTail: 'line\u0000 one' };
    expect(await repo.recordResult(t!, a!.attempt, outcome)).toBe(true);
    expect(await repo.detail(t!)).toMatchObject({ status: 'failed', error: 'exit 3', logTail: 'line one', metrics: { loss: 2 }, adapter: { note: 'ab' } });
  });

  it('one step past 2^31 (or past 2^53) does not lose the batch: the rest of the curve is stored', async () => {
    const [t, u] = await newTrials(2);
    const a = await repo.startAttempt(t!, 'n');
    const b = await repo.startAttempt(u!, 'n');
    const stored = await repo.appendSteps([
      { trialId: t!, attempt: a!.attempt, step: 1, metrics: { loss: 1 } },
      { trialId: t!, attempt: a!.attempt, step: 3_000_000_000, metrics: { loss: 0.5 } },
      { trialId: u!, attempt: b!.attempt, step: 2 ** 60, metrics: { loss: 9 } },
      { trialId: u!, attempt: b!.attempt, step: 7, metrics: { ['k\u0000']: 1 } },
    ]);
    expect(stored).toBe(3);
    await repo.recordResult(t!, a!.attempt, ok);
    expect((await repo.detail(t!))!.curve.map((p) => p.step)).toEqual([1, 3_000_000_000]);
    await repo.recordResult(u!, b!.attempt, ok);
    expect((await repo.detail(u!))!.curve).toEqual([{ step: 7, metrics: { k: 1 } }]);
  });

  it('an attempt its dispatcher abandoned is closed by the next one, as interrupted: not charged to the trial', async () => {
    const [t] = await newTrials(1);
    const first = await repo.startAttempt(t!, 'n'); // its dispatcher dies here
    const second = await repo.startAttempt(t!, 'n');
    expect(second!.attempt).toBe(first!.attempt + 1);
    expect(await attempts(t!)).toEqual([
      { attempt: 1, outcome: 'interrupted', finished: true },
      { attempt: 2, outcome: null, finished: false },
    ]);
    await repo.recordInterrupted(t!, 2, 'the dispatcher stopped during the attempt');
    expect(await repo.get(t!)).toMatchObject({ status: 'queued', attempts: 2 });
    const open = (await repo.open(null)).find((o) => o.id === t);
    expect(open).toMatchObject({ attempts: 2, charged: 0 }); // the reconciler gives it all its retries back
  });

  it('an attempt left open on a trial that ended (cancelled while its dispatcher was gone) is closed after the grace', async () => {
    const [t] = await newTrials(1);
    await repo.startAttempt(t!, 'n');
    await db.pool.query(`UPDATE trial SET status = 'cancelled', finished_at = now() - interval '5 minutes' WHERE id = $1`, [t]);
    expect(await repo.closeAbandonedAttempts(600_000)).toBe(0); // within the grace: its dispatcher may still say
    expect(await repo.closeAbandonedAttempts(60_000)).toBeGreaterThanOrEqual(1);
    expect(await attempts(t!)).toEqual([{ attempt: 1, outcome: 'cancelled', finished: true }]);
  });

  it('results arriving together are written together, each exactly once; a late attempt is superseded; one bad value loses no other', async () => {
    const ids = await newTrials(40);
    const started = await Promise.all(ids.map((t) => repo.startAttempt(t, 'n')));
    // a second attempt of the first trial (a stalled job run again elsewhere) finishes in the same breath
    const again = await repo.startAttempt(ids[0]!, 'm');
    const commits0 = Number((await db.pool.query(`SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`)).rows[0].xact_commit);
    const recorded = await Promise.all([
      ...ids.map((t, i) => repo.recordResult(t, started[i]!.attempt, { ...ok, metrics: { score: i } })),
      repo.recordResult(ids[0]!, again!.attempt, { ...ok, metrics: { score: -1 } }),
    ]);
    const commits = Number((await db.pool.query(`SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`)).rows[0].xact_commit) - commits0;
    expect(recorded.filter(Boolean)).toHaveLength(40); // the first trial's two attempts: one wins
    expect(commits).toBeLessThan(20); // batched (41 one by one); the counter may include this test's own reads
    for (const [i, t] of ids.entries()) {
      const trial = await repo.get(t);
      expect(trial).toMatchObject({ status: 'succeeded' });
      if (i > 0) expect(trial!.metrics).toEqual({ score: i });
    }
    // the first attempt to finish wins (as one by one); the other attempt is superseded
    expect((await attempts(ids[0]!)).map((a) => a.outcome).sort()).toEqual(['succeeded', 'superseded']);

    // a value Postgres refuses (a lone surrogate in JSON) in one result of a batch: the others keep theirs
    const more = await newTrials(5);
    const s2 = await Promise.all(more.map((t) => repo.startAttempt(t, 'n')));
    const res = await Promise.all(more.map((t, i) => repo.recordResult(t, s2[i]!.attempt, { ...ok, metrics: i === 2 ? { ['\ud800']: 1 } : { score: i } })));
    expect(res).toEqual([true, true, true, true, true]);
    expect((await repo.get(more[4]!))!.metrics).toEqual({ score: 4 });
    expect(await repo.detail(more[2]!)).toMatchObject({ status: 'succeeded', metrics: null, logTail: expect.stringMatching(/could not be stored/) });
  });

});
