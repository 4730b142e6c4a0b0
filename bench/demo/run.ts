/**
 * `npm run bench:demo` — the TinyLoRA effect on the demo model (models/demo-arith), measured with
 * tinysweep's own engine (ONNX Runtime on CPU), not the Python tool that made the model.
 *
 *   node scripts/setup.mjs && node bench/tsx.mjs bench/demo/run.ts        (= npm run bench:demo)
 *
 * Every arm trains one adapter with trainTinyLora exactly as a trainer does for a sweep trial, then
 * scores greedy completions of the same 500 held-out problems (never seen in pretraining:
 * models/demo-arith/heldout.jsonl) before and after:
 *
 *   es-13      u 13, fully tied, rank 2 (13 trainable numbers), ES on the exact-match reward — the
 *              layers and modules the demo sweep (examples/demo-sweep.yaml) found best
 *   nll-13     the same adapter and budget, trained on the NLL of the direct answers (SFT on `a * b = c`):
 *              the paper's RL-versus-SFT contrast at toy scale
 *   es-91      untied (one v of 13 per module) on the same layer: 91 trainable numbers
 *   es-364     untied on every layer: 364 — the best of these ≤ 1,000-parameter arms is reported
 *
 * "worked" = the completion shows its working (contains `(`). Accuracy intervals are Wilson 95%.
 * Last line: the JSON summary the issue asks for.
 */
import { fileURLToPath } from 'node:url';
import { ModelCache, trainTinyLora, type TinyLoraTrial } from '@tinysweep/engine';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const quick = process.argv.includes('--quick');

const MODEL = { path: 'models/demo-arith' };
const TASK: TinyLoraTrial['task'] = {
  kind: 'arithmetic',
  ops: ['*'],
  min: 10,
  max: 99,
  heldOut: 'models/demo-arith/heldout.jsonl',
  evalSize: quick ? 100 : 500,
  maxNewTokens: 24, // a worked answer is ≤ 21 tokens
  seed: 1,
};
/** What the demo sweep found best (examples/demo-sweep.yaml); see the model card for the figures. */
const BEST = { modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], layers: 'last:1' } as const;
const ES = { kind: 'es', population: 32, sigma: 0.15, lr: 0.1, iterations: quick ? 20 : 60, batch: 8 } as const;

interface Arm {
  name: string;
  trial: TinyLoraTrial;
}

const tiny = (tie: 'full' | 'none', layers: string = BEST.layers) =>
  ({ modules: [...BEST.modules], layers, rank: 2, u: 13, tie: { mode: tie } }) as TinyLoraTrial['adapter'];

const ARMS: Arm[] = [
  { name: 'es-13', trial: { model: MODEL, task: TASK, adapter: tiny('full'), optimizer: ES, seed: 1 } },
  { name: 'nll-13', trial: { model: MODEL, task: { ...TASK, objective: 'nll' }, adapter: tiny('full'), optimizer: ES, seed: 1 } },
  // ≤ 1,000 params: untied (one v of 13 per module) on the best layer, then on every layer
  { name: 'es-91', trial: { model: MODEL, task: TASK, adapter: tiny('none'), optimizer: ES, seed: 1 } },
  { name: 'es-364', trial: { model: MODEL, task: TASK, adapter: tiny('none', 'all'), optimizer: ES, seed: 1 } },
];

const workedShare = (completions: readonly string[]) => completions.filter((c) => c.includes('(')).length / completions.length;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const models = new ModelCache();
const rows: { name: string; params: number; before: number; after: number; lo: number; hi: number; workedBefore: number; workedAfter: number; seconds: number }[] = [];
for (const arm of ARMS) {
  const r = await trainTinyLora(arm.trial, { models, baseDir: ROOT, events: { log: (line) => console.log(`  [${arm.name}] ${line}`) } });
  if (!r.completions) throw new Error(`${arm.name}: no completions (not a generation task?)`);
  const row = {
    name: arm.name,
    params: r.trainableParams,
    before: r.metrics.acc_before,
    after: r.metrics.acc,
    lo: r.metrics.acc_lo,
    hi: r.metrics.acc_hi,
    workedBefore: workedShare(r.completions.before),
    workedAfter: workedShare(r.completions.after),
    seconds: r.metrics.train_seconds,
  };
  rows.push(row);
  console.log(
    `${arm.name}: ${row.params} params, held-out ${pct(row.before)} → ${pct(row.after)} [${pct(row.lo)}, ${pct(row.hi)}], ` +
      `worked ${pct(row.workedBefore)} → ${pct(row.workedAfter)}, trained ${row.seconds.toFixed(1)} s`,
  );
  console.log(`  samples after: ${r.completions.after.slice(0, 3).map((c) => JSON.stringify(c)).join('  ')}`);
}

const es13 = rows[0];
const nll13 = rows[1];
const best1000 = rows.filter((r) => r.params <= 1000).reduce((a, b) => (b.after > a.after ? b : a));
console.log(
  JSON.stringify({
    base_acc: es13.before,
    adapter_acc: es13.after,
    trainable_params: es13.params,
    train_seconds: Number(es13.seconds.toFixed(1)),
    worked_share_before: es13.workedBefore,
    worked_share_after: es13.workedAfter,
    nll_direct_acc: nll13.after,
    best_acc_1000_params: best1000.after,
  }),
);
