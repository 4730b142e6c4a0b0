/**
 * The built-in `tinylora` backend: trains a TinyLoRA adapter in this process with libs/engine
 * (ONNX Runtime forward passes, no autograd) and returns its metrics and adapter file.
 *
 *   backend: { kind: tinylora }
 *   model: { path: ../shared/data/models/stories260K/stories260K.bin }   # relative to the trainer's workdir
 *   task: { kind: regex, pattern: '\bTom\b', prompts: [...], maxNewTokens: 16 }
 *
 * One ModelCache per backend (so per node): loaded models, open sessions and SVD branches are kept
 * across trials, and a sweep's second trial on a node loads nothing. Trials run in this process, so
 * `slots` > 1 runs them concurrently on one ONNX Runtime thread pool per session.
 *
 * It also serves Generate (the board's Try it) from the same cache: a trial's prompts through the base
 * model and through its stored adapter, in one batch (libs/engine generateSideBySide).
 */
import { ENGINE_VERSION, generateSideBySide, ModelCache, trainTinyLora, TrialConfigError, type ModelCacheOptions } from '@tinysweep/engine';
import type { TrainResult } from '@tinysweep/proto';
import { AdapterFileError, parseAdapter, serializeAdapter, type AdapterFile } from '@tinysweep/tinylora';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { BackendRequest, EventSink, GenerateBackendRequest, GenerateBackendResult, TrainerBackend } from '../backend.js';
import { GenerateRequestError } from '../generate-request-error.js';
import { abortedResult } from '../train-abort.js';
import { FileHasher, filesNamedIn } from '../fingerprint.js';
import { parseTinyLoraParams } from './tinylora-params.js';

/** A field of generateSideBySide's request → the Generate request's: its `trial` is the params. */
function wireField(field: string): string {
  return field.startsWith('trial.') ? `params.${field.slice('trial.'.length)}` : field;
}

/** Options of {@link TinyLoraBackend}. */
export interface TinyLoraBackendOptions {
  /**
   * The node's device: `cpu`, or `cuda` / `cuda:N` for ONNX Runtime's CUDA execution provider (which
   * needs onnxruntime-node's CUDA binaries; pick the GPU with CUDA_VISIBLE_DEVICES, the provider uses
   * device 0 of what it sees).
   * @defaultValue 'cpu'
   */
  device?: string;
  /**
   * ONNX Runtime intra-op threads per session.
   * @defaultValue 0 (ONNX Runtime's choice: one per core)
   */
  threads?: number;
  /**
   * Rows per forward pass; a population × batch bigger than this is split.
   * @defaultValue 32
   */
  maxBatch?: number;
  /**
   * Where built ONNX graphs are cached on disk.
   * @defaultValue `$TINYSWEEP_CACHE_DIR`, else ~/.cache/tinysweep/graphs
   */
  graphCacheDir?: string;
  /**
   * Loaded models kept in memory.
   * @defaultValue 2
   */
  maxModels?: number;
  /**
   * Open sessions (one per adapter structure) kept.
   * @defaultValue 4
   */
  maxSessions?: number;
}

/** `cuda:1` → 'cuda'; throws on a device ONNX Runtime here cannot use. */
export function executionProviderFor(device: string): 'cpu' | 'cuda' {
  if (device === 'cpu') return 'cpu';
  if (/^cuda(:\d+)?$/.test(device)) return 'cuda';
  throw new Error(`device must be cpu, cuda or cuda:N for the tinylora backend (got "${device}")`);
}

export class TinyLoraBackend implements TrainerBackend {
  readonly name = 'tinylora';
  readonly models: ModelCache;
  private readonly files = new FileHasher();

  constructor(opts: TinyLoraBackendOptions = {}) {
    const o = { device: 'cpu', threads: 0, maxBatch: 32, ...opts };
    const cache: ModelCacheOptions = {
      maxModels: o.maxModels,
      maxSessions: o.maxSessions,
      session: { executionProvider: executionProviderFor(o.device), threads: o.threads, maxBatch: o.maxBatch, cacheDir: o.graphCacheDir },
    };
    this.models = new ModelCache(cache);
  }

  async run(req: BackendRequest, sink: EventSink, signal: AbortSignal): Promise<TrainResult> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const parsed = parseTinyLoraParams(req.params);
    if (!parsed.ok) return { ok: false, failure: 'FAILURE_BAD_REQUEST', error: parsed.error, seconds: seconds() };
    const trial = parsed.trial;
    const modelPath = isAbsolute(trial.model.path) ? trial.model.path : resolve(req.workdir, trial.model.path);
    if (!existsSync(modelPath)) {
      return { ok: false, failure: 'FAILURE_BAD_REQUEST', error: `params.model.path: ${modelPath} does not exist on trainer (workdir ${req.workdir})`, seconds: seconds() };
    }
    // evaluate: prune and evaluate a stored (shared) training instead of training
    let from: AdapterFile | undefined;
    if (req.mode === 'evaluate') {
      try {
        from = parseAdapter(req.adapterJson ?? '');
      } catch (err) {
        return { ok: false, failure: 'FAILURE_BAD_REQUEST', error: `adapter_json: ${(err as Error).message}`, seconds: seconds() };
      }
    }
    try {
      const result = await trainTinyLora(trial, {
        models: this.models,
        baseDir: req.workdir,
        signal,
        events: { progress: (step, metrics) => sink.progress(step, metrics), log: (line) => sink.log('engine', line) },
        from,
        evalAt: req.evalAt,
      });
      return {
        ok: true,
        metrics: result.metrics,
        trainableParams: result.trainableParams,
        effectiveParams: result.effectiveParams,
        adapterJson: serializeAdapter(result.adapter),
        seconds: seconds(),
        environmentJson: JSON.stringify(await this.fingerprint(req).catch(() => ({}))),
      };
    } catch (err) {
      if (signal.aborted) return abortedResult(signal.reason, { seconds: seconds() });
      if (err instanceof TrialConfigError) return { ok: false, failure: 'FAILURE_BAD_REQUEST', error: `params.${err.field}: ${err.problem}`, seconds: seconds() };
      const message = err instanceof Error ? err.message : String(err);
      sink.log('engine', `training failed: ${err instanceof Error && err.stack ? err.stack : message}`);
      return { ok: false, failure: 'FAILURE_EXIT', error: `tinylora training failed: ${message}`, seconds: seconds() };
    }
  }

  /**
   * Try it: the base model's and the adapter's greedy completions of the prompts, from this node's
   * model cache (a trial of the same structure left its session open, so a warm node loads nothing).
   */
  async generate(req: GenerateBackendRequest, signal: AbortSignal): Promise<GenerateBackendResult> {
    const parsed = parseTinyLoraParams(req.params);
    if (!parsed.ok) {
      const at = parsed.error.indexOf(': ');
      throw new GenerateRequestError('invalid-argument', parsed.error.slice(0, at), parsed.error.slice(at + 2));
    }
    const trial = parsed.trial;
    let adapter: AdapterFile;
    try {
      adapter = parseAdapter(req.adapterJson);
    } catch (err) {
      if (err instanceof AdapterFileError) throw new GenerateRequestError('invalid-argument', `adapter.${err.field}`, err.problem);
      throw err;
    }
    const modelPath = isAbsolute(trial.model.path) ? trial.model.path : resolve(req.workdir, trial.model.path);
    if (!existsSync(modelPath)) throw new GenerateRequestError('failed-precondition', 'params.model.path', `${modelPath} does not exist on this trainer (workdir ${req.workdir})`);
    try {
      const r = await generateSideBySide({ trial, adapter, prompts: req.prompts, maxNewTokens: req.maxNewTokens }, { models: this.models, baseDir: req.workdir, signal });
      return { completions: r.completions, maxNewTokens: r.maxNewTokens, generateSeconds: r.generateSeconds, modelCacheHit: r.modelHit, sessionCacheHit: r.sessionHit };
    } catch (err) {
      if (!(err instanceof TrialConfigError)) throw err;
      // Another node may hold the right model: a mismatch is this node's, not the request's.
      const refusal = err.field === 'adapter.baseModel.hash' || err.field === 'trial.model.path' ? 'failed-precondition' : 'invalid-argument';
      throw new GenerateRequestError(refusal, wireField(err.field), err.problem);
    }
  }

  /**
   * The engine version, the model's files and the data files the task names (result reuse keys on
   * them); a task that generates its data (arithmetic without heldOut) has data_hash 'none', its
   * config being in the trial's params already.
   */
  async fingerprint(req: BackendRequest): Promise<Record<string, string>> {
    const parsed = parseTinyLoraParams(req.params);
    if (!parsed.ok) throw new Error(parsed.error);
    const { model, task } = parsed.trial;
    const modelPath = isAbsolute(model.path) ? model.path : resolve(req.workdir, model.path);
    const modelHash = await this.files.hashPath(modelPath);
    if (modelHash === undefined) throw new Error(`params.model.path: ${modelPath} does not exist on trainer`);
    return { engine: `tinylora/${ENGINE_VERSION}`, model_hash: modelHash, data_hash: await this.files.hashAll(await filesNamedIn(task, req.workdir, 'task')) };
  }

  /** Frees every open session (at shutdown). */
  close(): Promise<void> {
    return this.models.close();
  }
}
