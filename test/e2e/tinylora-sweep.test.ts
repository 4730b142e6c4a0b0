/**
 * A tinylora sweep end to end: API → BullMQ → gRPC trainer (the built-in tinylora backend training
 * on the real stories260K with ONNX Runtime) → Postgres. Mirrors examples/tinylora-stories.yaml,
 * shrunk to a few generations per trial.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { STORIES260K_DIR } from '@tinysweep/model/testing';
import { parseSweepSpec, planSweep } from '@tinysweep/spec';
import { validateAdapter } from '@tinysweep/tinylora';
import { parseTinyLoraTrial } from '@tinysweep/trial';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from './cluster.js';

const openers = ['Once upon a time, there was', 'One day, there was', 'There was once', 'Long ago, there lived'];
const prompts = (subjects: string[]) => openers.flatMap((o) => subjects.map((s) => `${o} ${s} named`));

/** The sweep: rank 1 and 2 × two seeds, 13 parameters each (u = 13, all 35 modules tied into one group). */
function tinySweep(name: string) {
  return {
    name,
    backend: { kind: 'tinylora' },
    // relative to the trainer's workdir (the repository root here): ../shared/data/… beside the checkout
    model: { path: relative(process.cwd(), join(STORIES260K_DIR, 'stories260K.bin')) },
    task: {
      kind: 'regex',
      pattern: '\\bTom\\b',
      prompts: prompts(['a little boy', 'a happy girl']),
      evalPrompts: prompts(['a kind boy', 'a small girl']),
      maxNewTokens: 8,
    },
    adapter: { modules: 'all', layers: 'all', rank: [1, 2], u: 13, tie: 'full' },
    prune: { threshold: 0.3, retrainIterations: 1 },
    optimizer: { kind: 'es', population: 8, sigma: 0.5, lr: 0.1, iterations: 3, batch: 8 },
    params: { evalEvery: 3 },
    seeds: [1, 2],
    objective: { metric: 'acc', mode: 'max' },
    budget: { maxTrials: 10, trialTimeout: '2m', retries: 0 },
  };
}

describe('a tinylora sweep through API → queue → trainer → Postgres', () => {
  let c: Cluster;
  let graphs: string;
  beforeAll(async () => {
    graphs = mkdtempSync(join(tmpdir(), 'tinysweep-e2e-graphs-'));
    // One trainer, so every trial lands on the node whose model cache the test inspects.
    c = await Cluster.start({ trainers: 1, slotsPerTrainer: 1, env: { TINYSWEEP_CACHE_DIR: graphs } });
  });
  afterAll(async () => {
    await c?.stop();
    rmSync(graphs, { recursive: true, force: true });
  });

  it('the trainer advertises the tinylora backend', async () => {
    const nodes = await c.get<{ items: { backends: string[] }[] }>('/nodes');
    expect(nodes.items[0]?.backends).toEqual(['command', 'tinylora']);
  });

  let sweepId = '';

  it('trains every trial and stores metrics, curves, counts and a valid adapter; the node loads the model once', async () => {
    const id = (sweepId = await c.submit(tinySweep('tinylora-stories-e2e')));
    const done = await c.waitForSweep(id, 180_000);
    expect(done.status).toBe('completed');
    expect(done.counts).toMatchObject({ succeeded: 4, failed: 0 });

    const trials = await c.query<{ id: string; rank: number; seed: number; metrics: Record<string, number>; trainable_params: number; effective_params: number; adapter: unknown; log_tail: string }>(
      `SELECT id, (params->'adapter'->>'rank')::int AS rank, seed, metrics, trainable_params::float8 AS trainable_params, effective_params::float8 AS effective_params, adapter, log_tail
         FROM trial WHERE sweep_id = $1 ORDER BY ordinal`,
      id,
    );
    expect(trials.map((t) => [t.rank, t.seed])).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
      [2, 2],
    ]);
    for (const t of trials) {
      for (const key of ['acc_before', 'acc_before_lo', 'acc_before_hi', 'acc', 'acc_lo', 'acc_hi', 'acc_pruned@0.3', 'train_seconds', 'score']) {
        expect(typeof t.metrics[key], `${key} of trial ${t.id}`).toBe('number');
      }
      expect(t.trainable_params).toBe(13);
      const adapter = validateAdapter(t.adapter); // throws unless it is a well-formed adapter file
      expect(adapter).toMatchObject({ trainableParams: 13, structure: { rank: t.rank, u: 13, tie: { mode: 'full' }, layers: [0, 1, 2, 3, 4] }, prune: { threshold: 0.3 } });
      expect(adapter.effectiveParams).toBe(t.effective_params ?? 0);
      expect(adapter.baseModel.name).toBe('stories260K.bin');
    }
    // The base model does not depend on rank or seed: every trial measured the same held-out accuracy before training.
    expect(new Set(trials.map((t) => t.metrics.acc_before)).size).toBe(1);

    // 3 training generations + 1 retraining generation per trial, streamed into trial_step.
    const steps = await c.query<{ trial_id: string; n: string; evals: string }>(
      `SELECT s.trial_id, count(*) AS n, count(*) FILTER (WHERE s.metrics ? 'eval_acc') AS evals
         FROM trial_step s JOIN trial t ON t.id = s.trial_id WHERE t.sweep_id = $1 GROUP BY s.trial_id`,
      id,
    );
    expect(steps.map((s) => [Number(s.n), Number(s.evals)])).toEqual(trials.map(() => [4, 1]));

    // One node, one model load: the first trial loaded stories260K, the other three found it cached.
    const loads = trials.filter((t) => /\[engine\] model loaded: /.test(t.log_tail));
    const hits = trials.filter((t) => /\[engine\] model cache hit: /.test(t.log_tail));
    expect(loads).toHaveLength(1);
    expect(hits).toHaveLength(3);
    // Two ranks, two structures: each session opened once and reused by the other seed.
    expect(trials.filter((t) => /session opened/.test(t.log_tail))).toHaveLength(2);
  }, 240_000);

  it('a reproduction of the sweep with fixed seeds reproduces it bit for bit on CPU', async () => {
    const r = await c.request('POST', '/schedules', { sweepId, cron: '0 0 3 * * *', tolerance: 0 });
    expect(r.status).toBe(201);
    const scheduleId = (r.body as { id: string }).id;
    await c.request('POST', `/schedules/${scheduleId}/run`);
    let run: { id: string; verdict: string | null } | undefined;
    await c.waitFor(async () => {
      run = (await c.get<{ items: { id: string; verdict: string | null }[] }>(`/schedules/${scheduleId}/runs`)).items[0];
      return Boolean(run?.verdict);
    }, 180_000, 'the reproduction to be judged');
    expect(run!.verdict).toBe('reproduced');
    const verdicts = await c.get<{ items: { verdict: string; delta: number }[] }>(`/sweeps/${run!.id}/verdicts`);
    expect(verdicts.items.map((v) => [v.verdict, v.delta])).toEqual([
      ['reproduced', 0],
      ['reproduced', 0],
    ]);
    // Not just the metric: the trained numbers and every metric but wall time are identical, trial for trial.
    const pairs = await c.query<{ same: boolean }>(
      `SELECT o.adapter->'v' = r.adapter->'v' AND o.metrics - 'train_seconds' = r.metrics - 'train_seconds' AS same
         FROM trial o JOIN trial r ON r.config_hash = o.config_hash
        WHERE o.sweep_id = $1 AND r.sweep_id = $2`,
      sweepId,
      run!.id,
    );
    expect(pairs).toHaveLength(4);
    expect(pairs.every((p) => p.same)).toBe(true);
  }, 240_000);

  it('a trainer SIGKILLed mid-trial: the next attempt resumes from the checkpoint, not from the start, and ends with the v of an uninterrupted run', async () => {
    const long = (name: string) => ({
      ...tinySweep(name),
      adapter: { modules: 'all', layers: 'all', rank: 2, u: 13, tie: 'full' },
      prune: undefined, // its own training, not a shared one: the trial's checkpoint is the trial's
      optimizer: { kind: 'es', population: 8, sigma: 0.5, lr: 0.1, iterations: 60, batch: 8 },
      params: {},
      seeds: [4],
      checkpoint: { every: 5 },
      budget: { maxTrials: 10, trialTimeout: '3m', retries: 1 },
      reuse: false,
    });
    await c.startTrainer('trainer-2');
    await c.waitFor(async () => (await c.get<{ items: { alive: boolean }[] }>('/nodes')).items.filter((n) => n.alive).length === 2, 15_000, 'trainer-2 joins');
    const id = await c.submit(long('tinylora-resume'));
    const [trial] = await c.query<{ id: string }>(`SELECT id FROM trial WHERE sweep_id = $1`, id);
    let at = { step: 0, node: '' };
    await c.waitFor(async () => {
      const [row] = await c.query<{ step: number; trainer_id: string }>(`SELECT k.step::int AS step, t.trainer_id FROM checkpoint k JOIN trial t ON t.id = k.run_id WHERE k.run_id = $1`, trial!.id);
      at = { step: row?.step ?? 0, node: row?.trainer_id ?? '' };
      return at.step >= 10;
    }, 120_000, 'a checkpoint at step 10 or later');
    await c.group.kill(at.node, 'SIGKILL'); // the fault: the node running the trial dies
    const done = await c.waitForSweep(id, 180_000);
    expect(done.counts).toMatchObject({ succeeded: 1 });
    const [row] = await c.query<{ result_attempt: number; log_tail: string; adapter: { v: number[] }; metrics: Record<string, number> }>(
      `SELECT result_attempt, log_tail, adapter, metrics FROM trial WHERE id = $1`,
      trial!.id,
    );
    expect(row!.result_attempt).toBe(2);
    const resumedAt = Number(/resuming from the checkpoint at step (\d+) of 60/.exec(row!.log_tail)?.[1]);
    expect(resumedAt).toBeGreaterThanOrEqual(at.step);
    // the recorded attempt's curve is the whole run's: the steps before the checkpoint copied from the first attempt
    const steps = await c.query<{ n: number; lo: number; hi: number }>(`SELECT count(*)::int AS n, min(step)::int AS lo, max(step)::int AS hi FROM trial_step WHERE trial_id = $1 AND attempt = 2`, trial!.id);
    expect(steps[0]).toEqual({ n: 60, lo: 1, hi: 60 });
    // the same trial run without interruption (on the surviving trainer) trains the same numbers
    const again = await c.submit(long('tinylora-uninterrupted'));
    expect((await c.waitForSweep(again, 180_000)).counts).toMatchObject({ succeeded: 1 });
    const [whole] = await c.query<{ adapter: { v: number[] }; metrics: Record<string, number>; log_tail: string }>(`SELECT adapter, metrics, log_tail FROM trial WHERE sweep_id = $1`, again);
    expect(whole!.log_tail).not.toMatch(/resuming/);
    expect(row!.adapter.v).toEqual(whole!.adapter.v);
    expect({ ...row!.metrics, train_seconds: 0 }).toEqual({ ...whole!.metrics, train_seconds: 0 });
  }, 420_000);

  it('refuses a bad tinylora trial as a failed trial naming the param, without retrying it', async () => {
    const spec = { ...tinySweep('tinylora-bad'), adapter: { layers: [9], rank: 1, u: 1 }, seeds: [1], budget: { maxTrials: 10, trialTimeout: '1m', retries: 2 } };
    const id = await c.submit(spec);
    const done = await c.waitForSweep(id, 60_000);
    expect(done.counts).toMatchObject({ failed: 1 });
    const [trial] = await c.query<{ error: string; attempts: number }>(`SELECT error, attempts FROM trial WHERE sweep_id = $1`, id);
    expect(trial!.error).toMatch(/params\.adapter: layer selector \[9\]/);
    expect(trial!.attempts).toBe(1);
  });
});

describe('examples/tinylora-stories.yaml', () => {
  it('is a valid spec whose every trial passes the tinylora backend’s checks', () => {
    const plan = planSweep(parseSweepSpec(readFileSync('examples/tinylora-stories.yaml', 'utf8')));
    expect(plan.trials).toHaveLength(4);
    for (const t of plan.trials) {
      const parsed = parseTinyLoraTrial(t.params);
      expect(parsed.ok, parsed.ok ? '' : parsed.error).toBe(true);
    }
    const task = plan.trials[0]!.params.task as { prompts: string[]; evalPrompts: string[] };
    expect([task.prompts.length, task.evalPrompts.length]).toEqual([40, 40]);
    expect(task.evalPrompts.filter((p) => task.prompts.includes(p))).toEqual([]);
  });
});

describe('examples/qwen05-gsm8k.yaml', () => {
  it('is a valid GRPO spec for GPU slots whose every trial passes the tinylora backend’s checks', () => {
    const spec = parseSweepSpec(readFileSync('examples/qwen05-gsm8k.yaml', 'utf8'));
    expect(spec.resources).toEqual({ device: 'cuda' });
    const plan = planSweep(spec);
    expect(plan.trials).toHaveLength(24); // u 2 × tie 2 × prune 2 × seeds 3
    for (const t of plan.trials) {
      const parsed = parseTinyLoraTrial(t.params);
      expect(parsed.ok, parsed.ok ? '' : parsed.error).toBe(true);
      expect(t.params.optimizer).toMatchObject({ kind: 'grpo', group: 8, temperature: 1 });
    }
  });
});
