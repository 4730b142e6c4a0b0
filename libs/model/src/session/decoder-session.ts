/**
 * An ONNX Runtime session over a built decoder graph: one forward (with KV cache), batched greedy
 * generation and teacher-forced log-probabilities. Every row may carry its own adapter vector.
 */
import * as ort from 'onnxruntime-node';
import type { DecoderConfig } from '../config/decoder-config.js';
import type { AdapterGraph } from '../builder/adapter-graph.js';
import type { LoadedModel } from '../loaders/loaded-model.js';
import { argmax, chunks, leftPad, logSoftmaxAt, positionIdsFromMask, toInt64Matrix, type Int64Batch, type Int64Matrix } from './batching.js';
import { DECODER_SESSION_DEFAULTS, validateSessionOptions, type DecoderSessionOptions } from './decoder-session-options.js';
import { defaultGraphCacheDir, ensureGraph } from './graph-cache.js';
import type { KvCache } from './kv-cache.js';

export interface ForwardInput {
  /** [B,T] token ids; rows of unequal prompts must be padded (see attentionMask). */
  ids: Int64Batch;
  /** [B, past + T], 0 on padding. @defaultValue the past's mask followed by ones */
  attentionMask?: Int64Batch;
  /** [B,T]. @defaultValue real tokens counted from the mask (left padding starts rows at 0) */
  positionIds?: Int64Batch;
  /** The `present` of the previous forward on the same rows. */
  past?: KvCache;
  /** [B, groups, u], or [groups, u] shared by every row. @defaultValue zeros (the base model) */
  adapterV?: Float32Array;
  /** Only the last position's logits. @defaultValue false */
  lastOnly?: boolean;
  /** Logits for the last this-many positions (0 = all); overrides lastOnly. */
  logitsToKeep?: number;
}

export interface ForwardOutput {
  /** [B, K, vocab] row-major (K = T, 1 with lastOnly, or logitsToKeep). */
  logits: Float32Array;
  dims: [number, number, number];
  present: KvCache;
}

export interface GreedyOptions {
  maxNewTokens: number;
  /** [rows, groups, u] or [groups, u] for all rows. */
  adapterV?: Float32Array;
  /**
   * A row stops at the first of these; the stop token is not returned.
   * @defaultValue the tokenizer's EOS ids
   */
  stopIds?: number[];
}

export class DecoderSession {
  /** Rows per forward in greedy() and logprobs(). */
  readonly maxBatch: number;
  /** [rows, cols] of the adapter input, when the graph has one. */
  readonly adapterShape: { rows: number; cols: number } | undefined;
  /** The adapter's graph input, as its AdapterGraph names it. */
  private readonly adapterInputName: string | undefined;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly config: DecoderConfig,
    private readonly eosIds: number[],
    /** The .onnx file the session runs. */
    readonly graphPath: string,
    /** True when create() found the graph in the cache and built nothing. */
    readonly cacheHit: boolean,
    maxBatch: number,
    adapter: AdapterGraph | undefined,
  ) {
    this.maxBatch = maxBatch;
    this.adapterShape = adapter && { rows: adapter.input.rows, cols: adapter.input.cols };
    this.adapterInputName = adapter?.input.name;
  }

  /** Builds the graph (or finds it in the cache) and opens an ONNX Runtime session on it. */
  static async create(model: LoadedModel, options: DecoderSessionOptions = {}): Promise<DecoderSession> {
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as DecoderSessionOptions; // { cacheDir: undefined } keeps the default
    const opts = { ...DECODER_SESSION_DEFAULTS, cacheDir: defaultGraphCacheDir(), ...given };
    validateSessionOptions(opts);
    // also on a cache hit: the plan shapes the inputs
    opts.adapter?.validate(model.config);
    const { path, cacheHit } = ensureGraph(model, opts, opts.cacheDir);
    const session = await ort.InferenceSession.create(path, {
      executionProviders: [opts.executionProvider],
      graphOptimizationLevel: 'all',
      ...(opts.threads > 0 ? { intraOpNumThreads: opts.threads } : {}),
    });
    return new DecoderSession(session, model.config, model.tokenizer.eosIds, path, cacheHit, opts.maxBatch, opts.adapter);
  }

  /** One forward over ids [B,T] continuing `past`; returns logits and the grown cache. */
  async forward(input: ForwardInput): Promise<ForwardOutput> {
    const { nLayers, nKvHeads, headDim, vocabSize } = this.config;
    const ids = toInt64Matrix(input.ids);
    const [batch, newTokens] = ids.dims;
    const past = input.past;
    if (past && past.batch !== batch) throw new Error(`past has ${past.batch} rows, ids have ${batch}`);
    const pastLength = past?.length ?? 0;
    const total = pastLength + newTokens;

    const mask = input.attentionMask ? toInt64Matrix(input.attentionMask) : defaultMask(past, batch, newTokens);
    if (mask.dims[0] !== batch || mask.dims[1] !== total) throw new Error(`attentionMask must be [${batch}, ${total}] (past ${pastLength} + ${newTokens}), got [${mask.dims.join(', ')}]`);
    const positions = input.positionIds ? toInt64Matrix(input.positionIds) : { data: positionIdsFromMask(mask.data, batch, newTokens), dims: [batch, newTokens] as [number, number] };
    const keep = input.logitsToKeep ?? (input.lastOnly ? 1 : 0);
    for (const p of positions.data) {
      if (p < 0n || p >= BigInt(this.config.maxSeqLen)) throw new Error(`position ${p} is outside [0, maxSeqLen = ${this.config.maxSeqLen})`);
    }

    const feeds: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', ids.data, ids.dims),
      attention_mask: new ort.Tensor('int64', mask.data, mask.dims),
      position_ids: new ort.Tensor('int64', positions.data, positions.dims),
      logits_to_keep: new ort.Tensor('int64', BigInt64Array.of(BigInt(keep)), [1]),
    };
    const empty = new ort.Tensor('float32', new Float32Array(0), [batch, nKvHeads, 0, headDim]);
    for (let layer = 0; layer < nLayers; layer++) {
      feeds[`past_key_values.${layer}.key`] = past?.keys[layer] ?? empty;
      feeds[`past_key_values.${layer}.value`] = past?.values[layer] ?? empty;
    }
    if (this.adapterShape && this.adapterInputName) feeds[this.adapterInputName] = this.adapterTensor(input.adapterV, batch);
    else if (input.adapterV) throw new Error('adapterV given, but the session was created without an adapter plan');

    const out = await this.session.run(feeds);
    const logits = out.logits!;
    const present: KvCache = {
      batch,
      length: total,
      mask: mask.data,
      keys: Array.from({ length: nLayers }, (_, layer) => out[`present.${layer}.key`]!),
      values: Array.from({ length: nLayers }, (_, layer) => out[`present.${layer}.value`]!),
    };
    return { logits: logits.data as Float32Array, dims: [batch, logits.dims[1]!, vocabSize], present };
  }

  /**
   * Batched greedy decoding with a KV cache: prompts of any lengths are left-padded into one batch
   * (rows of at most maxBatch), each row stops at its first stop id. Returns the new tokens per row.
   */
  async greedy(prompts: number[][], opts: GreedyOptions): Promise<number[][]> {
    const stop = new Set(opts.stopIds ?? this.eosIds);
    const results: number[][] = [];
    for (const [start, end] of chunks(prompts.length, this.maxBatch)) {
      const adapterV = this.adapterRows(opts.adapterV, prompts.length, start, end);
      results.push(...(await this.greedyBatch(prompts.slice(start, end), opts.maxNewTokens, stop, adapterV)));
    }
    return results;
  }

  private async greedyBatch(prompts: number[][], maxNewTokens: number, stop: Set<number>, adapterV: Float32Array | undefined): Promise<number[][]> {
    if (prompts.some((p) => p.length === 0)) throw new Error('greedy: every prompt needs at least one token (e.g. BOS)');
    const generated = prompts.map((): number[] => []);
    if (maxNewTokens <= 0) return generated;
    const done = prompts.map(() => false);
    const { ids, mask } = leftPad(prompts);
    let step = await this.forward({ ids, attentionMask: mask, adapterV, lastOnly: true });
    for (;;) {
      const next = prompts.map((_, row) => argmax(step.logits, row * this.config.vocabSize, this.config.vocabSize));
      next.forEach((id, row) => {
        if (done[row]) return;
        if (stop.has(id)) done[row] = true;
        else generated[row]!.push(id);
      });
      if (done.every(Boolean) || generated.every((g, row) => done[row] || g.length >= maxNewTokens)) break;
      // finished rows keep decoding (their tokens are ignored) so the batch stays rectangular
      step = await this.forward({ ids: next.map((id) => [id]), past: step.present, adapterV, lastOnly: true });
    }
    return generated;
  }

  /**
   * Σ log p(continuation | context) per row, teacher-forced in one forward per maxBatch rows
   * (contexts must be non-empty: the first continuation token is predicted from the context's last).
   */
  async logprobs(contexts: number[][], continuations: number[][], adapterV?: Float32Array): Promise<number[]> {
    if (contexts.length !== continuations.length) throw new Error(`${contexts.length} contexts but ${continuations.length} continuations`);
    const sums: number[] = [];
    for (const [start, end] of chunks(contexts.length, this.maxBatch)) {
      const rowsV = this.adapterRows(adapterV, contexts.length, start, end);
      sums.push(...(await this.logprobsBatch(contexts.slice(start, end), continuations.slice(start, end), rowsV)));
    }
    return sums;
  }

  private async logprobsBatch(contexts: number[][], continuations: number[][], adapterV: Float32Array | undefined): Promise<number[]> {
    if (contexts.some((c) => c.length === 0)) throw new Error('logprobs: every context needs at least one token (e.g. BOS)');
    const { ids, mask } = leftPad(contexts.map((c, row) => [...c, ...continuations[row]!]));
    const length = ids.dims[1];
    // continuation token j of a row of c tokens sits in slot length−c+j and is predicted by the slot before
    const keep = Math.min(length, Math.max(...continuations.map((c) => c.length)) + 1);
    const { logits } = await this.forward({ ids, attentionMask: mask, adapterV, logitsToKeep: keep });
    const V = this.config.vocabSize;
    return continuations.map((cont, row) =>
      cont.reduce((sum, token, j) => sum + logSoftmaxAt(logits, (row * keep + keep - cont.length - 1 + j) * V, V, token), 0),
    );
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  /** The adapter input for `batch` rows: [B,G,u] as given, [G,u] repeated per row, or zeros (G, u = rows, cols). */
  private adapterTensor(adapterV: Float32Array | undefined, batch: number): ort.Tensor {
    const { rows: groups, cols: u } = this.adapterShape!;
    const perRow = groups * u;
    let data: Float32Array;
    if (!adapterV) data = new Float32Array(batch * perRow);
    else if (adapterV.length === batch * perRow) data = adapterV;
    else if (adapterV.length === perRow) {
      data = new Float32Array(batch * perRow);
      for (let b = 0; b < batch; b++) data.set(adapterV, b * perRow);
    } else throw new Error(`adapterV has ${adapterV.length} values; expected [${batch}, ${groups}, ${u}] or [${groups}, ${u}]`);
    return new ort.Tensor('float32', data, [batch, groups, u]);
  }

  /** The slice of a per-row adapterV for rows [start, end); a shared [G,u] passes through. */
  private adapterRows(adapterV: Float32Array | undefined, rows: number, start: number, end: number): Float32Array | undefined {
    if (!adapterV || !this.adapterShape) return adapterV;
    const { rows: groups, cols: u } = this.adapterShape;
    const perRow = groups * u;
    if (adapterV.length === perRow) return adapterV;
    if (adapterV.length !== rows * perRow) throw new Error(`adapterV has ${adapterV.length} values; expected [${rows}, ${groups}, ${u}] or [groups, u]`);
    return adapterV.subarray(start * perRow, end * perRow);
  }
}

/** The past's mask followed by ones for the new tokens. */
function defaultMask(past: KvCache | undefined, batch: number, newTokens: number): Int64Matrix {
  const pastLength = past?.length ?? 0;
  const total = pastLength + newTokens;
  const data = new BigInt64Array(batch * total).fill(1n);
  if (past) for (let b = 0; b < batch; b++) data.set(past.mask.subarray(b * pastLength, (b + 1) * pastLength), b * total);
  return { data, dims: [batch, total] };
}
