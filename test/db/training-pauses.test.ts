/**
 * ASHA with pausing over shared trainings, in Postgres (SearchRepository.resolvePauses): a training is
 * one competitor, represented by its first trial; pausing it pauses its trials, promoting it queues
 * them again on the training's next segment (new job ids), stopping it stops them with the rung's
 * metrics — and the training's jobs of an earlier segment, the reconciler and a cancel see that.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, migrate, SearchRepository, SweepRepository, TrainingRepository, type PauseDecision, type PauseTrial, type RungValue } from '@tinysweep/db';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

describe('shared trainings pause at ASHA rungs as one competitor', () => {
  let pg: TestPostgres | undefined;
  let db: Database;
  let sweeps: SweepRepository;
  let trainings: TrainingRepository;
  let search: SearchRepository;

  beforeAll(async () => {
    pg = await startTestPostgres();
    const url = await pg.freshDatabase('pauses');
    await migrate(url);
    db = new Database(url, { poolSize: 4 });
    sweeps = new SweepRepository(db);
    trainings = new TrainingRepository(db);
    search = new SearchRepository(db);
  });
  afterAll(async () => {
    await db?.close();
    await pg?.stop();
  });

  /** A sweep of two trainings (A, B) of two thresholds each: trials a0 a1 b0 b1 by ordinal. */
  async function newSweep() {
    const id = randomUUID();
    const [A, B] = [randomUUID(), randomUUID()];
    const t = ['a0', 'a1', 'b0', 'b1'].map((name, i) => ({ name, id: randomUUID(), ordinal: i, params: { x: i >> 1, t: i & 1 }, seed: 1, configHash: `c${i}`, groupHash: `g${i}`, trainHash: `h${i >> 1}` }));
    await sweeps.create({
      id, name: 's', spec: {}, specSource: '{}', metric: 'eval_acc', maximize: true, trials: t,
      trainings: [{ id: A, trainHash: 'h0', params: {} }, { id: B, trainHash: 'h1', params: {} }],
    });
    const ids = Object.fromEntries(t.map((x) => [x.name, x.id])) as Record<'a0' | 'a1' | 'b0' | 'b1', string>;
    return { id, A, B, ...ids };
  }

  const statusOf = async (ids: string[]) =>
    (await db.pool.query<{ status: string }>(`SELECT status FROM trial WHERE id = ANY($1::uuid[]) ORDER BY ordinal`, [ids])).rows.map((r) => r.status);

  it('pauses a training and its trials, promotes it on a new segment, and stops it with its trials', async () => {
    const s = await newSweep();
    expect(await trainings.start(s.A, 'n1')).toMatchObject({ attempt: 1 });
    expect(await trainings.start(s.B, 'n1')).toMatchObject({ attempt: 1 });
    let seen: { open: PauseTrial[]; values: RungValue[] } | undefined;
    const decide = (d: PauseDecision) => (open: PauseTrial[], values: RungValue[]) => {
      seen = { open, values };
      return d;
    };

    // A reaches rung 1 first: one competitor per training (a1 and b1 are not), A as paused there.
    const paused = await search.resolvePauses(s.id, { trialId: s.a0, attempt: 1, rung: 1, value: 0.5, metrics: { eval_acc: 0.5 }, trainingId: s.A }, decide({ promote: [], stop: [] }));
    expect(paused).toEqual({ self: 'paused', promoted: [], promotedTrainings: [], stopped: [] });
    expect(seen!.open.map((c) => [c.id, c.status, [...c.rungs]])).toEqual(
      expect.arrayContaining([
        [s.a0, 'paused', [[1, 0.5]]],
        [s.b0, 'running', []],
      ]),
    );
    expect(seen!.open).toHaveLength(2);
    expect(await trainings.get(s.A)).toMatchObject({ status: 'paused', segment: 0 });
    expect(await statusOf([s.a0, s.a1])).toEqual(['paused', 'paused']);
    expect(await sweeps.get(s.id)).toMatchObject({ status: 'running', counts: { paused: 2, queued: 2 }, trainings: { total: 2, running: 1, done: 0 } });
    // Paused: not open to the reconciler, and its segment-0 job cannot start it again.
    expect((await trainings.open(null)).filter((g) => g.id === s.A)).toEqual([]);
    expect(await trainings.start(s.A, 'n1', 0)).toBeNull();

    // B arrives and goes on; the values promote A: queued again, on segment 1.
    const promoted = await search.resolvePauses(s.id, { trialId: s.b0, attempt: 1, rung: 1, value: 0.7, metrics: { eval_acc: 0.7 }, trainingId: s.B }, decide({ promote: [s.a0, s.b0], stop: [] }));
    expect(promoted).toEqual({ self: 'continue', promoted: [], promotedTrainings: [{ id: s.A, segment: 1 }], stopped: [] });
    expect(await trainings.get(s.A)).toMatchObject({ status: 'queued', segment: 1 });
    expect(await statusOf([s.a0, s.a1])).toEqual(['queued', 'queued']);
    expect((await trainings.open(null)).find((g) => g.id === s.A)).toMatchObject({ segment: 1 });
    // A job of the earlier segment is stale (and cannot end it); the new segment's starts it.
    expect(await trainings.start(s.A, 'n1', 0)).toBeNull();
    expect(await trainings.end(s.A, 'failed', 'late failure of an old job', undefined, 0)).toEqual([]);
    expect(await trainings.start(s.A, 'n1', 1)).toMatchObject({ attempt: 2 });

    // A stale attempt of B is gone; A at rung 2 stops there, with its trials.
    expect((await search.resolvePauses(s.id, { trialId: s.b0, attempt: 7, rung: 2, value: 0.9, metrics: {}, trainingId: s.B }, decide({ promote: [], stop: [] }))).self).toBe('gone');
    const error = 'stopped by ASHA at rung 2: eval_acc 0.1 is not among the 1 best';
    const stopped = await search.resolvePauses(s.id, { trialId: s.a0, attempt: 2, rung: 2, value: 0.1, metrics: { eval_acc: 0.1 }, trainingId: s.A }, decide({ promote: [], stop: [{ id: s.a0, rung: 2, cutoff: 0.9, error }] }));
    expect(stopped.self).toBe('stopped');
    expect(stopped.stopped.sort()).toEqual([s.a0, s.a1].sort());
    expect(await trainings.get(s.A)).toMatchObject({ status: 'stopped', error });
    const rows = await db.pool.query<{ status: string; metrics: Record<string, number>; error: string; result_attempt: number }>(`SELECT status, metrics, error, result_attempt FROM trial WHERE training_id = $1::uuid`, [s.A]);
    for (const r of rows.rows) {
      expect(r).toMatchObject({ status: 'stopped', metrics: { eval_acc: 0.1, asha_rung: 2, asha_cutoff: 0.9 }, error: `shared training: ${error}`, result_attempt: 0 });
    }
    expect(await sweeps.get(s.id)).toMatchObject({ counts: { stopped: 2, queued: 2, paused: 0 }, trainings: { total: 2, done: 1 } });
  });

  it('stops a paused training with its trials when its rung completes without it, and a cancel finds a paused one', async () => {
    const s = await newSweep();
    await trainings.start(s.A, 'n1');
    await trainings.start(s.B, 'n1');
    await search.resolvePauses(s.id, { trialId: s.a0, attempt: 1, rung: 1, value: 0.5, metrics: { eval_acc: 0.5 }, trainingId: s.A }, () => ({ promote: [], stop: [] }));
    await search.resolvePauses(s.id, { trialId: s.b0, attempt: 1, rung: 1, value: 0.2, metrics: { eval_acc: 0.2 }, trainingId: s.B }, () => ({ promote: [], stop: [] }));
    expect(await statusOf([s.a0, s.a1, s.b0, s.b1])).toEqual(['paused', 'paused', 'paused', 'paused']);
    // The rung complete: A promoted, B stopped (from the reconciler's pass: no pausing run).
    const out = await search.resolvePauses(s.id, null, () => ({ promote: [s.a0], stop: [{ id: s.b0, rung: 1, cutoff: 0.5, error: 'no room' }] }));
    expect(out).toMatchObject({ promotedTrainings: [{ id: s.A, segment: 1 }] });
    expect(out.stopped.sort()).toEqual([s.b0, s.b1].sort());
    expect(await trainings.get(s.B)).toMatchObject({ status: 'stopped', error: 'no room' });
    const b = await db.pool.query<{ metrics: Record<string, number>; error: string }>(`SELECT metrics, error FROM trial WHERE training_id = $1::uuid`, [s.B]);
    for (const r of b.rows) expect(r).toMatchObject({ metrics: { eval_acc: 0.2, asha_rung: 1, asha_cutoff: 0.5 }, error: 'shared training: no room' });

    // Paused again at rung 2, then the sweep cancelled: the paused training is cancelled, named with its segment.
    await trainings.start(s.A, 'n1', 1);
    await search.resolvePauses(s.id, { trialId: s.a0, attempt: 2, rung: 2, value: 0.5, metrics: { eval_acc: 0.5 }, trainingId: s.A }, () => ({ promote: [], stop: [] }));
    expect(await trainings.get(s.A)).toMatchObject({ status: 'paused', segment: 1 });
    const cancelled = await sweeps.cancel(s.id);
    expect(cancelled!.trainings).toEqual([{ id: s.A, segment: 1 }]);
    expect(await trainings.get(s.A)).toMatchObject({ status: 'cancelled' });
    expect(await statusOf([s.a0, s.a1])).toEqual(['cancelled', 'cancelled']);
  });
});
