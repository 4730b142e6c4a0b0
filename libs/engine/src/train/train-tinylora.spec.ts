/**
 * The TinyLoRA loop on the real pretrained stories260K (read in place from ../shared/data): it learns
 * a behaviour the base model rarely shows, with 13 trainable numbers, by a margin well beyond the
 * held-out confidence intervals; it is deterministic for a seed; it stops when aborted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecoderSession } from '@tinysweep/model';
import { STORIES260K_DIR } from '@tinysweep/model/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { proportionCi } from '../stats/intervals.js';
import { TrialConfigError } from '@tinysweep/trial';
import { ModelCache } from './model-cache.js';
import { resolveTrainConfig, type TinyLoraTrial } from './tinylora-trial.js';
import type { TrainCheckpoint } from './train-checkpoint.js';
import { sampleBatch, scatter, trainTinyLora } from './train-tinylora.js';

const MODEL = join(STORIES260K_DIR, 'stories260K.bin');

// Story openings that make the model name its hero next. Train and held-out prompts use different
// openers, so held-out accuracy measures a behaviour, not memorised prompts.
const CHARACTERS = ['a little girl', 'a little boy', 'a happy girl', 'a kind boy', 'a small girl', 'a brave boy', 'a sweet girl', 'a curious boy', 'a shy girl', 'a funny boy'];
const TRAIN_OPENERS = ['Once upon a time, there was', 'There was once', 'Long ago, there lived', 'In a little house, there lived'];
const HELD_OUT_OPENERS = ['One day, there was', 'Once upon a time, in a small town, there lived', 'Once upon a time, in a big forest, there was', 'Once there was'];
const prompts = (openers: string[]) => openers.flatMap((o) => CHARACTERS.map((c) => `${o} ${c} named`));
const TRAIN_PROMPTS = prompts(TRAIN_OPENERS); // 40
const HELD_OUT_PROMPTS = prompts(HELD_OUT_OPENERS); // 40
const NEW_TOKENS = 16;

const cacheDir = mkdtempSync(join(tmpdir(), 'tinysweep-train-spec-'));
const models = new ModelCache({ session: { cacheDir, maxBatch: 128 } });
afterAll(async () => {
  await models.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

/** 13 trainable numbers: u = 13, one group shared by all 35 modules (q k v o gate up down × 5 blocks), rank 2. */
function trial(over: Partial<TinyLoraTrial> = {}): TinyLoraTrial {
  return {
    model: { path: MODEL },
    task: { kind: 'regex', pattern: '\\bTom\\b', prompts: TRAIN_PROMPTS, evalPrompts: HELD_OUT_PROMPTS, maxNewTokens: NEW_TOKENS },
    adapter: { modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], layers: 'all', rank: 2, u: 13, tie: { mode: 'full' } },
    optimizer: { kind: 'es', population: 32, sigma: 0.5, lr: 0.2, iterations: 30, batch: 16 },
    seed: 1,
    ...over,
  };
}

describe('trainTinyLora on stories260K', () => {
  it('picks a name the base model rarely gives its hero (base rates of candidates on all 80 prompts)', async () => {
    const { model } = await models.model(MODEL);
    const session = await DecoderSession.create(model, { cacheDir, maxBatch: 128 });
    const all = [...TRAIN_PROMPTS, ...HELD_OUT_PROMPTS];
    const out = await session.greedy(all.map((p) => model.tokenizer.encode(p, { bos: true })), { maxNewTokens: NEW_TOKENS });
    await session.release();
    const texts = out.map((ids) => model.tokenizer.decode(ids));
    const rate = (name: string) => texts.filter((t) => new RegExp(`\\b${name}\\b`).test(t)).length / texts.length;
    // Lily (girls) and Tim (boys) dominate; Tom is a name the model knows but seldom picks.
    expect(rate('Lily')).toBeGreaterThan(0.4);
    expect(rate('Tim')).toBeGreaterThan(0.3);
    expect(rate('Tom')).toBeGreaterThan(0);
    expect(rate('Tom')).toBeLessThanOrEqual(0.1);
  });

  it(
    'learns to name the hero Tom with 13 parameters: held-out accuracy rises beyond its 95% interval',
    async () => {
      const lines: string[] = [];
      const progress: Record<string, number>[] = [];
      const started = performance.now();
      const result = await trainTinyLora(trial({ prune: { threshold: 0.3 }, evalEvery: 10 }), {
        models,
        events: { log: (line) => lines.push(line), progress: (_, m) => progress.push(m) },
      });
      const m = result.metrics;
      const seconds = (performance.now() - started) / 1000;
      console.info(
        `[tinylora learns] held-out "Tom": before ${m.acc_before} [${m.acc_before_lo.toFixed(3)}, ${m.acc_before_hi.toFixed(3)}] → after ${m.acc} [${m.acc_lo.toFixed(3)}, ${m.acc_hi.toFixed(3)}]; ` +
          `pruned@0.3 ${m['acc_pruned@0.3']} with ${m['effective_params@0.3']} params; train ${m.train_seconds.toFixed(1)} s, total ${seconds.toFixed(1)} s`,
      );
      expect(result.trainableParams).toBe(13);
      expect(m.acc_before).toBeLessThanOrEqual(0.1); // a behaviour the base model rarely shows
      expect(m.acc_lo).toBeGreaterThan(m.acc_before_hi); // well beyond the intervals, not within noise
      expect(m.acc).toBeGreaterThanOrEqual(0.5);
      // Wilson on 40 held-out prompts, as reported
      const after = proportionCi(Math.round(m.acc * 40), 40);
      expect([m.acc_lo, m.acc_hi]).toEqual([after.lo, after.hi]);
      // the stream: one progress per generation, held-out accuracy every 10, and a readable log
      expect(progress).toHaveLength(30);
      expect(progress.filter((p) => 'eval_acc' in p)).toHaveLength(3);
      expect(lines.some((l) => /^held-out before: /.test(l)) && lines.some((l) => /^held-out after: /.test(l))).toBe(true);
      // the adapter returned is the pruned one, and its counts say so
      expect(result.adapter.prune).toEqual({ threshold: 0.3 });
      expect(result.effectiveParams).toBe(m['effective_params@0.3']);
      expect(m.score).toBe(m['acc_pruned@0.3']);
    },
    // a bound on a hang, not on speed (about 60 s alone on 2 cores; twice that and more beside the
    // rest of the suite on a loaded machine): the time is printed, and bench:engine measures speed
    600_000,
  );

  it('is deterministic for a seed (CPU), and another seed explores differently', async () => {
    const tiny = (seed: number) =>
      trial({ seed, task: { kind: 'regex', pattern: '\\bTom\\b', prompts: TRAIN_PROMPTS.slice(0, 6), evalPrompts: HELD_OUT_PROMPTS.slice(0, 4), maxNewTokens: 4 }, optimizer: { kind: 'es', population: 4, sigma: 0.5, lr: 0.2, iterations: 3, batch: 3 }, prune: { threshold: 0.5, retrainIterations: 2 } });
    const strip = (metrics: Record<string, number>) => ({ ...metrics, train_seconds: 0 });
    const a = await trainTinyLora(tiny(7), { models });
    const b = await trainTinyLora(tiny(7), { models });
    expect(b.adapter).toEqual(a.adapter);
    expect(strip(b.metrics)).toEqual(strip(a.metrics));
    const c = await trainTinyLora(tiny(8), { models });
    expect(c.adapter.v).not.toEqual(a.adapter.v);
  });

  it("reports lm-eval's metrics beside the reward's accuracy, and eval_n: GSM8K strict_match and flexible_extract, ARC acc_norm", async () => {
    const DATA = process.env.TINYSWEEP_DATA_DIR ?? join(STORIES260K_DIR, '..', '..');
    const tiny = { optimizer: { kind: 'es' as const, population: 2, sigma: 0.5, lr: 0.2, iterations: 1, batch: 2 } };
    // stories260K knows no arithmetic: the numbers are ~0; what is checked is that both are measured on the same items
    const gsm8k = await trainTinyLora(
      trial({ ...tiny, task: { kind: 'gsm8k', train: join(DATA, 'gsm8k', 'train.jsonl'), eval: join(DATA, 'gsm8k', 'test.jsonl'), trainSize: 4, evalSize: 3, maxNewTokens: 4, match: 'strict' } }),
      { models },
    );
    expect(gsm8k.metrics).toMatchObject({ eval_n: 3, strict_match: gsm8k.metrics.acc });
    expect(gsm8k.metrics.flexible_extract).toBeGreaterThanOrEqual(0);
    const arc = await trainTinyLora(
      trial({ ...tiny, task: { kind: 'arc', train: join(DATA, 'arc-challenge', 'ARC-Challenge-Train.jsonl'), eval: join(DATA, 'arc-challenge', 'ARC-Challenge-Test.jsonl'), trainSize: 4, evalSize: 6 } }),
      { models },
    );
    expect(arc.metrics.eval_n).toBe(6);
    for (const k of ['acc', 'acc_norm']) expect(arc.metrics[k]! * 6).toBeCloseTo(Math.round(arc.metrics[k]! * 6), 9); // k of 6
  }, 60_000);

  it('reports eval_acc at the steps a caller names (ASHA rungs) without changing what is trained', async () => {
    const tiny = trial({ seed: 3, task: { kind: 'regex', pattern: '\\bTom\\b', prompts: TRAIN_PROMPTS.slice(0, 6), evalPrompts: HELD_OUT_PROMPTS.slice(0, 4), maxNewTokens: 4 }, optimizer: { kind: 'es', population: 4, sigma: 0.5, lr: 0.2, iterations: 4, batch: 3 } });
    const plain = await trainTinyLora(tiny, { models });
    const steps: number[] = [];
    const rungs = await trainTinyLora(tiny, { models, evalAt: [1, 3, 9], events: { progress: (step, m) => 'eval_acc' in m && steps.push(step) } });
    expect(steps).toEqual([1, 3]);
    expect(rungs.adapter).toEqual(plain.adapter);
    expect({ ...rungs.metrics, train_seconds: 0 }).toEqual({ ...plain.metrics, train_seconds: 0 });
  });

  it('resumes from a checkpoint to the same v as an uninterrupted run, for every forward-only optimizer', async () => {
    for (const kind of ['es', 'spsa', 'cmaes'] as const) {
      const tiny = trial({ seed: 5, task: { kind: 'regex', pattern: '\\bTom\\b', prompts: TRAIN_PROMPTS.slice(0, 7), evalPrompts: HELD_OUT_PROMPTS.slice(0, 4), maxNewTokens: 4 }, optimizer: { kind, population: 4, sigma: 0.5, lr: 0.2, iterations: 6, batch: 3 }, prune: { threshold: 0.4, retrainIterations: 1 } });
      const saved: TrainCheckpoint[] = [];
      const whole = await trainTinyLora(tiny, { models, checkpointEvery: 4, evalAt: [3], events: { checkpoint: (c) => saved.push(JSON.parse(JSON.stringify(c)) as TrainCheckpoint) } });
      // every 4 steps, at the rung (3), and after the last training step; with the run's state then
      expect(saved.map((c) => c.step), kind).toEqual([3, 4, 6]);
      expect(saved[0]!.before).toMatchObject({ acc: whole.metrics.acc_before, lo: whole.metrics.acc_before_lo, hi: whole.metrics.acc_before_hi });
      // 7 prompts, batches of 3: 2 batches per epoch, so the resumed steps cross epochs (the per-epoch shuffle resumes too)
      const lines: string[] = [];
      const steps: number[] = [];
      const resumed = await trainTinyLora(tiny, { models, resume: saved[0], events: { log: (l) => lines.push(l), progress: (s) => steps.push(s) } });
      expect(resumed.adapter.v, kind).toEqual(whole.adapter.v);
      expect({ ...resumed.metrics, train_seconds: 0 }).toEqual({ ...whole.metrics, train_seconds: 0 });
      expect(resumed.metrics.train_seconds).toBeGreaterThanOrEqual(saved[0]!.trainSeconds);
      expect(steps.slice(0, 3)).toEqual([4, 5, 6]); // then the survivors' retraining, step 7
      expect(lines).toContain('resuming from the checkpoint at step 3 of 6');
      // from the last training step: nothing left to train, straight to the evaluation and pruning
      const done = await trainTinyLora(tiny, { models, resume: saved[2] });
      expect(done.adapter.v).toEqual(whole.adapter.v);
    }
  });

  it('starts over when a checkpoint belongs to another trial (or is not one), saying why', async () => {
    const tiny = (seed: number) => trial({ seed, task: { kind: 'regex', pattern: '\\bTom\\b', prompts: TRAIN_PROMPTS.slice(0, 6), evalPrompts: HELD_OUT_PROMPTS.slice(0, 4), maxNewTokens: 4 }, optimizer: { kind: 'es', population: 4, sigma: 0.5, lr: 0.2, iterations: 3, batch: 3 } });
    const saved: TrainCheckpoint[] = [];
    await trainTinyLora(tiny(1), { models, checkpointEvery: 1, events: { checkpoint: (c) => saved.push(c) } });
    const fresh = await trainTinyLora(tiny(2), { models });
    for (const [bad, why] of [
      [saved[0], /another trial, model, device or engine version/],
      [{ ...saved[0], version: 0 }, /format version 0/],
      [{ ...saved[0], optimizer: { ...saved[0]!.optimizer, dim: 4 } }, null],
    ] as const) {
      const lines: string[] = [];
      const seed2 = await trainTinyLora(tiny(2), { models, resume: bad as TrainCheckpoint, events: { log: (l) => lines.push(l) } });
      expect(seed2.adapter.v).toEqual(fresh.adapter.v);
      expect(lines.some((l) => /^checkpoint not used/.test(l) && (why === null || why.test(l)))).toBe(true);
    }
  });

  it('stops between generations with the abort reason', async () => {
    const controller = new AbortController();
    let steps = 0;
    const run = trainTinyLora(trial({ optimizer: { kind: 'es', population: 4, iterations: 100, batch: 2 } }), {
      models,
      signal: controller.signal,
      events: { progress: () => ++steps === 2 && controller.abort(new Error('stop now')) },
    });
    await expect(run).rejects.toThrow('stop now');
    expect(steps).toBe(2);
  });

  it('throws TrialConfigError naming the param when the trial cannot run', async () => {
    const bad = (over: Partial<TinyLoraTrial>) => trainTinyLora(trial(over), { models }).catch((err: unknown) => err);
    const layer = await bad({ adapter: { modules: ['q'], layers: [5], rank: 1, u: 1, tie: { mode: 'none' } } });
    expect(layer).toBeInstanceOf(TrialConfigError);
    expect(layer).toMatchObject({ field: 'adapter', message: expect.stringMatching(/layer selector \[5\].*5/) });
    expect(await bad({ task: { kind: 'regex', pattern: 'x' } })).toMatchObject({ field: 'task.prompts', problem: 'required' });
    expect(await bad({ model: { path: join(cacheDir, 'nope.bin') } })).toMatchObject({ field: 'model.path' });
    expect(await bad({ task: { kind: 'arc', train: 'x', eval: 'y', objective: 'reward' } })).toMatchObject({ field: 'task' }); // files missing
  });
});

describe('sampleBatch', () => {
  const items = Array.from({ length: 10 }, (_, i) => i);

  it('covers the split once per epoch in a seeded order, and reshuffles each epoch', () => {
    const epoch = (e: number) => [1, 2, 3].flatMap((s) => sampleBatch(items, 3, 5, e * 3 + s)); // 3 batches of 3 per epoch
    expect(new Set(epoch(0)).size).toBe(9);
    expect(epoch(0)).toEqual(epoch(0));
    expect(epoch(1)).not.toEqual(epoch(0));
    expect(sampleBatch(items, 3, 6, 1)).not.toEqual(sampleBatch(items, 3, 5, 1));
    expect(sampleBatch(items, 10, 5, 4)).toEqual(items); // a batch as big as the split is the split
    expect(() => sampleBatch([], 1, 0, 1)).toThrow(/no training examples/);
  });
});

describe('scatter', () => {
  it('writes survivors into their positions of a zero vector', () => {
    expect(Array.from(scatter([1, 4], [0.5, -2], 5))).toEqual([0, 0.5, 0, 0, -2]);
  });
});

describe('resolveTrainConfig', () => {
  it('applies the spec defaults and takes the loop’s keys out of the task section', () => {
    const c = resolveTrainConfig(trial({ optimizer: { kind: 'spsa' }, prune: { threshold: 0.3 } }));
    expect(c.optimizer).toEqual({ kind: 'spsa', population: 32, sigma: 0.02, lr: 0.05, iterations: 200, batch: 16, group: 8, temperature: 1, kl: 0 });
    expect(c.task).toEqual({ kind: 'regex', pattern: '\\bTom\\b', prompts: TRAIN_PROMPTS, evalPrompts: HELD_OUT_PROMPTS });
    expect(c).toMatchObject({ maxNewTokens: NEW_TOKENS, objective: undefined, fewShot: 0, chat: false, pruneThreshold: 0.3, retrainIterations: 0, evalEvery: 0 });
    expect(c.adapter.projectionSeed).toBe(0);
  });

  it("takes lm-eval's few-shot count and generation length from preset: lm-eval, explicit values winning", () => {
    const gsm8k = (more: object) => resolveTrainConfig(trial({ task: { kind: 'gsm8k', preset: 'lm-eval', ...more } as TinyLoraTrial['task'] }));
    expect(gsm8k({})).toMatchObject({ fewShot: 5, maxNewTokens: 256, firstShots: true, task: { kind: 'gsm8k' } });
    expect(gsm8k({}).task).not.toHaveProperty('preset');
    expect(gsm8k({ maxNewTokens: 64 })).toMatchObject({ fewShot: 5, maxNewTokens: 64 });
    expect(resolveTrainConfig(trial({ task: { kind: 'arc', preset: 'lm-eval' } }))).toMatchObject({ fewShot: 0 });
    expect(resolveTrainConfig(trial({}))).toMatchObject({ fewShot: 0, maxNewTokens: NEW_TOKENS, firstShots: false });
  });

  it.each([
    [{ task: { kind: 'regex', preset: 'lm-eval' } }, 'task.preset'],
    [{ task: { kind: 'gsm8k', preset: 'helm' } }, 'task.preset'],
    [{ task: { kind: 'regex', objective: 'sft' } }, 'task.objective'],
    [{ task: { kind: 'regex', maxNewTokens: 0 } }, 'task.maxNewTokens'],
    [{ optimizer: { kind: 'es' as const, iterations: 0 } }, 'optimizer.iterations'],
    [{ prune: { threshold: 1 } }, 'prune.threshold'],
    [{ prune: { threshold: [0.1, 0.3] } }, 'prune.threshold'], // one per trial: the spec sweeps them
    [{ seed: 1.5 }, 'seed'],
    [{ optimizer: { kind: 'grpo' as const, group: 1 } }, 'optimizer.group'],
    [{ optimizer: { kind: 'grpo' as const, temperature: 0 } }, 'optimizer.temperature'],
    [{ optimizer: { kind: 'grpo' as const, kl: -0.1 } }, 'optimizer.kl'],
  ])('refuses %j at %s', (over, field) => {
    expect(() => resolveTrainConfig(trial(over as Partial<TinyLoraTrial>))).toThrow(expect.objectContaining({ name: 'TrialConfigError', field }));
  });
});

