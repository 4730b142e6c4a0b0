/**
 * Pruning thresholds share training, through the real stack with the tinylora backend on the real
 * stories260K: trials that differ only in prune.threshold train once (one training job, the child of a
 * BullMQ flow whose parent fans out), and each threshold's own job prunes and evaluates the stored
 * adapter — with the same numbers as a trial that trains and prunes by itself.
 */
import { join, relative } from 'node:path';
import { STORIES260K_DIR } from '@tinysweep/model/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from './cluster.js';

const openers = ['Once upon a time, there was', 'One day, there was', 'There was once', 'Long ago, there lived'];
const prompts = (subjects: string[]) => openers.flatMap((o) => subjects.map((s) => `${o} ${s} named`));

function thresholds(name: string, threshold: number[], over: Record<string, unknown> = {}) {
  return {
    name,
    backend: { kind: 'tinylora' },
    model: { path: relative(process.cwd(), join(STORIES260K_DIR, 'stories260K.bin')) },
    task: { kind: 'regex', pattern: '\\bTom\\b', prompts: prompts(['a little boy', 'a happy girl']), evalPrompts: prompts(['a kind boy', 'a small girl']), maxNewTokens: 8 },
    adapter: { modules: 'all', layers: 'all', rank: 1, u: 13, tie: 'full' },
    prune: { threshold, retrainIterations: 1 },
    optimizer: { kind: 'es', population: 8, sigma: 0.5, lr: 0.1, iterations: 3, batch: 8 },
    params: { evalEvery: 3 },
    seeds: [1],
    objective: { metric: 'score', mode: 'max' },
    budget: { maxTrials: 10, trialTimeout: '2m', retries: 0 },
    ...over,
  };
}

interface Row {
  id: string;
  threshold: number;
  status: string;
  training_id: string | null;
  reused_from_trial_id: string | null;
  metrics: Record<string, number>;
  effective_params: number;
  adapter: { v: number[]; prune?: { threshold: number } };
  log_tail: string;
  error: string | null;
  attempts: string;
  steps: number[];
}

describe('pruning thresholds share one training', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await Cluster.start({ trainers: 1, slotsPerTrainer: 2 });
  });
  afterAll(async () => {
    await c?.stop();
  });

  const rows = (sweepId: string) =>
    c.query<Row>(
      `SELECT t.id, (t.params->'prune'->>'threshold')::float8 AS threshold, t.status, t.training_id, t.reused_from_trial_id, t.metrics,
              t.effective_params::float8 AS effective_params, t.adapter, t.log_tail, t.error, (SELECT count(*) FROM trial_attempt a WHERE a.trial_id = t.id) AS attempts,
              array(SELECT step::float8 FROM trial_step s WHERE s.trial_id = t.id ORDER BY step) AS steps
         FROM trial t WHERE t.sweep_id = $1 ORDER BY t.ordinal`,
      sweepId,
    );
  const trainings = (sweepId: string) =>
    c.query<{ id: string; status: string; attempts: number; error: string | null }>(`SELECT id, status, attempts, error FROM trial_training WHERE sweep_id = $1`, sweepId);

  let shared: Row[] = [];

  it('trains once and prunes and evaluates each threshold in its own job', async () => {
    const id = await c.submit(thresholds('thresholds', [0, 0.3, 0.6]));
    const done = await c.waitForSweep(id, 180_000);
    expect(done.status).toBe('completed');
    expect(done.counts).toMatchObject({ succeeded: 3 });

    const [training, ...more] = await trainings(id);
    expect(more).toHaveLength(0);
    expect(training).toMatchObject({ status: 'succeeded', attempts: 1 }); // one training attempt
    shared = await rows(id);
    expect(shared.map((t) => t.threshold)).toEqual([0, 0.3, 0.6]);
    for (const t of shared) {
      expect(t).toMatchObject({ status: 'succeeded', training_id: training!.id, attempts: '1' }); // one evaluate job each
      expect(t.log_tail).toMatch(/starting from the stored adapter/);
      expect(t.log_tail).not.toMatch(/held-out before/); // no training in the evaluate job
      // the training's metrics with the threshold's own
      for (const key of ['acc_before', 'acc', 'train_seconds', `acc_pruned@${t.threshold}`, `effective_params@${t.threshold}`, 'score', 'eval_n']) {
        expect(typeof t.metrics[key], `${key} at ${t.threshold}`).toBe('number');
      }
      expect(t.adapter.prune).toEqual({ threshold: t.threshold });
      expect(t.effective_params).toBe(t.metrics[`effective_params@${t.threshold}`]);
      // the shared curve (3 training generations) and its own retraining generation
      expect(t.steps).toEqual([1, 2, 3, 4]);
    }
    // the training's numbers are the same for every threshold
    expect(new Set(shared.map((t) => t.metrics.acc)).size).toBe(1);
    expect(shared[0]!.effective_params).toBeGreaterThanOrEqual(shared[1]!.effective_params);
    expect(shared[1]!.effective_params).toBeGreaterThanOrEqual(shared[2]!.effective_params);
  }, 240_000);

  it('gives the numbers a trial that trains and prunes by itself gets', async () => {
    const id = await c.submit(thresholds('alone', [0.3], { reuse: false }));
    expect((await c.waitForSweep(id, 180_000)).status).toBe('completed');
    const [alone] = await rows(id);
    expect(alone!.training_id).toBeNull(); // a lone threshold trains itself
    expect(await trainings(id)).toEqual([]);
    const twin = shared.find((t) => t.threshold === 0.3)!;
    expect(alone!.adapter.v).toEqual(twin.adapter.v);
    const { train_seconds: _a, ...aloneMetrics } = alone!.metrics;
    const { train_seconds: _b, ...twinMetrics } = twin.metrics;
    expect(aloneMetrics).toEqual(twinMetrics);
  }, 240_000);

  it("counts trainings as running, names them on their trainer, and evaluates each training's trials before the next training starts", async () => {
    // Three trainings of two thresholds each on two slots, the second long: when the first is done,
    // its evaluations outrank the third training on the queue, so results stream in while the rest
    // trains (FIFO would start the third training first).
    const id = await c.submit(thresholds('stream', [0, 0.3], { reuse: false, optimizer: { kind: 'es', population: 8, sigma: 0.5, lr: 0.1, iterations: [4, 40, 5], batch: 8 } }));
    let seen: { node: string; kind: string } | undefined;
    await c.waitFor(async () => {
      const s = await c.get<{ status: string; counts: Record<string, number>; trainings: { total: number; running: number } }>(`/sweeps/${id}`);
      const nodes = await c.get<{ items: Array<{ id: string; work: Array<{ kind: string; sweepId: string; trials: number }> }> }>('/nodes');
      const w = nodes.items.flatMap((n) => n.work.filter((x) => x.sweepId === id && x.kind === 'training').map((x) => ({ node: n.id, kind: x.kind, trials: x.trials })));
      if (s.trainings.running > 0 && w.length > 0) {
        expect(s).toMatchObject({ status: 'running', trainings: { total: 3 } });
        expect(w[0]!.trials).toBe(2);
        seen = w[0];
      }
      return seen !== undefined;
    }, 120_000, 'a training in flight, counted and shown on its trainer');
    expect((await c.waitForSweep(id, 240_000)).status).toBe('completed');
    const [order] = await c.query<{ first_eval: Date; last_training: Date }>(
      `SELECT (SELECT min(a.started_at) FROM trial_attempt a JOIN trial t ON t.id = a.trial_id WHERE t.sweep_id = $1) AS first_eval,
              (SELECT max(started_at) FROM trial_training WHERE sweep_id = $1) AS last_training`,
      id,
    );
    expect(order!.first_eval.getTime()).toBeLessThan(order!.last_training.getTime());
    expect(await c.sweep(id)).toMatchObject({ trainings: { total: 3, running: 0, done: 3 } });
  }, 300_000);

  it('asha judges each shared training once at a rung, and a training it stops ends all its trials stopped', async () => {
    // Six configurations × two thresholds: six trainings, the unit ASHA judges (async promotion).
    const id = await c.submit(
      thresholds('asha-shared', [0, 0.5], {
        reuse: false,
        optimizer: { kind: 'es', population: 8, sigma: [0.1, 0.5, 1], lr: [0.05, 0.3], iterations: 4, batch: 8 },
        search: { kind: 'asha', minIterations: 1, eta: 2 },
        budget: { maxTrials: 20, trialTimeout: '2m', retries: 0 },
      }),
    );
    const done = await c.waitForSweep(id, 300_000);
    expect(done.status).toBe('completed');
    const all = await rows(id);
    const groups = await trainings(id);
    expect(all).toHaveLength(12);
    expect(groups).toHaveLength(6);
    const rungs = await c.query<{ rung: number; trial_id: string; value: number }>(`SELECT rung, trial_id, value FROM rung_result WHERE sweep_id = $1 ORDER BY recorded_at`, id);
    // One value per training at each rung it reached, none per trial: all six at the first rung.
    const trainingOf = new Map(all.map((t) => [t.id, t.training_id]));
    const firstRung = rungs.filter((r) => r.rung === 1);
    expect(new Set(firstRung.map((r) => trainingOf.get(r.trial_id))).size).toBe(6);
    expect(firstRung).toHaveLength(6);
    for (const g of groups) {
      const mine = all.filter((t) => t.training_id === g.id);
      expect(mine).toHaveLength(2);
      expect(['succeeded', 'stopped']).toContain(g.status);
      if (g.status === 'stopped') {
        expectStoppedAtItsRung(mine, rungs);
      } else {
        for (const t of mine) {
          expect(t.status).toBe('succeeded');
          expect(typeof t.metrics[`acc_pruned@${t.threshold}`]).toBe('number');
        }
      }
    }
    // The first arrival at the last rung always goes on: some training trains to the end.
    expect(groups.some((g) => g.status === 'succeeded')).toBe(true);
    console.log(`asha-shared: trainings ${groups.map((g) => g.status).join(', ')}; rung values ${rungs.map((r) => `${r.rung}:${r.value}`).join(' ')}`);
  }, 360_000);

  it('asha with pausing pauses, resumes and stops each shared training as one competitor; survivors prune per threshold', async () => {
    // Six trainings × two thresholds. They differ only in params.evalEvery (extra curve points, not
    // the numbers), so they tie at every rung and ASHA ranks them by arrival: with two slots the
    // second arrival at the first rung pauses (one of two values: not in the top ⌊2/2⌋) and is
    // promoted once more values come in — a resume from the rung's checkpoint in every run.
    const id = await c.submit(
      thresholds('asha-pause-shared', [0, 0.5], {
        reuse: false,
        optimizer: { kind: 'es', population: 8, sigma: 0.5, lr: 0.1, iterations: 4, batch: 8 },
        params: { evalEvery: [1, 2, 3, 4, 5, 6] },
        search: { kind: 'asha', minIterations: 1, eta: 2, promotion: 'pause' },
        budget: { maxTrials: 20, trialTimeout: '2m', retries: 0 },
      }),
    );
    const done = await c.waitForSweep(id, 300_000);
    expect(done.status).toBe('completed');
    const all = await rows(id);
    const groups = await c.query<{ id: string; status: string; segment: number; error: string | null }>(`SELECT id, status, segment, error FROM trial_training WHERE sweep_id = $1`, id);
    expect(all).toHaveLength(12);
    expect(groups).toHaveLength(6); // one training per configuration, whatever its thresholds
    const rungs = await c.query<{ rung: number; trial_id: string; value: number }>(`SELECT rung, trial_id, value FROM rung_result WHERE sweep_id = $1 ORDER BY recorded_at`, id);
    const trainingOf = new Map(all.map((t) => [t.id, t.training_id]));
    // One value per training at each rung it reached, none per trial: all six at the first rung,
    // at least the top half (⌊6/2⌋) at the second.
    for (const rung of [1, 2]) {
      const here = rungs.filter((r) => r.rung === rung);
      expect(new Set(here.map((r) => trainingOf.get(r.trial_id))).size).toBe(here.length);
    }
    expect(rungs.filter((r) => r.rung === 1)).toHaveLength(6);
    expect(rungs.filter((r) => r.rung === 2).length).toBeGreaterThanOrEqual(3);
    for (const g of groups) {
      const mine = all.filter((t) => t.training_id === g.id);
      expect(mine).toHaveLength(2);
      expect(['succeeded', 'stopped']).toContain(g.status);
      if (g.status === 'stopped') {
        expectStoppedAtItsRung(mine, rungs, { asha_cutoff: expect.any(Number) });
      } else {
        // A survivor trained to the end (every step once; the pruned retraining's step after them) and was pruned at each threshold.
        expect(mine.map((t) => t.threshold)).toEqual([0, 0.5]);
        for (const t of mine) {
          expect(t.status).toBe('succeeded');
          expect(typeof t.metrics[`acc_pruned@${t.threshold}`]).toBe('number');
          expect(t.steps.slice(0, 4)).toEqual([1, 2, 3, 4]);
          expect(t.steps).toEqual([...new Set(t.steps)]);
        }
      }
    }
    expect(groups.some((g) => g.status === 'succeeded')).toBe(true);
    // Paused trainings: promoted later (a new segment, its flow under new job ids), or stopped
    // once their rung was complete without them.
    const resumed = groups.filter((g) => g.segment > 0);
    const stoppedWhilePaused = groups.filter((g) => g.status === 'stopped' && /no other trial can reach the rung/.test(g.error ?? ''));
    expect(resumed.length).toBeGreaterThan(0);
    expect(stoppedWhilePaused.length).toBeGreaterThan(0);
    // A resumed training went on from its checkpoint at the rung it paused at, not from step 0.
    const log = c.logOf('dispatcher-1').split('\n').filter((l) => l.includes('training resumes from a checkpoint'));
    for (const g of resumed) {
      const steps = log.filter((l) => l.includes(g.id)).map((l) => (JSON.parse(l) as { step: number }).step);
      expect(steps.length).toBeGreaterThanOrEqual(g.segment);
      for (const step of steps) expect([1, 2]).toContain(step);
      const curve = all.find((t) => t.training_id === g.id)!.steps;
      expect(curve).toEqual([...new Set(curve)]); // each step once
      expect(curve.slice(0, steps[0])).toEqual(Array.from({ length: steps[0]! }, (_, i) => i + 1));
    }
    expect(await c.query(`SELECT 1 FROM checkpoint WHERE sweep_id = $1`, id)).toEqual([]); // every run ended: none kept
    expect(await c.sweep(id)).toMatchObject({ trainings: { total: 6, running: 0, done: 6 } });
    console.log(`asha-pause-shared: trainings ${groups.map((g) => `${g.status}/${g.segment}`).join(', ')}; rung values ${rungs.map((r) => `${r.rung}:${r.value}`).join(' ')}`);
  }, 360_000);

  it('a resubmitted sweep reuses every threshold and trains nothing', async () => {
    const id = await c.submit(thresholds('thresholds-again', [0, 0.3, 0.6]));
    expect((await c.waitForSweep(id, 120_000)).status).toBe('completed');
    const again = await rows(id);
    expect(again.map((t) => t.reused_from_trial_id)).toEqual(shared.map((t) => t.id));
    expect(await trainings(id)).toEqual([expect.objectContaining({ status: 'cancelled', attempts: 0, error: 'every trial reused an earlier result' })]);
  }, 180_000);
});

/**
 * A stopped shared training's trials: all stopped, with the rung and the value the training was
 * judged by there (one value at that rung, recorded under one of them), and `extra` in their metrics.
 */
function expectStoppedAtItsRung(
  mine: readonly Row[],
  rungs: readonly { rung: number; trial_id: string; value: number }[],
  extra: Record<string, unknown> = {},
): void {
  const rung = mine[0]!.metrics.asha_rung!;
  const judged = rungs.filter((r) => r.rung === rung && mine.some((t) => t.id === r.trial_id));
  expect(judged).toHaveLength(1);
  for (const t of mine) {
    expect(t.status).toBe('stopped');
    expect(t.metrics).toMatchObject({ asha_rung: rung, eval_acc: judged[0]!.value, ...extra });
    expect(t.error).toMatch(/^shared training: stopped by ASHA at rung \d+: eval_acc /);
  }
}
