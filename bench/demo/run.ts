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
 *   grpo-13    the es-13 adapter trained by GRPO (the paper's optimizer: sampled groups, autograd in the
 *              torch worker, Adam) for the same wall-clock seconds es-13 trained, on the torch device (CPU)
 *   es-13-torch  es-13 on the torch device for those seconds too: the same device as grpo-13
 *
 * The GRPO arms need Python with torch (TINYSWEEP_PYTHON, else /usr/bin/python3); without it they are
 * skipped and the JSON says why.
 *
 * "worked" = the completion shows its working (contains `(`). Accuracy intervals are Wilson 95%.
 * Last line: the JSON summary the issue asks for.
 */
import { fileURLToPath } from 'node:url';
import { ModelCache, trainTinyLora, type TinyLoraTrial } from '@tinysweep/engine';
import { TorchDevice } from '@tinysweep/torch';
import { TORCH_PYTHON, torchAvailability } from '@tinysweep/torch/testing';

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
  /** Train on the torch device for es-13's training seconds (the same wall-clock budget). */
  torchBudget?: boolean;
}
/** GRPO's own settings: 8 samples per problem at temperature 1, Adam at 0.05, no KL term (as TRL's default). */
const GRPO = { kind: 'grpo', lr: 0.05, group: 8, temperature: 1, kl: 0, iterations: 100_000, batch: 8 } as const;

const tiny = (tie: 'full' | 'none', layers: string = BEST.layers) =>
  ({ modules: [...BEST.modules], layers, rank: 2, u: 13, tie: { mode: tie } }) as TinyLoraTrial['adapter'];

const ARMS: Arm[] = [
  { name: 'es-13', trial: { model: MODEL, task: TASK, adapter: tiny('full'), optimizer: ES, seed: 1 } },
  { name: 'nll-13', trial: { model: MODEL, task: { ...TASK, objective: 'nll' }, adapter: tiny('full'), optimizer: ES, seed: 1 } },
  // ≤ 1,000 params: untied (one v of 13 per module) on the best layer, then on every layer
  { name: 'es-91', trial: { model: MODEL, task: TASK, adapter: tiny('none'), optimizer: ES, seed: 1 } },
  { name: 'es-364', trial: { model: MODEL, task: TASK, adapter: tiny('none', 'all'), optimizer: ES, seed: 1 } },
  { name: 'grpo-13', trial: { model: MODEL, task: TASK, adapter: tiny('full'), optimizer: GRPO, seed: 1 }, torchBudget: true },
  { name: 'es-13-torch', trial: { model: MODEL, task: TASK, adapter: tiny('full'), optimizer: { ...ES, iterations: 100_000 }, seed: 1 }, torchBudget: true },
];
const torch = torchAvailability();
const torchDevice = torch.available ? new TorchDevice({ python: TORCH_PYTHON, maxBatch: 256 }) : undefined;
const torchModels = torchDevice && new ModelCache({ device: torchDevice });

const workedShare = (completions: readonly string[]) => completions.filter((c) => c.includes('(')).length / completions.length;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

const models = new ModelCache();
const rows: { name: string; params: number; before: number; after: number; lo: number; hi: number; workedBefore: number; workedAfter: number; seconds: number; steps: number }[] = [];
for (const arm of ARMS) {
  if (arm.torchBudget && !torchModels) {
    console.log(`${arm.name}: skipped (${torch.available ? '' : torch.reason})`);
    continue;
  }
  const budget = arm.torchBudget ? rows[0]!.seconds : undefined;
  const r = await trainTinyLora(arm.trial, {
    models: arm.torchBudget ? torchModels! : models,
    baseDir: ROOT,
    trainSeconds: budget,
    events: { log: (line) => console.log(`  [${arm.name}] ${line}`) },
  });
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
    steps: r.metrics.train_steps ?? arm.trial.optimizer.iterations ?? 0,
  };
  rows.push(row);
  console.log(
    `${arm.name}: ${row.params} params, held-out ${pct(row.before)} → ${pct(row.after)} [${pct(row.lo)}, ${pct(row.hi)}], ` +
      `worked ${pct(row.workedBefore)} → ${pct(row.workedAfter)}, trained ${row.seconds.toFixed(1)} s (${row.steps} steps)`,
  );
  console.log(`  samples after: ${r.completions.after.slice(0, 3).map((c) => JSON.stringify(c)).join('  ')}`);
}

await torchDevice?.close();
const es13 = rows[0]!;
const nll13 = rows[1]!;
const grpo13 = rows.find((r) => r.name === 'grpo-13');
const es13Torch = rows.find((r) => r.name === 'es-13-torch');
const best1000 = rows.filter((r) => r.params <= 1000 && !r.name.includes('torch') && !r.name.startsWith('grpo')).reduce((a, b) => (b.after > a.after ? b : a));
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
    ...(grpo13 && es13Torch
      ? {
          budget_seconds: Number(es13.seconds.toFixed(1)),
          grpo_acc: grpo13.after,
          grpo_acc_ci: [Number(grpo13.lo.toFixed(3)), Number(grpo13.hi.toFixed(3))],
          grpo_worked_share: grpo13.workedAfter,
          grpo_steps: grpo13.steps,
          es_torch_acc: es13Torch.after,
          es_torch_worked_share: es13Torch.workedAfter,
          es_torch_steps: es13Torch.steps,
        }
      : { grpo: `skipped: ${torch.available ? 'unknown' : torch.reason}` }),
  }),
);
