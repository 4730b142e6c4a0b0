/**
 * `npm run bench:engine` — how fast the tinysweep engine (libs/model's ONNX graph on onnxruntime-node,
 * CPU EP) runs the work ES training gives it, against this machine's own MatMul peak and against the
 * same forward in PyTorch. All in one run, 3–6 minutes depending on the machine's load (plus a
 * one-time apt install of PyTorch).
 *
 *   node scripts/setup.mjs && node bench/tsx.mjs bench/engine/run.ts   (= npm run bench:engine)
 *
 * What runs (ORT: intra-op threads = THREADS = 2 everywhere, graph optimisation level "all"):
 *
 *   1. MatMul peak    ONNX graphs of MatMuls only, built here with onnx-proto: one 2048³ node, and
 *                     chains of 4–8 MatMuls (A·W0·W1·W0…, weights as initializers, so the JS ↔ ORT copy
 *                     of input and output is paid once per chain) of a square 2048³ and of the d = 512
 *                     model's population-batched shapes (B·T = 4096 rows). GFLOP/s = 2·links·M·K·N /
 *                     time. The sessions stay open: probed 5× at the start, once in every round of the
 *                     forward comparison (so the peak sees the same contention as the forwards) and 3×
 *                     after it. Peak = best of any graph at any time.
 *   2. Forward        DecoderSession.forward (prefill, no past, logits of the last position only, as a
 *                     generation prefill keeps) on B = 64 rows × T = 64 tokens — a population of 32
 *                     antithetic pairs × 2 prompts, or 16 × 4 — for stories260K (real weights from
 *                     ../shared/data) and a random-weight Llama with d = 512 (D512 below), each with a
 *                     TinyLoRA adapter on all 7 modules of every layer (rank 2, u = 13, fully tied:
 *                     tinylora_v [B,1,13]; frozen factors from libs/tinylora's truncatedSvd of the
 *                     weights, projections from projectionTensor). GFLOP/s = flops (below) / time.
 *   3. Adapters       the same batch with 64 distinct v rows, with one v repeated 64 times, on the graph
 *                     without an adapter (what one adapter merged into W costs), interleaved round-robin
 *                     (FORWARD_ROUNDS rounds) so drift on this shared machine hits all alike; then one
 *                     profiled run of each graph (ORT's per-node timings, by op type and by block).
 *   4. PyTorch        bench/engine/torch_forward.py under Debian's /usr/bin/python3 (python3-torch +
 *                     libopenblas0-pthread, installed here with apt-get when missing and we are root),
 *                     the same forward (same config, batch, T, kept positions, adapter branch on every
 *                     linear), float32, inference_mode, 2 threads, OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE
 *                     removed from its environment. It runs as a server that times one forward per
 *                     request, so torch's forwards and ours alternate round by round (250 ms pause
 *                     before each) and see the same load. Ratio = torch time / our time (≥ 1: we are
 *                     faster), best against best; the per-round median is printed beside it.
 *   5. Decode         DecoderSession.greedy (KV cache; stop ids off so every row runs to the end), on the
 *                     adapter graph with distinct v per row and on the base graph, batch 1 and 64,
 *                     8-token prompts. tokens/s = rows · new tokens / wall time (the prefill included).
 *   6. SVD            libs/tinylora's truncatedSvd of a 4096×4096 random float32 matrix: rank 2 (best of
 *                     2) and rank 16 (once); default options (4 power iterations, oversampling 8).
 *
 * FLOPs of one decoder forward (multiply-add = 2 FLOPs), counted analytically by forwardFlops():
 *   linears    2 · B·T · L · Σₘ inₘ·outₘ              m ∈ {q, k, v, o, gate, up, down}
 *   attention  2 · 2 · B · L · H · T · S · hd          QKᵀ and probs·V over the whole T×S score matrix
 *                                                      (the graph adds the causal mask after QKᵀ, so the
 *                                                      masked half is computed too; S = past + T = T here)
 *   lm_head    2 · B·K · D · V                         K = positions kept (logits_to_keep; 1 here)
 *   adapter    2 · B·T · Σ_sites r·(in + r + out)      x·down, ·R_bᵀ, ·up on every adapted linear
 *              + 2 · B · sites · u·r²                  forming R_b from v (negligible)
 *   Not counted: embedding gather, RMSNorm, RoPE, softmax, SiLU, residual adds (O(D) per token).
 *
 * This machine is shared (2 vCPUs, other engineers' jobs): every figure is best-of-N wall time, the
 * medians are printed beside them, and how many CPUs other jobs used (from /proc/stat minus our own
 * process and children) is printed before the start, during the forwards, during torch and overall.
 * Run it twice and compare before trusting a difference of a few percent.
 *
 * Run time: each section has a time budget (BUDGET below) and stops adding rounds once it is spent
 * (never fewer than 3), so a heavily loaded machine gets fewer samples rather than a 10-minute run.
 *
 * Environment: BENCH_ENGINE_FORWARD_ROUNDS (8), BENCH_ENGINE_REPEATS (torch rounds, 5), BENCH_ENGINE_SKIP_TORCH=1,
 * BENCH_ENGINE_KEEP=1 (keep the temp dir: checkpoint, graphs, ORT profile).
 *
 * Output: tables for people, then one JSON line (the last line):
 *   {"matmul_peak_gflops", "forward_pct_of_peak", "multi_adapter_cost_ratio", "vs_pytorch_speed_ratio",
 *    "decode_tokens_per_s", "svd_4096_s", "details": {…}}
 *   forward_pct_of_peak: D512 forward with 64 distinct adapters, best GFLOP/s ÷ matmul peak, in percent.
 *   multi_adapter_cost_ratio: D512, 64 distinct v ÷ one v repeated (best times).
 *   vs_pytorch_speed_ratio: D512 with the adapter, torch best ÷ ours best in the alternated rounds.
 *   decode_tokens_per_s: D512, batch 64, distinct adapters (the population workload); the other
 *                        decode cells are in details.decode_tokens_per_s.
 *   svd_4096_s: rank 2, best of 2.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { tinyLoraGraph, type AdapterPlan, type AdapterSite } from '@tinysweep/adapters';
import { DecoderSession, LINEAR_MODULES, linearShape, linearWeightName, loadModel, type DecoderConfig, type LoadedModel } from '@tinysweep/model';
import { STORIES260K_DIR, writeRandomHfCheckpoint } from '@tinysweep/model/testing';
import { createRng, lowRankBranch, projectionTensor, SVD_DEFAULTS, targetSeed, truncatedSvd } from '@tinysweep/tinylora';

const { onnx } = onnxProto;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const THREADS = 2;
/** Rounds of the forward comparison (each: no adapter, one v repeated, 64 distinct v, a MatMul probe). */
const FORWARD_ROUNDS = Math.max(1, Number(process.env.BENCH_ENGINE_FORWARD_ROUNDS ?? 8));
/** Rounds of the PyTorch comparison and timed runs elsewhere. */
const REPEATS = Math.max(1, Number(process.env.BENCH_ENGINE_REPEATS ?? 5));
const SKIP_TORCH = process.env.BENCH_ENGINE_SKIP_TORCH === '1';
const KEEP = process.env.BENCH_ENGINE_KEEP === '1';
const PYTHON = '/usr/bin/python3';
const TORCH_INSTALL = 'apt-get update && apt-get install -y python3-torch libopenblas0-pthread';

/** Population-batched shape: 64 rows (32 antithetic pairs × 2 prompts) × 64 prompt tokens. */
const BATCH = 64;
const SEQ = 64;
/** The adapter: all 7 modules of every layer, rank 2, u = 13, every site tied to one v. */
const RANK = 2;
const U = 13;
/** The d = 512 Llama (random weights). */
const D512 = { dim: 512, nLayers: 8, nHeads: 8, nKvHeads: 4, hiddenDim: 1376, vocabSize: 32000 } as const;

/**
 * Time budgets (seconds) that keep the whole run near 6 minutes when other jobs load the machine:
 * a section stops adding rounds once its budget is spent (never below MIN_ROUNDS rounds).
 */
const BUDGET = { storiesForward: 30, d512Forward: 120, torchD512: 100, torchStories: 25 } as const;
const MIN_ROUNDS = 3;
/** Pause before every timed run (see interleaved()). */
const GAP_MS = 250;
const sleep = (msec: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, msec));

const t0Bench = performance.now();
const elapsed = (): string => `${((performance.now() - t0Bench) / 1000).toFixed(0)}s`;
const log = (line: string): void => console.log(line);
const section = (title: string): void => log(`\n── ${title} ${'─'.repeat(Math.max(0, 90 - title.length))} [${elapsed()}]`);

// ── timing ──────────────────────────────────────────────────────────────────────────────────

interface Timing {
  best: number; // seconds
  median: number;
  runs: number[];
}

function summarize(runs: number[]): Timing {
  const sorted = [...runs].sort((a, b) => a - b);
  return { best: sorted[0]!, median: sorted[Math.floor((sorted.length - 1) / 2)]!, runs };
}

/**
 * Runs every variant `warmup` times, then `repeats` rounds of all variants, rotating the order each
 * round, with a pause of GAP_MS before every timed run: each ORT session has its own intra-op thread
 * pool, and right after one session runs, its threads (spinning, then going to sleep) slow the next
 * session's run down — by 2–3× for a 40 ms stories260K forward on this machine — which would
 * otherwise favour whichever variant happens to follow a run of its own session.
 */
async function interleaved(variants: Record<string, () => Promise<unknown>>, warmup: number, repeats: number, budgetSeconds = Infinity): Promise<Record<string, Timing>> {
  const names = Object.keys(variants);
  const start = performance.now();
  for (const name of names) for (let i = 0; i < warmup; i++) await variants[name]!();
  const runs: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < repeats; round++) {
    if (round >= MIN_ROUNDS && (performance.now() - start) / 1000 > budgetSeconds) {
      log(`  (stopped after ${round} of ${repeats} rounds: this section's ${budgetSeconds} s budget is spent — the machine is busy)`);
      break;
    }
    for (let j = 0; j < names.length; j++) {
      const name = names[(round + j) % names.length]!;
      await sleep(GAP_MS);
      const t0 = performance.now();
      await variants[name]!();
      runs[name]!.push((performance.now() - t0) / 1000);
    }
  }
  return Object.fromEntries(names.map((n) => [n, summarize(runs[n]!)]));
}

const medianOf = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
const ms = (s: number): string => `${(s * 1000).toFixed(s < 0.01 ? 2 : 1)} ms`;
const fixed = (x: number, digits = 1): string => x.toFixed(digits);
const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

function table(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  log(line(headers));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) log(line(row));
}

/** Fast uniform noise for tensors whose values do not matter (speed only). */
function noise(n: number, scale: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296 - 0.5) * 2 * scale;
  }
  return out;
}

/**
 * Machine-wide CPU ticks from /proc/stat and this process's own (threads + waited-for children), in
 * USER_HZ ticks (100/s): busy − ours = what other people's jobs used while we ran.
 */
interface CpuSample { total: number; idle: number; steal: number; ours: number }

function cpuSample(): CpuSample | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number); // fields from 3 (state) on
    const children = (after[13] ?? 0) + (after[14] ?? 0); // cutime, cstime (fields 16, 17)
    const usage = process.cpuUsage();
    return {
      total: fields.slice(0, 8).reduce((a, b) => a + b, 0),
      idle: (fields[3] ?? 0) + (fields[4] ?? 0),
      steal: fields[7] ?? 0,
      ours: (usage.user + usage.system) / 1e4 + children,
    };
  } catch {
    return undefined;
  }
}

/** Average CPUs used (of all cores) by others and by us between two samples, and steal %. */
function cpuShare(a: CpuSample | undefined, b: CpuSample | undefined): { others: number; ours: number; stealPct: number } | undefined {
  if (!a || !b || b.total <= a.total) return undefined;
  const cores = cpus().length;
  const total = b.total - a.total;
  const busy = total - (b.idle - a.idle);
  const ours = Math.min(busy, b.ours - a.ours);
  return { others: (cores * Math.max(0, busy - ours)) / total, ours: (cores * ours) / total, stealPct: (100 * (b.steal - a.steal)) / total };
}


/** What the machine is doing without us: others' average CPUs over `seconds` while we sleep. */
async function idleLoad(seconds: number): Promise<number | undefined> {
  const a = cpuSample();
  await sleep(seconds * 1000);
  return cpuShare(a, cpuSample())?.others;
}

// ── 1. MatMul peak ──────────────────────────────────────────────────────────────────────────

/**
 * `links` MatMuls in a chain: A [M,K] · W0 [K,N] → · W1 [N,K] → · W0 … (one weight when K = N).
 * Chaining keeps the operands in ORT's arena and pays the JS ↔ ORT copy of the input and output once
 * per run instead of once per MatMul, which a one-node graph would pay every time.
 */
function matmulGraph(M: number, K: number, N: number, links: number): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const info = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  const w0 = noise(K * N, 1 / Math.sqrt(K), 7);
  const w1 = noise(N * K, 1 / Math.sqrt(N), 9);
  const node = Array.from({ length: links }, (_, i) => ({
    name: `MatMul_${i}`,
    opType: 'MatMul',
    input: [i === 0 ? 'A' : `h${i}`, i % 2 === 0 || K === N ? 'W0' : 'W1'],
    output: [i === links - 1 ? 'Y' : `h${i + 1}`],
  }));
  const initializer = [{ name: 'W0', dataType: FLOAT, dims: [K, N], rawData: new Uint8Array(w0.buffer) }];
  if (K !== N && links > 1) initializer.push({ name: 'W1', dataType: FLOAT, dims: [N, K], rawData: new Uint8Array(w1.buffer) });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 18 }],
    producerName: 'tinysweep-bench',
    graph: { name: 'matmul', node, initializer, input: [info('A', [M, K])], output: [info('Y', [M, links % 2 === 1 ? N : K])] },
  }).finish();
}

interface MatmulShape {
  M: number;
  K: number;
  N: number;
  links: number;
  label: string;
  what: string;
  session: ort.InferenceSession;
  A: ort.Tensor;
  /** GFLOP/s of every timed run, by phase. */
  samples: Record<string, number[]>;
}

/**
 * MatMul sessions kept open for the whole run: probed at the start, once per round of the forward
 * comparison (so the peak sees the same contention as the forwards) and at the end. The peak is
 * the best GFLOP/s any of them reached at any time.
 */
class MatmulPeak {
  private constructor(readonly shapes: MatmulShape[]) {}

  static async create(): Promise<MatmulPeak> {
    const BT = BATCH * SEQ;
    const { dim: D, hiddenDim: Hd } = D512;
    const defs: Array<[number, number, number, number, string, string]> = [
      [2048, 2048, 2048, 1, '2048×2048·2048×2048', 'one node (pays JS↔ORT copies each run)'],
      [2048, 2048, 2048, 4, '2048×2048·2048×2048 ×4', 'square, chained'],
      [BT, D, Hd, 8, `${BT}×${D}·${D}×${Hd} ⇄ ·${Hd}×${D} ×8`, 'd512 gate/up and down shapes, chained'],
      [BT, D, D, 8, `${BT}×${D}·${D}×${D} ×8`, 'd512 q/o shape, chained'],
      [BT, D, 2048, 4, `${BT}×${D}·${D}×2048 ⇄ ·2048×${D} ×4`, 'B·T rows, wider N, chained'],
    ];
    const shapes: MatmulShape[] = [];
    for (const [M, K, N, links, label, what] of defs) {
      const session = await ort.InferenceSession.create(matmulGraph(M, K, N, links), { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: THREADS });
      shapes.push({ M, K, N, links, label, what, session, A: new ort.Tensor('float32', noise(M * K, 1, 3), [M, K]), samples: {} });
    }
    return new MatmulPeak(shapes);
  }

  /** Times every shape `runs` times (after one warm-up run when `warm`). */
  async probe(phase: string, runs: number, warm = false): Promise<void> {
    for (const s of this.shapes) {
      await sleep(GAP_MS); // another session just ran (see interleaved())
      if (warm) await s.session.run({ A: s.A });
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await s.session.run({ A: s.A });
        const seconds = (performance.now() - t0) / 1000;
        (s.samples[phase] ??= []).push((2 * s.links * s.M * s.K * s.N) / seconds / 1e9);
      }
    }
  }

  best(s: MatmulShape, phase?: string): number {
    const all = phase ? (s.samples[phase] ?? []) : Object.values(s.samples).flat();
    return all.length ? Math.max(...all) : 0;
  }

  median(s: MatmulShape): number {
    const all = Object.values(s.samples).flat().sort((a, b) => a - b);
    return all[Math.floor((all.length - 1) / 2)] ?? 0;
  }

  get peak(): number {
    return Math.max(...this.shapes.map((s) => this.best(s)));
  }

  phases(): string[] {
    return [...new Set(this.shapes.flatMap((s) => Object.keys(s.samples)))];
  }

  async release(): Promise<void> {
    for (const s of this.shapes) await s.session.release();
  }
}

// ── models, adapter plans, FLOPs ────────────────────────────────────────────────────────────

/** TinyLoRA on all 7 modules of every layer, frozen factors from the real weights, all sites tied to one v. */
function fullAdapterPlan(model: LoadedModel): { plan: AdapterPlan; seconds: number } {
  const t0 = performance.now();
  const sites: AdapterSite[] = [];
  for (let layer = 0; layer < model.config.nLayers; layer++) {
    for (const module of LINEAR_MODULES) {
      const { in: inDim, out } = linearShape(model.config, module);
      const W = model.weights.get(linearWeightName(layer, module)).data; // [out, in]
      const { down, up } = lowRankBranch(truncatedSvd(W, out, inDim, RANK));
      sites.push({ layer, module, group: 0, down, up, P: projectionTensor(targetSeed(0, sites.length), U, RANK) });
    }
  }
  const plan: AdapterPlan = { rank: RANK, u: U, groups: 1, sites, key: `bench-engine;${model.hash};all-layers;all-modules;r${RANK};u${U};tie=full;proj=0;svd=${SVD_DEFAULTS.seed}:${SVD_DEFAULTS.iterations}` };
  return { plan, seconds: (performance.now() - t0) / 1000 };
}

interface FlopCount {
  linear: number;
  attention: number;
  lmHead: number;
  adapter: number;
}

/** See the header: analytic FLOPs of one forward of B rows × T new tokens over `past`, keeping K positions. */
function forwardFlops(c: DecoderConfig, B: number, T: number, past: number, K: number, plan?: AdapterPlan): FlopCount {
  const tokens = B * T;
  const S = past + T;
  const perLayerLinear = LINEAR_MODULES.reduce((sum, m) => {
    const { in: i, out: o } = linearShape(c, m);
    return sum + i * o;
  }, 0);
  const adapterPerToken = (plan?.sites ?? []).reduce((sum, s) => {
    const { in: i, out: o } = linearShape(c, s.module);
    return sum + plan!.rank * (i + plan!.rank + o);
  }, 0);
  return {
    linear: 2 * tokens * c.nLayers * perLayerLinear,
    attention: 2 * 2 * B * c.nLayers * c.nHeads * T * S * c.headDim,
    lmHead: 2 * B * K * c.dim * c.vocabSize,
    adapter: plan ? 2 * tokens * adapterPerToken + 2 * B * plan.sites.length * plan.u * plan.rank * plan.rank : 0,
  };
}

const totalFlops = (f: FlopCount, withAdapter: boolean): number => f.linear + f.attention + f.lmHead + (withAdapter ? f.adapter : 0);

function randomIds(vocab: number, B: number, T: number, seed: number): { data: BigInt64Array; dims: [number, number] } {
  const rng = createRng(seed);
  const data = new BigInt64Array(B * T);
  for (let i = 0; i < data.length; i++) data[i] = BigInt(3 + Math.floor(rng.next() * (vocab - 3)));
  return { data, dims: [B, T] };
}

// ── 2–3. forward, adapters, profile ─────────────────────────────────────────────────────────

interface ForwardResult {
  name: string;
  config: DecoderConfig;
  flops: FlopCount;
  planSeconds: number;
  createSeconds: { base: number; adapter: number };
  timings: Record<'none' | 'same' | 'distinct', Timing>;
  profile?: { adapter?: ProfileSummary; base?: ProfileSummary };
}

interface ProfileSummary {
  nodeSeconds: number;
  runSeconds: number;
  byOp: Array<{ op: string; seconds: number; nodes: number }>;
  byBlock: Array<{ block: string; seconds: number }>;
}

/** The feeds DecoderSession.forward builds for a no-past prefill (for the raw and profiled sessions). */
function rawFeeds(c: DecoderConfig, ids: { data: BigInt64Array; dims: [number, number] }, v: Float32Array | undefined, groups: number): Record<string, ort.Tensor> {
  const [B, T] = ids.dims;
  const positions = new BigInt64Array(B * T);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) positions[b * T + t] = BigInt(t);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', ids.data, [B, T]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(B * T).fill(1n), [B, T]),
    position_ids: new ort.Tensor('int64', positions, [B, T]),
    logits_to_keep: new ort.Tensor('int64', BigInt64Array.of(1n), [1]),
  };
  if (v) feeds.tinylora_v = new ort.Tensor('float32', v, [B, groups, U]);
  const empty = new ort.Tensor('float32', new Float32Array(0), [B, c.nKvHeads, 0, c.headDim]);
  for (let layer = 0; layer < c.nLayers; layer++) {
    feeds[`past_key_values.${layer}.key`] = empty;
    feeds[`past_key_values.${layer}.value`] = empty;
  }
  return feeds;
}

function blockOf(node: string): string {
  if (node.includes('/tinylora/')) {
    const part = node.includes('/down/') ? 'x·down' : node.includes('/mix/') ? '·R_bᵀ' : node.includes('/up/') ? '·up' : node.includes('tinylora/Add') ? 'Add into y' : 'R_b from v';
    return `TinyLoRA branch: ${part}`;
  }
  if (node.includes('_proj/')) return 'dense linears (q,k,v,o,gate,up,down)';
  if (node.includes('lm_head')) return 'lm_head';
  if (/rotary/.test(node)) return 'RoPE';
  if (/layernorm|\/norm\//.test(node)) return 'RMSNorm';
  if (node.includes('/attn/') || node.includes('attn_mask')) return 'attention core (heads, QKᵀ, softmax, ·V, merge)';
  if (node.includes('/mlp/')) return 'MLP activation';
  return 'other';
}

async function profileRun(graphPath: string, feeds: Record<string, ort.Tensor>, dir: string, tag: string): Promise<ProfileSummary | undefined> {
  const prefix = join(dir, `ort-profile-${tag}`);
  const session = await ort.InferenceSession.create(graphPath, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: THREADS,
    enableProfiling: true,
    profileFilePrefix: prefix,
  });
  await session.run(feeds); // warm-up
  await session.run(feeds); // the one we read
  session.endProfiling();
  await session.release();
  const file = readdirSync(dir).filter((f) => f.startsWith(`ort-profile-${tag}`) && f.endsWith('.json')).sort().pop();
  if (!file) return undefined;
  interface ProfileEvent { cat: string; name: string; ts: number; dur: number; args?: { op_name?: string } }
  const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ProfileEvent[];
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run');
  const last = runs[runs.length - 1];
  if (!last) return undefined;
  const nodes = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.ts >= last.ts && e.ts <= last.ts + last.dur);
  const byOp = new Map<string, { seconds: number; nodes: number }>();
  const byBlock = new Map<string, number>();
  let nodeSeconds = 0;
  for (const e of nodes) {
    const op = e.args?.op_name ?? '?';
    const s = e.dur / 1e6;
    nodeSeconds += s;
    const entry = byOp.get(op) ?? { seconds: 0, nodes: 0 };
    entry.seconds += s;
    entry.nodes += 1;
    byOp.set(op, entry);
    const block = blockOf(e.name);
    byBlock.set(block, (byBlock.get(block) ?? 0) + s);
  }
  return {
    nodeSeconds,
    runSeconds: last.dur / 1e6,
    byOp: [...byOp.entries()].map(([op, v]) => ({ op, ...v })).sort((a, b) => b.seconds - a.seconds),
    byBlock: [...byBlock.entries()].map(([block, seconds]) => ({ block, seconds })).sort((a, b) => b.seconds - a.seconds),
  };
}

interface ForwardInputs {
  ids: { data: BigInt64Array; dims: [number, number] };
  /** [B, 1, u]: 64 different candidates. */
  distinct: Float32Array;
}

async function benchForward(name: string, model: LoadedModel, dir: string, profile: boolean, peak: MatmulPeak): Promise<{ result: ForwardResult; adapted: DecoderSession; base: DecoderSession; plan: AdapterPlan; inputs: ForwardInputs }> {
  const c = model.config;
  const { plan, seconds: planSeconds } = fullAdapterPlan(model);
  const cacheDir = join(dir, 'graphs');
  let t = performance.now();
  const base = await DecoderSession.create(model, { cacheDir, threads: THREADS, maxBatch: BATCH });
  const baseCreate = (performance.now() - t) / 1000;
  t = performance.now();
  const adapted = await DecoderSession.create(model, { cacheDir, threads: THREADS, maxBatch: BATCH, adapter: tinyLoraGraph(plan) });
  const adapterCreate = (performance.now() - t) / 1000;

  const ids = randomIds(c.vocabSize, BATCH, SEQ, 5);
  const distinct = noise(BATCH * U, 0.05, 11); // 64 different candidates
  const one = noise(U, 0.05, 13);
  const same = new Float32Array(BATCH * U);
  for (let b = 0; b < BATCH; b++) same.set(one, b * U);
  const feeds = rawFeeds(c, ids, distinct, plan.groups);

  const { peak: _probe, ...timings } = (await interleaved(
    {
      none: () => base.forward({ ids, lastOnly: true }),
      same: () => adapted.forward({ ids, adapterV: same, lastOnly: true }),
      distinct: () => adapted.forward({ ids, adapterV: distinct, lastOnly: true }),
      peak: () => peak.probe(`during ${name} forwards`, 1), // the MatMul peak under the same contention
    },
    1,
    FORWARD_ROUNDS,
    name === 'llama-d512' ? BUDGET.d512Forward : BUDGET.storiesForward,
  )) as ForwardResult['timings'] & { peak: Timing };
  const summary = profile
    ? { adapter: await profileRun(adapted.graphPath, feeds, dir, 'adapter'), base: await profileRun(base.graphPath, rawFeeds(c, ids, undefined, plan.groups), dir, 'base') }
    : undefined;
  const flops = forwardFlops(c, BATCH, SEQ, 0, 1, plan);
  return {
    result: { name, config: c, flops, planSeconds, createSeconds: { base: baseCreate, adapter: adapterCreate }, timings, profile: summary },
    adapted,
    base,
    plan,
    inputs: { ids, distinct },
  };
}

// ── 4. decode ───────────────────────────────────────────────────────────────────────────────

interface DecodeResult {
  model: string;
  graph: 'adapter' | 'base';
  batch: number;
  newTokens: number;
  seconds: number;
  tokensPerSecond: number;
  msPerStep: number;
}

/** Greedy decode on the adapter graph (distinct v per row) and on the base graph, interleaved. */
async function benchDecode(name: string, adapted: DecoderSession, base: DecoderSession, c: DecoderConfig, batch: number, newTokens: number, repeats: number): Promise<DecodeResult[]> {
  const rng = createRng(17 + batch);
  const prompts = Array.from({ length: batch }, () => Array.from({ length: 8 }, () => 3 + Math.floor(rng.next() * (c.vocabSize - 3))));
  const v = noise(batch * U, 0.05, 19);
  const run = async (session: DecoderSession, adapterV: Float32Array | undefined, maxNewTokens: number): Promise<void> => {
    const out = await session.greedy(prompts, { maxNewTokens, adapterV, stopIds: [] });
    if (out.some((row) => row.length !== maxNewTokens)) throw new Error(`greedy returned rows shorter than ${maxNewTokens} tokens with stopIds []`);
  };
  await run(adapted, v, 2); // warm-up at this batch
  await run(base, undefined, 2);
  const t = await interleaved({ adapter: () => run(adapted, v, newTokens), base: () => run(base, undefined, newTokens) }, 0, repeats);
  return (['adapter', 'base'] as const).map((graph) => {
    const best = t[graph]!.best;
    return { model: name, graph, batch, newTokens, seconds: best, tokensPerSecond: (batch * newTokens) / best, msPerStep: (best / newTokens) * 1000 };
  });
}

// ── PyTorch ─────────────────────────────────────────────────────────────────────────────────

interface TorchInfo {
  torch_version: string;
  threads: number;
  blas: { libraries: string[]; openblas_config: string | null; openblas_core: string | null; openblas_threads: number | null };
  has_sdpa: boolean;
}

function torchEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(THREADS), OMP_NUM_THREADS: String(THREADS) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/** Makes sure Debian's PyTorch with the pthread OpenBLAS is there; returns why not when it is not. */
function ensureTorch(): string | undefined {
  const importable = (): boolean => existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { env: torchEnv(), stdio: 'ignore' }).status === 0;
  const hasOpenblas = (): boolean => spawnSync('dpkg', ['-s', 'libopenblas0-pthread'], { stdio: 'ignore' }).status === 0;
  if (importable() && hasOpenblas()) return undefined;
  const isRoot = process.getuid?.() === 0;
  const aptGet = existsSync('/usr/bin/apt-get');
  if (!isRoot || !aptGet) return `PyTorch or libopenblas0-pthread missing; install with: ${isRoot ? '' : 'sudo '}sh -c '${TORCH_INSTALL}'`;
  log(`PyTorch: missing, running ${TORCH_INSTALL} (one time, a few minutes)`);
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', TORCH_INSTALL], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) return `apt-get failed (${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}); install with: ${TORCH_INSTALL}`;
  log(`PyTorch: installed (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  return importable() && hasOpenblas() ? undefined : `PyTorch still not importable after apt-get; install with: ${TORCH_INSTALL}`;
}

/**
 * torch_forward.py in paired mode: builds the model once, then times one forward per request, so
 * torch and ORT can be timed alternately under the same load.
 */
class TorchServer {
  private readonly pending: Array<(line: string | Error) => void> = [];
  private exited: string | undefined;
  info: TorchInfo | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams, verbose: boolean) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return verbose ? log(`  ${line}`) : undefined; // the BLAS / thread report
      this.pending.shift()?.(line);
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.on('exit', (code, signal) => {
      this.exited = `torch_forward.py exited (${signal ?? code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
      for (const p of this.pending.splice(0)) p(new Error(this.exited));
    });
  }

  private next(): Promise<string> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => this.pending.push((line) => (line instanceof Error ? reject(line) : resolve(line))));
  }

  static async start(c: DecoderConfig, verbose: boolean): Promise<TorchServer> {
    const args = {
      dim: c.dim, n_layers: c.nLayers, n_heads: c.nHeads, n_kv_heads: c.nKvHeads, hidden: c.hiddenDim, vocab: c.vocabSize,
      batch: BATCH, seq: SEQ, keep: 1, rank: RANK, u: U, groups: 1, threads: THREADS, serve: true,
    };
    const server = new TorchServer(spawn(PYTHON, [join(ROOT, 'bench', 'engine', 'torch_forward.py'), JSON.stringify(args)], { env: torchEnv(), stdio: ['pipe', 'pipe', 'pipe'] }), verbose);
    server.info = JSON.parse(await server.next()) as TorchInfo;
    return server;
  }

  /** One timed torch forward, in seconds (torch's own perf_counter around the forward). */
  async run(variant: 'adapter' | 'base'): Promise<number> {
    const answer = this.next();
    this.child.stdin.write(`${variant}\n`);
    return (JSON.parse(await answer) as { s: number }).s;
  }

  close(): void {
    this.child.stdin.end();
  }
}

interface PairedResult {
  name: string;
  ours: { adapter: Timing; base: Timing };
  torch: { adapter: Timing; base: Timing };
  /** torch ÷ ours per round, adapter forwards. */
  roundRatios: number[];
  info: TorchInfo;
  others?: number;
}

/**
 * Our forward and torch's, alternated round-robin (our adapter / no-adapter forwards and torch's) with a
 * GAP_MS pause before each, so a finished framework's spinning threads (OpenBLAS busy-waits ~0.1 s,
 * ORT's pools spin too) do not eat into the other's time. Torch's time is its own perf_counter.
 */
async function pairedTorch(name: string, c: DecoderConfig, s: { adapted: DecoderSession; base: DecoderSession }, inputs: ForwardInputs, verbose: boolean, budgetSeconds: number): Promise<PairedResult> {
  const start = performance.now();
  const server = await TorchServer.start(c, verbose);
  try {
    const torchTimes = { adapter: [] as number[], base: [] as number[] };
    const oursTimes = { adapter: [] as number[], base: [] as number[] };
    const c0 = cpuSample();
    const steps: Array<() => Promise<void>> = [
      async () => void oursTimes.adapter.push(await timeOnce(() => s.adapted.forward({ ids: inputs.ids, adapterV: inputs.distinct, lastOnly: true }))),
      async () => void torchTimes.adapter.push(await server.run('adapter')),
      async () => void oursTimes.base.push(await timeOnce(() => s.base.forward({ ids: inputs.ids, lastOnly: true }))),
      async () => void torchTimes.base.push(await server.run('base')),
    ];
    await server.run('adapter'); // warm-up (our sessions are warm already)
    await server.run('base');
    for (let round = 0; round < REPEATS; round++) {
      if (round >= MIN_ROUNDS && (performance.now() - start) / 1000 > budgetSeconds) {
        log(`  (${name}: stopped after ${round} of ${REPEATS} rounds: the ${budgetSeconds} s budget is spent — the machine is busy)`);
        break;
      }
      for (let j = 0; j < steps.length; j++) {
        await sleep(GAP_MS);
        await steps[(round + j) % steps.length]!();
      }
    }
    return {
      name,
      ours: { adapter: summarize(oursTimes.adapter), base: summarize(oursTimes.base) },
      torch: { adapter: summarize(torchTimes.adapter), base: summarize(torchTimes.base) },
      roundRatios: torchTimes.adapter.map((t, i) => t / oursTimes.adapter[i]!),
      info: server.info!,
      others: cpuShare(c0, cpuSample())?.others,
    };
  } finally {
    server.close();
  }
}

async function timeOnce(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

// ── 6. SVD ──────────────────────────────────────────────────────────────────────────────────

function benchSvd(): Array<{ rank: number; runs: number; best: number; median: number; top: number[] }> {
  const n = 4096;
  const rng = createRng(1);
  const W = new Float32Array(n * n);
  for (let i = 0; i < W.length; i++) W[i] = rng.normal() * 0.02;
  truncatedSvd(W.subarray(0, 512 * 512), 512, 512, 2, { iterations: 0 }); // warm the JIT
  return ([[2, 2], [16, 1]] as const).map(([rank, runs]) => {
    const times: number[] = [];
    let top: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const f = truncatedSvd(W, n, n, rank);
      times.push((performance.now() - t0) / 1000);
      top = Array.from(f.S.slice(0, 2), (s) => round(s, 4));
    }
    const t = summarize(times);
    return { rank, runs, best: t.best, median: t.median, top };
  });
}

// ── main ────────────────────────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tinysweep-bench-engine-'));
  const load0 = loadavg();
  const othersBefore = await idleLoad(2);
  const cpu0 = cpuSample();
  const peak = await MatmulPeak.create();
  const decodeSessions: DecoderSession[] = [];
  try {
    log(`bench:engine — onnxruntime-node ${ort.env.versions.common}, CPU EP, intra-op threads ${THREADS}; forward batch ${BATCH} rows × ${SEQ} tokens; ${FORWARD_ROUNDS} forward rounds, ${REPEATS} torch rounds`);
    log(`machine: shared ${cpus().length}-vCPU VM (${cpus()[0]?.model ?? '?'}); load average ${load0.map((l) => l.toFixed(2)).join(' ')}; `
      + `other people's jobs were using ${othersBefore === undefined ? '?' : fixed(othersBefore, 2)} of ${cpus().length} CPUs just before the start. `
      + 'Every figure is best-of-N wall time (medians beside them).');

    // ── 1 ──
    section('1. ONNX Runtime MatMul peak (MatMul-only graphs, 2 threads)');
    await peak.probe('start', 5, true);
    log(`probed ${peak.shapes.length} MatMul graphs 5× each; probed again during and after the forwards (table below)`);
    const cpuForward0 = cpuSample();

    // ── 2–3 ──
    section('2–3. Forward (prefill, last-position logits), adapters');
    const stories = await loadModel(join(STORIES260K_DIR, 'stories260K.bin'));
    const d512Dir = join(dir, 'llama-d512');
    writeRandomHfCheckpoint(d512Dir, { architecture: 'llama', seed: 1, ...D512 });
    const configPath = join(d512Dir, 'config.json');
    writeFileSync(configPath, JSON.stringify({ ...JSON.parse(readFileSync(configPath, 'utf8')), max_position_embeddings: 2048 }, null, 2));
    const d512 = await loadModel(d512Dir);
    const models: Array<[string, LoadedModel]> = [['stories260K', stories], ['llama-d512', d512]];
    const forwards: ForwardResult[] = [];
    const sessions = new Map<string, { adapted: DecoderSession; base: DecoderSession; inputs: ForwardInputs }>();
    for (const [name, model] of models) {
      const { result, adapted, base, plan, inputs } = await benchForward(name, model, dir, name === 'llama-d512', peak);
      forwards.push(result);
      sessions.set(name, { adapted, base, inputs });
      decodeSessions.push(adapted, base);
      const c = model.config;
      log(`${name}: d=${c.dim} layers=${c.nLayers} heads=${c.nHeads} kv=${c.nKvHeads} hd=${c.headDim} hidden=${c.hiddenDim} vocab=${c.vocabSize} tied=${c.tiedEmbeddings}; `
        + `${plan.sites.length} adapter sites (rank ${RANK}, u ${U}, 1 group); SVD for the plan ${fixed(result.planSeconds, 2)} s; `
        + `graph build + session ${fixed(result.createSeconds.base, 1)} s (base) / ${fixed(result.createSeconds.adapter, 1)} s (adapter)`);
      const f = result.flops;
      log(`  FLOPs per forward: linears ${fixed(f.linear / 1e9, 2)} G + attention ${fixed(f.attention / 1e9, 2)} G + lm_head ${fixed(f.lmHead / 1e9, 3)} G (+ adapter branch ${fixed(f.adapter / 1e9, 3)} G)`);
    }
    const forwardShare = cpuShare(cpuForward0, cpuSample());
    await peak.probe('end of forwards', 3);
    const P = peak.peak;

    log(`\nMatMul GFLOP/s (${Object.values(peak.shapes[0]!.samples).flat().length} runs per shape: at the start, once per forward round, after the forwards):`);
    const phases = peak.phases();
    table(['MatMul graph', 'what', 'best', 'median', ...phases.map((ph) => `best ${ph}`)], peak.shapes.map((s) => [s.label, s.what, fixed(peak.best(s)), fixed(peak.median(s)), ...phases.map((ph) => fixed(peak.best(s, ph)))]));
    log(`peak: ${fixed(P)} GFLOP/s (best of any shape at any time)\n`);

    const labels: Record<keyof ForwardResult['timings'], string> = {
      none: 'no adapter (= one merged adapter)',
      same: 'adapter, one v repeated ×64',
      distinct: 'adapter, 64 distinct v',
    };
    const forwardRows: string[][] = [];
    for (const r of forwards) {
      for (const key of ['none', 'same', 'distinct'] as const) {
        const t = r.timings[key];
        const flops = totalFlops(r.flops, key !== 'none');
        forwardRows.push([r.name, labels[key], ms(t.best), ms(t.median), fixed(flops / t.best / 1e9), `${fixed((100 * flops) / t.best / 1e9 / P)}%`, fixed((BATCH * SEQ) / t.best, 0)]);
      }
    }
    table(['model', `forward ${BATCH}×${SEQ}`, 'best', 'median', 'GFLOP/s', '% of peak', 'tokens/s'], forwardRows);
    log('');
    table(['model', '64 distinct ÷ 1 repeated', '(medians)', 'adapter ÷ no adapter', '(medians)'], forwards.map((r) => [
      r.name,
      fixed(r.timings.distinct.best / r.timings.same.best, 3),
      fixed(r.timings.distinct.median / r.timings.same.median, 3),
      fixed(r.timings.distinct.best / r.timings.none.best, 3),
      fixed(r.timings.distinct.median / r.timings.none.median, 3),
    ]));
    if (forwardShare) log(`during the forwards: we used ${fixed(forwardShare.ours, 2)} CPUs, other jobs ${fixed(forwardShare.others, 2)} CPUs on average (steal ${fixed(forwardShare.stealPct, 2)}%)`);

    const prof = forwards.find((r) => r.profile)?.profile;
    if (prof?.adapter && prof.base) {
      const { adapter: pa, base: pb } = prof;
      log(`\nwhere the time goes — llama-d512, one profiled ORT run per graph (adapter: ${ms(pa.runSeconds)} run, ${ms(pa.nodeSeconds)} in kernels; `
        + `no adapter: ${ms(pb.runSeconds)} run, ${ms(pb.nodeSeconds)} in kernels). Op types after ORT's graph optimisation (fused ops under their fused name):`);
      const ops = [...new Set([...pa.byOp, ...pb.byOp].map((o) => o.op))];
      const cell = (p: ProfileSummary, op: string): [string, string, string] => {
        const o = p.byOp.find((x) => x.op === op);
        return o ? [String(o.nodes), ms(o.seconds), `${fixed((100 * o.seconds) / p.nodeSeconds)}%`] : ['', '', ''];
      };
      const opRows = ops
        .map((op) => ({ op, t: (pa.byOp.find((x) => x.op === op)?.seconds ?? 0) + (pb.byOp.find((x) => x.op === op)?.seconds ?? 0) }))
        .sort((a, b) => b.t - a.t)
        .slice(0, 16)
        .map(({ op }) => [op, ...cell(pa, op), ...cell(pb, op)]);
      table(['op type', 'adapter: nodes', 'time', '%', 'no adapter: nodes', 'time', '%'], opRows);
      log('');
      const blocks = [...new Set([...pa.byBlock, ...pb.byBlock].map((b) => b.block))];
      const bcell = (p: ProfileSummary, block: string): [string, string] => {
        const b = p.byBlock.find((x) => x.block === block);
        return b ? [ms(b.seconds), `${fixed((100 * b.seconds) / p.nodeSeconds)}%`] : ['', ''];
      };
      table(['block (by node name)', 'adapter: time', '%', 'no adapter: time', '%'], blocks.map((b) => [b, ...bcell(pa, b), ...bcell(pb, b)]));
    }

    // ── 4 ──
    section('4. The same forward in PyTorch (Debian python3-torch, OpenBLAS pthread, 2 threads), alternated with ours');
    const torchNote: string | undefined = SKIP_TORCH ? 'skipped (BENCH_ENGINE_SKIP_TORCH=1)' : ensureTorch();
    const paired: PairedResult[] = [];
    let torchError: string | undefined;
    if (!torchNote) {
      for (const [name, model] of [['llama-d512', d512], ['stories260K', stories]] as const) {
        try {
          paired.push(await pairedTorch(name, model.config, sessions.get(name)!, sessions.get(name)!.inputs, paired.length === 0, name === 'llama-d512' ? BUDGET.torchD512 : BUDGET.torchStories));
        } catch (err) {
          torchError = `${name}: ${err instanceof Error ? err.message : String(err)}`;
          log(`PyTorch ${torchError}`);
        }
      }
    } else log(`PyTorch: ${torchNote} → vs_pytorch_speed_ratio null`);
    const dBig = forwards.find((f) => f.name === 'llama-d512')!;
    const dSmall = forwards.find((f) => f.name === 'stories260K')!;
    if (paired.length) {
      const rows: string[][] = [];
      for (const p of paired) {
        const r = forwards.find((f) => f.name === p.name)!;
        for (const [label, key, withAdapter] of [['with adapter (64 distinct v)', 'adapter', true], ['no adapter', 'base', false]] as const) {
          const flops = totalFlops(r.flops, withAdapter);
          rows.push([p.name, label, ms(p.torch[key].best), ms(p.torch[key].median), fixed(flops / p.torch[key].best / 1e9), ms(p.ours[key].best), ms(p.ours[key].median), fixed(p.torch[key].best / p.ours[key].best, 2), fixed(p.torch[key].median / p.ours[key].median, 2)]);
        }
      }
      table(['model', 'forward', 'torch best', 'torch median', 'torch GFLOP/s', 'ours best', 'ours median', 'torch ÷ ours', '(medians)'], rows);
      for (const p of paired) {
        log(`${p.name}: torch ÷ ours per round (adapter forwards): ${p.roundRatios.map((x) => fixed(x, 2)).join(', ')} → median ${fixed(medianOf(p.roundRatios), 2)}; other jobs used ${p.others === undefined ? '?' : fixed(p.others, 2)} CPUs meanwhile`);
      }
      const info = paired[0]!.info;
      log(`torch ${info.torch_version}, ${info.threads} threads, BLAS: ${info.blas.openblas_config ?? info.blas.libraries.join(', ')} (core ${info.blas.openblas_core}, ${info.blas.openblas_threads} threads); `
        + 'attention is eager (QKᵀ, mask, softmax, ·V) as in the graph; times are torch\'s own perf_counter around the forward');
    }

    // ── 5 ──
    section('5. KV-cache decode (greedy; adapter graph with distinct v per row, and the base graph; 8-token prompts)');
    const decode: DecodeResult[] = [];
    const st = sessions.get('stories260K')!;
    const big = sessions.get('llama-d512')!;
    decode.push(...(await benchDecode('stories260K', st.adapted, st.base, stories.config, 1, 128, 3)));
    decode.push(...(await benchDecode('stories260K', st.adapted, st.base, stories.config, BATCH, 64, 2)));
    decode.push(...(await benchDecode('llama-d512', big.adapted, big.base, d512.config, 1, 64, 2)));
    decode.push(...(await benchDecode('llama-d512', big.adapted, big.base, d512.config, BATCH, 32, 1)));
    for (const s of decodeSessions.splice(0)) await s.release();
    table(['model', 'graph', 'batch', 'new tokens', 'wall', 'ms/step', 'tokens/s'], decode.map((d) => [d.model, d.graph === 'adapter' ? 'adapter, distinct v' : 'no adapter', String(d.batch), String(d.newTokens), ms(d.seconds), fixed(d.msPerStep, 2), fixed(d.tokensPerSecond, 0)]));

    // ── 6 ──
    section('6. truncatedSvd of a 4096×4096 random float32 matrix (libs/tinylora, one thread)');
    const svd = benchSvd();
    table(['rank', 'l', 'runs', 'best', 'median', 'top σ'], svd.map((x) => [String(x.rank), String(x.rank + SVD_DEFAULTS.oversample), String(x.runs), `${fixed(x.best, 2)} s`, `${fixed(x.median, 2)} s`, x.top.join(', ')]));

    // ── summary ──
    const share = cpuShare(cpu0, cpuSample());
    const load1 = loadavg();
    const gflops = (r: ForwardResult, key: 'none' | 'same' | 'distinct'): number => totalFlops(r.flops, key !== 'none') / r.timings[key].best / 1e9;
    const forwardPct = (100 * gflops(dBig, 'distinct')) / P;
    const multi = dBig.timings.distinct.best / dBig.timings.same.best;
    const pBig = paired.find((p) => p.name === 'llama-d512');
    const pSmall = paired.find((p) => p.name === 'stories260K');
    const vsTorch = pBig ? pBig.torch.adapter.best / pBig.ours.adapter.best : null;
    const decodeHeadline = decode.find((d) => d.model === 'llama-d512' && d.batch === BATCH && d.graph === 'adapter')!;
    const svd2 = svd.find((x) => x.rank === 2)!;

    section('Summary');
    const verdict = (ok: boolean): string => (ok ? 'meets target' : 'SHORT of target');
    table(['figure', 'value', 'target'], [
      ['ORT MatMul peak (2 threads)', `${fixed(P)} GFLOP/s`, ''],
      ['forward % of peak, d=512, 64 distinct adapters', `${fixed(forwardPct)}% (${fixed(gflops(dBig, 'distinct'))} GFLOP/s)`, `≥ 50%: ${verdict(forwardPct >= 50)}`],
      ['forward % of peak, stories260K, 64 distinct adapters', `${fixed((100 * gflops(dSmall, 'distinct')) / P)}% (${fixed(gflops(dSmall, 'distinct'))} GFLOP/s)`, ''],
      ['64 distinct adapters ÷ one adapter, d=512', `${fixed(multi, 3)}×`, `≤ 1.15×: ${verdict(multi <= 1.15)}`],
      ['adapter graph ÷ no adapter, d=512 (branch overhead)', `${fixed(dBig.timings.distinct.best / dBig.timings.none.best, 3)}×`, ''],
      ['vs PyTorch (torch time ÷ ours), d=512, with adapter', vsTorch === null ? `null (${torchNote ?? torchError ?? 'no result'})` : `${fixed(vsTorch, 2)}× (per-round median ${fixed(medianOf(pBig!.roundRatios), 2)}×)`, vsTorch === null ? '' : `≥ 1.0×: ${verdict(vsTorch >= 1)}`],
      ['decode tokens/s, d=512, batch 64, adapter', fixed(decodeHeadline.tokensPerSecond, 0), ''],
      ['truncatedSvd 4096², rank 2', `${fixed(svd2.best, 2)} s`, ''],
    ]);
    log(`noise: load average ${load0.map((l) => l.toFixed(2)).join(' ')} at start → ${load1.map((l) => l.toFixed(2)).join(' ')} at end; over the whole run other jobs used `
      + `${share ? fixed(share.others, 2) : '?'} of ${cpus().length} CPUs on average (we used ${share ? fixed(share.ours, 2) : '?'}; steal ${share ? fixed(share.stealPct, 2) : '?'}%). `
      + 'This machine is shared: every timing here is contended; re-run before trusting a difference of a few percent.');
    log(`total ${elapsed()}`);

    const json = {
      matmul_peak_gflops: round(P, 1),
      forward_pct_of_peak: round(forwardPct, 1),
      multi_adapter_cost_ratio: round(multi, 3),
      vs_pytorch_speed_ratio: vsTorch === null ? null : round(vsTorch, 2),
      decode_tokens_per_s: round(decodeHeadline.tokensPerSecond, 0),
      svd_4096_s: round(svd2.best, 2),
      details: {
        threads: THREADS,
        forward_shape: { batch: BATCH, seq: SEQ, logits_kept: 1 },
        adapter: { rank: RANK, u: U, groups: 1, modules: 'q,k,v,o,gate,up,down', layers: 'all' },
        d512_config: D512,
        matmul_gflops: Object.fromEntries(peak.shapes.map((x) => [`${x.M}x${x.K}x${x.N}${x.links > 1 ? `_chain${x.links}` : ''}`, round(peak.best(x), 1)])),
        forward_gflops: Object.fromEntries(forwards.map((r) => [r.name, { none: round(gflops(r, 'none'), 1), same: round(gflops(r, 'same'), 1), distinct: round(gflops(r, 'distinct'), 1) }])),
        forward_ms: Object.fromEntries(forwards.map((r) => [r.name, Object.fromEntries(Object.entries(r.timings).map(([k, t]) => [k, round(t.best * 1000, 1)]))])),
        stories260K_pct_of_peak: round((100 * gflops(dSmall, 'distinct')) / P, 1),
        adapter_vs_no_adapter_d512: round(dBig.timings.distinct.best / dBig.timings.none.best, 3),
        torch_ms_d512: pBig ? { adapter: round(pBig.torch.adapter.best * 1000, 1), base: round(pBig.torch.base.best * 1000, 1) } : null,
        ours_ms_d512_paired: pBig ? { adapter: round(pBig.ours.adapter.best * 1000, 1), base: round(pBig.ours.base.best * 1000, 1) } : null,
        vs_pytorch_round_median_d512: pBig ? round(medianOf(pBig.roundRatios), 2) : null,
        vs_pytorch_no_adapter_d512: pBig ? round(pBig.torch.base.best / pBig.ours.base.best, 2) : null,
        vs_pytorch_stories260K: pSmall ? round(pSmall.torch.adapter.best / pSmall.ours.adapter.best, 2) : null,
        torch_blas: pBig ? pBig.info.blas.openblas_config : null,
        decode_tokens_per_s: decode.map((d) => ({ model: d.model, graph: d.graph, batch: d.batch, tokens_per_s: round(d.tokensPerSecond, 0), ms_per_step: round(d.msPerStep, 2) })),
        svd_4096_rank16_s: round(svd.find((x) => x.rank === 16)!.best, 2),
        others_cpus_avg: share ? round(share.others, 2) : null,
        others_cpus_before_start: othersBefore === undefined ? null : round(othersBefore, 2),
        seconds: round((performance.now() - t0Bench) / 1000, 0),
      },
    };
    console.log(JSON.stringify(json));
  } finally {
    for (const s of decodeSessions) await s.release();
    await peak.release();
    if (KEEP) console.error(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
