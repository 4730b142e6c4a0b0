/**
 * Adaptive searches through the real stack (API → BullMQ → dispatcher → gRPC trainer → Postgres),
 * with test/fixtures/curve-program.mjs, whose learning curves keep the configurations' order at
 * every step: ASHA must stop the weak ones at its rungs and let the best finish; a pareto search
 * must propose neighbours of its front until the budget, and report the right front.
 *
 * One trainer with one slot, so trials run one after another and ASHA's decisions can be replayed.
 */
import { AshaPruner, configObservations, dominates, nondominatedSort, TpeSearch, type HistoryTrial } from '@tinysweep/search';
import { parseSweepSpec } from '@tinysweep/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from './cluster.js';

const program = { kind: 'command', command: ['node', 'test/fixtures/curve-program.mjs'] };

interface Row {
  id: string;
  ordinal: number;
  status: string;
  q: number;
  size: number;
  group_hash: string;
  metrics: Record<string, number> | null;
  effective_params: number | null;
  error: string | null;
  last_step: number | null;
  steps: number[] | null;
}

describe('adaptive search: asha and pareto', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await Cluster.start({ trainers: 1, slotsPerTrainer: 1 });
  });
  afterAll(async () => {
    await c?.stop();
  });

  const rows = (sweepId: string) =>
    c.query<Row>(
      `SELECT t.id, t.ordinal, t.status, (t.params->>'q')::float8 AS q, coalesce((t.params->>'size')::int, 1) AS size, t.group_hash, t.metrics,
              t.effective_params::float8 AS effective_params, t.error, (SELECT max(step)::float8 FROM trial_step s WHERE s.trial_id = t.id) AS last_step,
              (SELECT array_agg(DISTINCT s.step::int ORDER BY s.step::int) FROM trial_step s WHERE s.trial_id = t.id) AS steps
         FROM trial t WHERE t.sweep_id = $1 ORDER BY t.ordinal`,
      sweepId,
    );

  it('asha stops the weak trials at the rungs and the best one trains to the end', async () => {
    const id = await c.submit({
      name: 'asha-e2e',
      backend: program,
      params: { q: [0.9, 0.1, 0.5, 0.2, 0.8, 0.3, 0.6, 0.4, 0.7], steps: 27, stepMs: 40 },
      objective: { metric: 'score', mode: 'max' },
      search: { kind: 'asha', minIterations: 3, maxIterations: 27, eta: 3, metric: 'acc' },
      budget: { maxTrials: 100, trialTimeout: '2m', retries: 0 },
      reuse: false,
    });
    const done = await c.waitForSweep(id, 120_000);
    expect(done.status).toBe('completed');
    expect(done.counts).toMatchObject({ succeeded: 1, stopped: 8, failed: 0, cancelled: 0 });

    const trials = await rows(id);
    // The best configuration (submitted first) is at the top of every rung: it trains to the end.
    const best = trials.find((t) => t.q === 0.9)!;
    expect(best).toMatchObject({ status: 'succeeded', last_step: 27, steps: [3, 9, 27] });
    expect(best.metrics!.score).toBeCloseTo(0.9 * (1 - Math.exp(-9)), 6);

    // Replaying the recorded rung values in order through the pure rule gives every trial's fate (one
    // slot: trials ran one at a time, each judged against exactly what was recorded before it).
    const recorded = await c.query<{ rung: number; trial_id: string; value: number }>(
      `SELECT rung, trial_id, value FROM rung_result WHERE sweep_id = $1 ORDER BY recorded_at, rung`,
      id,
    );
    const replay = new AshaPruner({ minIterations: 3, maxIterations: 27, eta: 3 });
    const stoppedAt = new Map<string, number>();
    for (const r of recorded) {
      replay.record(r.trial_id, r.rung, r.value);
      if (replay.decide(r.trial_id, r.rung) === 'stop') stoppedAt.set(r.trial_id, r.rung);
    }
    expect(stoppedAt.size).toBe(8);
    for (const t of trials) {
      const rung = stoppedAt.get(t.id);
      if (rung === undefined) {
        expect(t.id).toBe(best.id);
        continue;
      }
      expect(t.status, `q=${t.q}`).toBe('stopped');
      expect(t.metrics).toMatchObject({ asha_rung: rung, acc: expect.closeTo(t.q * (1 - Math.exp(-rung / 3)), 6) });
      expect(t.error).toMatch(new RegExp(`^stopped by ASHA at rung ${rung}: acc 0\\.\\d+ is not in the top 1/3 of the \\d values recorded there`));
      // stopped soon after its rung, far from the 27 iterations a finished trial runs
      expect(t.last_step!).toBeLessThan(27);
      // the dispatcher sent the rungs (TINYSWEEP_EVAL_AT): the program measured acc there only
      expect(t.steps!.every((s) => s === 3 || s === 9), `steps ${t.steps}`).toBe(true);
    }
    // Every trial reached rung 3; the first trials there compete with fewer, so some also reached rung 9.
    expect(recorded.filter((r) => r.rung === 3)).toHaveLength(9);
    expect([...stoppedAt.values()].filter((r) => r === 3).length).toBeGreaterThanOrEqual(5);

    // One attempt each: the trial sent to the slot a stopped trial is still winding down waits for it
    // instead of being refused and retried.
    const attempts = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM trial_attempt a JOIN trial t ON t.id = a.trial_id WHERE t.sweep_id = $1`, id);
    expect(attempts[0]!.n).toBe(9);

    // The API shows the stop as its own status, and the best trial as the sweep's best.
    const sweep = await c.get<{ best: { trialId: string } }>(`/sweeps/${id}`);
    expect(sweep.best.trialId).toBe(best.id);
    const page = await c.get<{ total: number; items: { status: string }[] }>(`/sweeps/${id}/trials?status=stopped`);
    expect(page.total).toBe(8);
  }, 150_000);

  it('asha with pausing promotes as synchronous halving does: the top third of each rung, resumed from their checkpoints', async () => {
    const id = await c.submit({
      name: 'asha-pause-e2e',
      backend: program,
      // the same nine configurations in the same order as above: asynchronous promotion let early arrivals through
      params: { q: [0.9, 0.1, 0.5, 0.2, 0.8, 0.3, 0.6, 0.4, 0.7], steps: 27, stepMs: 20 },
      objective: { metric: 'score', mode: 'max' },
      search: { kind: 'asha', minIterations: 3, maxIterations: 27, eta: 3, metric: 'acc', promotion: 'pause' },
      budget: { maxTrials: 100, trialTimeout: '2m', retries: 0 },
      reuse: false,
    });
    const done = await c.waitForSweep(id, 120_000);
    expect(done.status).toBe('completed');
    expect(done.counts).toMatchObject({ succeeded: 1, stopped: 8, failed: 0, cancelled: 0, paused: 0 });

    const trials = await rows(id);
    const qsAt = (rung: number) => trials.filter((t) => t.steps?.includes(rung)).map((t) => t.q).sort();
    // rung 3: all nine; rung 9: exactly its top ⌊9/3⌋ (0.7, 0.8, 0.9); rung 27: the top ⌊3/3⌋ of those
    expect(qsAt(3)).toHaveLength(9);
    expect(qsAt(9)).toEqual([0.7, 0.8, 0.9]);
    expect(qsAt(27)).toEqual([0.9]);
    const best = trials.find((t) => t.q === 0.9)!;
    expect(best).toMatchObject({ status: 'succeeded', last_step: 27, steps: [3, 9, 27] });
    expect(best.metrics!.score).toBeCloseTo(0.9 * (1 - Math.exp(-9)), 6);
    for (const t of trials.filter((x) => x.status === 'stopped')) {
      const rung = [0.7, 0.8].includes(t.q) ? 9 : 3;
      expect(t.metrics, `q=${t.q}`).toMatchObject({ asha_rung: rung, acc: expect.closeTo(t.q * (1 - Math.exp(-rung / 3)), 6) });
      expect(t.error).toMatch(new RegExp(`^stopped by ASHA at rung ${rung}: acc 0\\.\\d+ is not among the \\d+ best of the \\d values recorded there`));
      // a stopped trial ran no further than its rung: pausing there, it never trained on
      expect(t.last_step).toBe(rung);
    }
    // A promoted trial continued from its rung's checkpoint: the program was told to resume there,
    // and no step was trained twice (the steps past a rung start right after it).
    const [tail] = await c.query<{ log_tail: string }>(`SELECT log_tail FROM trial WHERE id = $1`, best.id);
    expect(tail!.log_tail).toMatch(/resuming from step 9/);
    const [none] = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM checkpoint WHERE sweep_id = $1`, id);
    expect(none!.n).toBe(0); // finished trials drop their checkpoints
  }, 150_000);

  it('tpe proposes from the finished history as its estimators say, reproducibly from its seed, and the importance says which parameter mattered', async () => {
    const spec = (name: string) => ({
      name,
      backend: program,
      // score grows with q; the program ignores noise
      params: { q: { min: 0, max: 1 }, noise: { min: 0, max: 1 }, steps: 2, stepMs: 5 },
      objective: { metric: 'score', mode: 'max' },
      search: { kind: 'tpe', n: 16, startup: 6, seed: 11, parallel: 1 },
      budget: { maxTrials: 16, trialTimeout: '1m', retries: 0 },
      reuse: false,
    });
    const id = await c.submit(spec('tpe-e2e'));
    expect((await c.waitForSweep(id, 120_000)).status).toBe('completed');
    const trials = await rows(id);
    expect(trials).toHaveLength(16);
    expect(trials.every((t) => t.status === 'succeeded')).toBe(true);
    expect(new Set(trials.map((t) => t.group_hash)).size).toBe(16);
    // Replay: one slot, one proposal in flight, so each trial after the random start was proposed from
    // exactly the finished trials before it; the pure TpeSearch given that history proposes the same.
    const stored = await c.query<HistoryTrial & { ordinal: number }>(
      `SELECT id, ordinal, status::text AS status, params, group_hash AS "groupHash", metrics FROM trial WHERE sweep_id = $1 ORDER BY ordinal`,
      id,
    );
    const tpe = new TpeSearch(parseSweepSpec(spec('replay')));
    for (let k = 6; k < 16; k++) {
      const before = stored.slice(0, k);
      const [point] = tpe.propose(configObservations(tpe.space, { metric: 'score', mode: 'max' }, before), [], 1, before.map((t) => t.groupHash));
      expect(tpe.space.trials(point!, [0])[0]!.groupHash, `trial ${k}`).toBe(stored[k]!.groupHash);
    }

    // the same seed and the same history give the same proposals
    const again = await c.submit(spec('tpe-e2e-again'));
    expect((await c.waitForSweep(again, 120_000)).status).toBe('completed');
    expect((await rows(again)).map((t) => t.q)).toEqual(trials.map((t) => t.q));

    const imp = await c.get<{ configs: number; importance: { path: string; importance: number }[] }>(`/sweeps/${id}/importance`);
    expect(imp.configs).toBe(16);
    expect(imp.importance[0]!.path).toBe('params.q');
    const noise = imp.importance.find((x) => x.path === 'params.noise');
    expect(noise!.importance).toBeLessThan(imp.importance[0]!.importance / 4);
  }, 200_000);

  it('tpe with asha (BOHB-like): proposals keep coming while trials pause and stop at rungs, until n configurations', async () => {
    const id = await c.submit({
      name: 'tpe-asha-e2e',
      backend: program,
      params: { q: { min: 0, max: 1 }, steps: 27, stepMs: 10 },
      objective: { metric: 'score', mode: 'max' },
      search: { kind: 'tpe', n: 12, startup: 4, seed: 3, parallel: 2, asha: { minIterations: 3, maxIterations: 27, metric: 'acc', promotion: 'pause' } },
      budget: { maxTrials: 12, trialTimeout: '1m', retries: 0 },
      reuse: false,
    });
    const done = await c.waitForSweep(id, 150_000);
    expect(done.status).toBe('completed');
    expect(done.counts).toMatchObject({ failed: 0, cancelled: 0, paused: 0 });
    const trials = await rows(id);
    expect(trials).toHaveLength(12);
    expect(new Set(trials.map((t) => t.group_hash)).size).toBe(12);
    const finished = trials.filter((t) => t.status === 'succeeded');
    const stopped = trials.filter((t) => t.status === 'stopped');
    expect(finished.length + stopped.length).toBe(12);
    expect(stopped.length).toBeGreaterThan(0);
    // stopped at a rung, never trained past it; the best configuration trained to the end
    for (const t of stopped) expect([3, 9]).toContain(t.last_step);
    const best = trials.reduce((a, b) => (b.q > a.q ? b : a));
    expect(best).toMatchObject({ status: 'succeeded', last_step: 27 });
  }, 200_000);

  it('pareto proposes neighbours of its front until the budget, and reports the right front', async () => {
    const id = await c.submit({
      name: 'pareto-e2e',
      backend: program,
      // score = (q + 0.05·log2 size)·(1 − e^(−2/3)): a bigger adapter scores better, so score and size trade off
      params: { q: [0.1, 0.2, 0.3, 0.4, 0.5], size: [1, 2, 4, 8, 16], gain: 0.05, steps: 2, stepMs: 5 },
      search: { kind: 'pareto', n: 3, seed: 4, parallel: 2 },
      budget: { maxTrials: 12, trialTimeout: '1m', retries: 0 },
      reuse: false,
    });
    const done = await c.waitForSweep(id, 120_000);
    expect(done.status).toBe('completed');
    const trials = await rows(id);
    expect(trials).toHaveLength(12);
    expect(trials.every((t) => t.status === 'succeeded')).toBe(true);
    expect(new Set(trials.map((t) => t.group_hash)).size).toBe(12);
    expect((await c.sweep(id)).trialCount).toBe(12);

    // Every proposal (after the 3 random starts) is one step from a configuration that came before it.
    const qs = [0.1, 0.2, 0.3, 0.4, 0.5];
    const sizes = [1, 2, 4, 8, 16];
    const at = (t: Row) => [qs.indexOf(t.q), sizes.indexOf(t.size)];
    for (const t of trials.slice(3)) {
      const [a, b] = at(t);
      const near = trials.filter((u) => u.ordinal < t.ordinal).some((u) => Math.abs(at(u)[0]! - a!) + Math.abs(at(u)[1]! - b!) === 1);
      expect(near, `trial ${t.ordinal} at q=${t.q} size=${t.size}`).toBe(true);
    }
    // The front the API reports is the nondominated set of what finished (max score, min params).
    const points = trials.map((t) => ({ g: t.group_hash, v: [t.metrics!.score!, t.effective_params!] }));
    const brute = points.filter((p) => !points.some((o) => dominates(o.v, p.v, ['max', 'min']))).map((p) => p.g);
    const front = await c.get<{ configs: number; front: { groupHash: string; values: Record<string, number> }[] }>(`/sweeps/${id}/front`);
    expect(front.configs).toBe(12);
    expect(front.front.map((f) => f.groupHash).sort()).toEqual(brute.sort());
    expect(nondominatedSort(points, (p) => p.v, ['max', 'min'])[0]!.map((p) => p.g).sort()).toEqual(brute.sort());
    // The board's Pareto plot against effective parameters draws the same front (one seed: a trial
    // per configuration), at the same values: both come from libs/search's paretoFront.
    const board = await c.get<{ metric: string; effective: { front: { trialId: string; x: number; y: number }[] } }>(`/sweeps/${id}/pareto`);
    expect(board.metric).toBe('score');
    const groupOf = new Map(trials.map((t) => [t.id, t.group_hash]));
    const drawn = board.effective.front.map((f) => [groupOf.get(f.trialId), f.y, f.x]);
    const listed = front.front.map((f) => [f.groupHash, f.values.score, f.values.effective_params]);
    expect(drawn.sort()).toEqual(listed.sort());
    // The search moved: it found something better than its random start, or smaller at least as good.
    const best = (ts: Row[]) => Math.max(...ts.map((t) => t.metrics!.score!));
    expect(best(trials)).toBeGreaterThan(best(trials.slice(0, 3)));
  }, 150_000);
});
