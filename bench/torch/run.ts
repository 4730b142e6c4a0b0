/**
 * `npm run bench:torch` — the torch device (a PyTorch worker, libs/torch) against the ONNX Runtime device
 * on this machine's CPU in float32, on the real models:
 *
 *   golden_match           demo-arith's golden prompts through the torch device: completions equal to golden.json
 *   stories_golden_match   stories260K greedy from BOS (256 tokens) equal to llama2.c's printed output
 *   max_logit_err          max |logit_torch − logit_ort| over every real position of the 16 golden rows, each row
 *                          with its own random adapter (|v| ≤ 0.5), for 4 adapter structures
 *   es_same_v              the same ES trial (demo-arith, 13 numbers, population 16 × batch 8, 30 generations) trains
 *                          the same v bit for bit on both devices; if not, the first divergence is printed
 *                          (greedy call, row, token and both devices' logits there)
 *   es_acc_delta           |held-out accuracy (200 problems) torch − ort| of those two runs
 *   torch_cpu_vs_ort_cpu_speed   ORT ms / torch ms of one ES generation's batched greedy call (128 rows = population 16 ×
 *                          batch 8, 24 new tokens, a 13-number adapter per row), median of 7 rounds taken alternately
 *                          (this machine is shared: alternating puts both under the same load); > 1: torch is faster
 *   gpu_checked            false: no GPU here (bench/torch/gpu_check.py is the GPU check, run on a GPU machine)
 *
 *   node scripts/setup.mjs && node bench/tsx.mjs bench/torch/run.ts      (= npm run bench:torch)
 *
 * Needs Python with torch (TINYSWEEP_PYTHON, else /usr/bin/python3: Debian's python3-torch with
 * libopenblas0-pthread). Last line: the JSON summary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAdapterPlan, ModelCache, OnnxDevice, tinyLoraGraph, trainTinyLora, type DeviceSession, type TinyLoraTrial } from '@tinysweep/engine';
import { DecoderSession, leftPad, llama2cPrintable, loadModel, type Llama2cTokenizer } from '@tinysweep/model';
import { STORIES260K_DIR } from '@tinysweep/model/testing';
import { resolveStructure, tinyLoraConfig, type TieSpec } from '@tinysweep/tinylora';
import { TorchDevice, type TorchSession } from '@tinysweep/torch';
import { firstDivergence, RecordingDevice, TORCH_PYTHON, torchAvailability } from '@tinysweep/torch/testing';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEMO = join(ROOT, 'models', 'demo-arith');
const MAX_BATCH = 32;
/** ONNX Runtime's intra-op threads (as bench:engine). torch keeps its own default: its OpenMP threads on top of
 *  OpenBLAS's oversubscribe a busy 2-core machine (measured: 12.4 s instead of 1.0 s per call at 2 threads). */
const THREADS = 2;

const torch = torchAvailability();
if (!torch.available) {
  console.error(torch.reason);
  process.exit(2);
}
const device = new TorchDevice({ python: TORCH_PYTHON, maxBatch: MAX_BATCH });
const info = await device.hello();
console.log(`torch ${info.torch} on ${info.device} (${info.dtype}, ${info.threads} intra-op threads); ONNX Runtime CPU, ${THREADS} threads`);

// ---- golden completions ----------------------------------------------------------------------------
const demo = await loadModel(DEMO);
const golden = JSON.parse(readFileSync(join(DEMO, 'golden.json'), 'utf8')) as { prompt: string; completion: string }[];
const prompts = golden.map((g) => demo.tokenizer.encode(g.prompt, { bos: true }));
const planOf = (model: typeof demo, modules: string[], layers: string, rank: number, u: number, tie: TieSpec) =>
  tinyLoraGraph(buildAdapterPlan(model, resolveStructure(tinyLoraConfig({ modules: modules as never, layers: layers as never, rank, u, tie }), model.config.nLayers)));
/** Completions equal to golden.json, of 16. */
async function demoGolden(): Promise<string> {
  const session = await device.open(demo, planOf(demo, ['q'], 'all', 1, 1, { mode: 'full' }));
  const out = await session.greedy(prompts, { maxNewTokens: 24 });
  await session.release();
  return `${out.filter((ids, i) => demo.tokenizer.decode(ids) === golden[i]!.completion).length}/${golden.length}`;
}
const goldenMatch = await demoGolden();
console.log(`demo-arith golden: ${goldenMatch}`);

const stories = await loadModel(join(STORIES260K_DIR, 'stories260K.bin'));
/** run.c's printed greedy output from BOS, byte for byte. */
async function storiesGolden(): Promise<boolean> {
  const session = await device.open(stories, planOf(stories, ['q'], 'all', 1, 1, { mode: 'full' }));
  const [generated] = await session.greedy([[1]], { maxNewTokens: 256, stopIds: [1] });
  await session.release();
  const tokenizer = stories.tokenizer as Llama2cTokenizer;
  const printed: Uint8Array[] = [];
  let prev = 1;
  for (const id of generated!) {
    printed.push(llama2cPrintable(tokenizer.decodeTokenBytes(prev, id)));
    prev = id;
  }
  printed.push(Buffer.from('\n'));
  return Buffer.concat(printed).toString('utf8') === readFileSync(join(STORIES260K_DIR, 'expected_greedy_t0_empty_prompt.txt'), 'utf8');
}
const storiesMatch = await storiesGolden();
console.log(`stories260K golden: ${storiesMatch}`);

// ---- per-row adapter logits ------------------------------------------------------------------------
const STRUCTURES: [string[], string, number, number, TieSpec][] = [
  [['q', 'k', 'v', 'o', 'gate', 'up', 'down'], 'all', 2, 3, { mode: 'none' }],
  [['q', 'k', 'v', 'o', 'gate', 'up', 'down'], 'last:1', 2, 13, { mode: 'full' }],
  [['q', 'v'], 'every:2', 4, 2, { mode: 'tiled', n: 3 }],
  [['down'], 'all', 1, 5, { mode: 'structured', n: 2 }],
];
let maxLogitErr = 0;
let greedyEqual = true;
for (const [modules, layers, rank, u, tie] of STRUCTURES) {
  const plan = planOf(demo, modules, layers, rank, u, tie);
  const dim = plan.input.rows * plan.input.cols;
  let s = dim * 7 + rank;
  const v = Float32Array.from({ length: prompts.length * dim }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * 0.5;
  });
  const ort = await DecoderSession.create(demo, { adapter: plan, maxBatch: MAX_BATCH, threads: THREADS });
  const session = (await device.open(demo, plan)) as TorchSession;
  const a = await ort.greedy(prompts, { maxNewTokens: 24, adapterV: v });
  const b = await session.greedy(prompts, { maxNewTokens: 24, adapterV: v });
  greedyEqual &&= JSON.stringify(a) === JSON.stringify(b);
  const rows = prompts.map((p, i) => [...p, ...a[i]!]);
  const { ids, mask } = leftPad(rows);
  const x = await ort.forward({ ids, attentionMask: mask, adapterV: v });
  const y = await session.logits(rows, v);
  const [, L, V] = x.dims;
  rows.forEach((row, r) => {
    for (let i = (r * L + L - row.length) * V; i < (r + 1) * L * V; i++) maxLogitErr = Math.max(maxLogitErr, Math.abs(x.logits[i]! - y.logits[i]!));
  });
  await ort.release();
  await session.release();
}
console.log(`per-row adapter logits: max |err| ${maxLogitErr.toExponential(2)} over ${STRUCTURES.length} structures; greedy with adapters equal: ${greedyEqual}`);

// ---- speed: one ES generation's greedy call, alternately on each device ---------------------------------
async function speed(): Promise<{ ortMs: number; torchMs: number }> {
  const plan = planOf(demo, ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], 'last:1', 2, 13, { mode: 'full' });
  const rows = Array.from({ length: 128 }, (_, i) => prompts[i % prompts.length]!);
  const v = Float32Array.from({ length: rows.length * 13 }, (_, i) => Math.sin(i) * 0.2);
  const ort = await DecoderSession.create(demo, { adapter: plan, maxBatch: MAX_BATCH, threads: THREADS });
  const session = await device.open(demo, plan);
  const time = async (run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    return performance.now() - t0;
  };
  const ortMs: number[] = [];
  const torchMs: number[] = [];
  for (let round = 0; round < 8; round++) {
    const a = await time(() => ort.greedy(rows, { maxNewTokens: 24, adapterV: v }));
    const b = await time(() => session.greedy(rows, { maxNewTokens: 24, adapterV: v }));
    if (round === 0) continue; // round 0 warms both up
    ortMs.push(a);
    torchMs.push(b);
  }
  await ort.release();
  await session.release();
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return { ortMs: median(ortMs), torchMs: median(torchMs) };
}
const timing = await speed();
console.log(`one ES generation (128 rows × 24 tokens): ORT ${timing.ortMs.toFixed(0)} ms, torch ${timing.torchMs.toFixed(0)} ms (medians of 7, alternating)`);

// ---- the same ES trial on both devices ---------------------------------------------------------------
const trial: TinyLoraTrial = {
  model: { path: 'models/demo-arith' },
  task: { kind: 'arithmetic', ops: ['*'], min: 10, max: 99, heldOut: 'models/demo-arith/heldout.jsonl', evalSize: 200, maxNewTokens: 24 },
  adapter: { modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], layers: 'last:1', rank: 2, u: 13, tie: { mode: 'full' } },
  optimizer: { kind: 'es', population: 16, sigma: 0.15, lr: 0.1, iterations: 30, batch: 8 },
  seed: 1,
};
const onOrt = new RecordingDevice(new OnnxDevice({ maxBatch: MAX_BATCH, threads: THREADS }), async (s: DeviceSession, ids, v) => (await (s as DecoderSession).forward({ ids: [ids], adapterV: v, lastOnly: true })).logits);
const onTorch = new RecordingDevice(device, async (s: DeviceSession, ids, v) => {
  const { logits, dims } = await (s as TorchSession).logits([ids], v);
  return logits.subarray((dims[1] - 1) * dims[2]);
});
const ortRun = await trainTinyLora(trial, { models: new ModelCache({ device: onOrt }), baseDir: ROOT });
const torchRun = await trainTinyLora(trial, { models: new ModelCache({ device: onTorch }), baseDir: ROOT });
const sameV = JSON.stringify(ortRun.adapter.v) === JSON.stringify(torchRun.adapter.v);
const divergence = await firstDivergence(onOrt, onTorch);
console.log(
  `ES (${trial.optimizer.population} × ${trial.optimizer.batch}, ${trial.optimizer.iterations} generations): ORT ${ortRun.metrics.train_seconds!.toFixed(1)} s, ` +
    `held-out ${ortRun.metrics.acc}; torch ${torchRun.metrics.train_seconds!.toFixed(1)} s, held-out ${torchRun.metrics.acc}; same v: ${sameV}`,
);
console.log(divergence ? `first divergence: ${divergence.text}` : `every greedy call (${onOrt.calls.length}) gave the same tokens on both devices`);
await device.close();

console.log(
  JSON.stringify({
    golden_match: goldenMatch,
    stories_golden_match: storiesMatch,
    max_logit_err: Number(maxLogitErr.toExponential(2)),
    adapters_greedy_equal: greedyEqual,
    es_same_v: sameV,
    es_acc_delta: Number(Math.abs(torchRun.metrics.acc! - ortRun.metrics.acc!).toFixed(4)),
    ...(divergence ? { es_first_divergence: divergence.text } : {}),
    es_seconds: { ort: Number(ortRun.metrics.train_seconds!.toFixed(1)), torch: Number(torchRun.metrics.train_seconds!.toFixed(1)) },
    torch_cpu_vs_ort_cpu_speed: Number((timing.ortMs / timing.torchMs).toFixed(2)),
    gpu_checked: false,
  }),
);
