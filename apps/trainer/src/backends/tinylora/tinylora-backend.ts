/**
 * The built-in `tinylora` backend: trains a TinyLoRA adapter with libs/engine and returns its metrics
 * and adapter file. Forward passes run on the node's device: ONNX Runtime in this process (`cpu`,
 * `cuda`), or a PyTorch worker process per slot (`torch`, `torch:cuda`, one GPU per slot with --gpus).
 *
 *   backend: { kind: tinylora }
 *   model: { path: ../shared/data/models/stories260K/stories260K.bin }   # relative to the trainer's workdir
 *   task: { kind: regex, pattern: '\bTom\b', prompts: [...], maxNewTokens: 16 }
 *
 * One ModelCache per backend (so per node): loaded models, open sessions and SVD branches are kept
 * across trials, and a sweep's second trial on a node loads nothing. On ONNX Runtime, `slots` > 1 runs
 * trials concurrently on one thread pool per session; on torch each running trial takes a free slot's
 * worker (its own GPU), and a worker that dies fails only the trial it was running (the next call
 * starts a fresh one).
 *
 * It also serves Generate (the board's Try it) from the same cache: a trial's prompts through the base
 * model and through its stored adapter, in one batch (libs/engine generateSideBySide).
 */
import { ENGINE_VERSION, generateSideBySide, ModelCache, parseAnyAdapter, serializeAnyAdapter, trainTinyLora, TrialConfigError, type AnyAdapterFile, type ModelCacheOptions, type PolicyDevice, type TrainCheckpoint } from '@tinysweep/engine';
import { parseTinyLoraTrial, tinyLoraTrialOf } from '@tinysweep/trial';
import type { TrainResult } from '@tinysweep/proto';
import { AdapterFileError } from '@tinysweep/tinylora';
import { TorchDevice, type TorchDtype, type TorchWorkerInfo } from '@tinysweep/torch';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { BackendRequest, EventSink, GenerateBackendRequest, GenerateBackendResult, TrainerBackend } from '../backend.js';
import { GenerateRequestError } from '../generate-request-error.js';
import { abortedResult } from '../train-abort.js';
import { FileHasher, filesNamedIn } from '../fingerprint.js';
import { parseDevice, slotTorchDevices, type DeviceSpec } from './device-spec.js';

/** A field of generateSideBySide's request → the Generate request's: its `trial` is the params. */
function wireField(field: string): string {
  return field.startsWith('trial.') ? `params.${field.slice('trial.'.length)}` : field;
}

/** Options of {@link TinyLoraBackend}. */
export interface TinyLoraBackendOptions {
  /**
   * The node's device: `cpu`, or `cuda` / `cuda:N` for ONNX Runtime's CUDA execution provider (which
   * needs onnxruntime-node's CUDA binaries; pick the GPU with CUDA_VISIBLE_DEVICES, the provider uses
   * device 0 of what it sees); `torch` / `torch:cpu` / `torch:cuda` / `torch:cuda:N` for a PyTorch
   * worker process per slot (see device-spec.ts).
   * @defaultValue 'cpu'
   */
  device?: string;
  /**
   * torch: workers, one per slot (the trainer's `--slots`).
   * @defaultValue 1, or gpus.length
   */
  slots?: number;
  /** torch:cuda: slot i's worker runs on GPU gpus[i] (`--gpus`). */
  gpus?: number[];
  /**
   * torch: the weights' dtype (`--dtype`); float32 gives the ONNX Runtime device's numbers.
   * @defaultValue 'float32'
   */
  dtype?: TorchDtype;
  /**
   * torch: the Python that has torch (`--python`).
   * @defaultValue `$TINYSWEEP_PYTHON`, else `python3`
   */
  python?: string;
  /** torch: each line a worker writes on stderr, with its slot. */
  onWorkerStderr?: (slot: number, line: string) => void;
  /**
   * Intra-op threads per ONNX Runtime session, or per torch worker.
   * @defaultValue 0 (the runtime's choice)
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

export class TinyLoraBackend implements TrainerBackend {
  readonly name = 'tinylora';
  readonly models: ModelCache;
  readonly deviceSpec: DeviceSpec;
  /** torch: one device (worker) per slot; empty on ONNX Runtime (the cache's device serves every trial). */
  readonly slotDevices: TorchDevice[];
  private readonly idle: TorchDevice[];
  private readonly files = new FileHasher();
  private readonly engine: string;
  private nextShared = 0;
  /** Model paths as trials named them → the path the cache holds them under. */
  private readonly modelPaths = new Map<string, string>();

  constructor(opts: TinyLoraBackendOptions = {}) {
    const o = { device: 'cpu', threads: 0, maxBatch: 32, dtype: 'float32' as TorchDtype, ...opts };
    const spec = parseDevice(o.device);
    this.deviceSpec = spec;
    const slots = o.slots ?? (o.gpus?.length || 1);
    this.slotDevices =
      spec.runtime === 'torch'
        ? slotTorchDevices(spec, slots, o.gpus).map(
            (device, slot) =>
              new TorchDevice({ device, dtype: o.dtype, python: o.python, threads: o.threads, maxBatch: o.maxBatch, maxModels: o.maxModels, onStderr: (line) => o.onWorkerStderr?.(slot, line) }),
          )
        : [];
    this.idle = [...this.slotDevices];
    const cache: ModelCacheOptions = {
      maxModels: o.maxModels,
      maxSessions: o.maxSessions,
      session: spec.runtime === 'onnxruntime' ? { executionProvider: spec.executionProvider, threads: o.threads, maxBatch: o.maxBatch, cacheDir: o.graphCacheDir } : undefined,
      device: this.slotDevices[0],
    };
    this.models = new ModelCache(cache);
    // Result reuse keys on the engine: a torch result in another dtype is another computation.
    this.engine = `tinylora/${ENGINE_VERSION}${spec.runtime === 'torch' ? `+torch${o.dtype === 'float32' ? '' : `-${o.dtype}`}` : ''}`;
  }

  /** torch: starts every slot's worker and reports what it runs on (fails when torch or the GPU is missing). */
  describeDevices(): Promise<TorchWorkerInfo[]> {
    return Promise.all(this.slotDevices.map((d) => d.hello()));
  }

  /** Model paths, as trials name them, whose model this node holds in memory (heartbeats report them). */
  loadedModels(): string[] {
    const held = new Set(this.models.modelPaths());
    return [...this.modelPaths].filter(([, resolved]) => held.has(resolved)).map(([raw]) => raw);
  }

  /** A free slot's device for one run (torch), or undefined (ONNX Runtime: the cache's device). */
  private takeDevice(): TorchDevice | undefined {
    return this.idle.shift() ?? (this.slotDevices.length > 0 ? this.slotDevices[this.nextShared++ % this.slotDevices.length] : undefined);
  }

  private returnDevice(device: TorchDevice | undefined): void {
    if (device && !this.idle.includes(device)) this.idle.push(device);
  }

  async run(req: BackendRequest, sink: EventSink, signal: AbortSignal): Promise<TrainResult> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const trial = tinyLoraTrialOf(req.trial);
    if (!trial) return { ok: false, failure: 'FAILURE_BAD_REQUEST', error: `backend: the tinylora backend got a ${req.trial.backend} run`, seconds: seconds() };
    const modelPath = isAbsolute(trial.model.path) ? trial.model.path : resolve(req.workdir, trial.model.path);
    if (!existsSync(modelPath)) {
      return { ok: false, failure: 'FAILURE_BAD_REQUEST', error: `params.model.path: ${modelPath} does not exist on trainer (workdir ${req.workdir})`, seconds: seconds() };
    }
    this.modelPaths.set(trial.model.path, modelPath);
    // evaluate: prune and evaluate a stored (shared) training instead of training
    let from: AnyAdapterFile | undefined;
    if (req.mode === 'evaluate') {
      try {
        from = parseAnyAdapter(req.adapterJson ?? '');
      } catch (err) {
        return { ok: false, failure: 'FAILURE_BAD_REQUEST', error: `adapter_json: ${(err as Error).message}`, seconds: seconds() };
      }
    }
    let resume: TrainCheckpoint | undefined;
    if (req.resumeJson && !from) {
      try {
        resume = JSON.parse(req.resumeJson) as TrainCheckpoint; // trainTinyLora checks it, and starts over if it cannot use it
      } catch (err) {
        sink.log('engine', `checkpoint not used (resume_json is not JSON: ${(err as Error).message}): training from the start`);
      }
    }
    const device = this.takeDevice();
    try {
      const result = await trainTinyLora(trial, {
        models: this.models,
        device,
        baseDir: req.workdir,
        signal,
        events: {
          progress: (step, metrics) => sink.progress(step, metrics),
          log: (line) => sink.log('engine', line),
          checkpoint: (c) => sink.checkpoint(c.step, JSON.stringify(c)),
        },
        from,
        evalAt: req.evalAt,
        resume,
        checkpointEvery: req.checkpointEvery,
      });
      return {
        ok: true,
        metrics: result.metrics,
        trainableParams: result.trainableParams,
        effectiveParams: result.effectiveParams,
        adapterJson: serializeAnyAdapter(result.adapter),
        seconds: seconds(),
        environmentJson: JSON.stringify(await this.fingerprint(req).catch(() => ({}))),
      };
    } catch (err) {
      if (signal.aborted) return abortedResult(signal.reason, { seconds: seconds() });
      if (err instanceof TrialConfigError) return { ok: false, failure: 'FAILURE_BAD_REQUEST', error: `params.${err.field}: ${err.problem}`, seconds: seconds() };
      const message = err instanceof Error ? err.message : String(err);
      sink.log('engine', `training failed: ${err instanceof Error && err.stack ? err.stack : message}`);
      return { ok: false, failure: 'FAILURE_EXIT', error: `tinylora training failed: ${message}`, seconds: seconds() };
    } finally {
      this.returnDevice(device);
    }
  }

  /**
   * Try it: the base model's and the adapter's greedy completions of the prompts, from this node's
   * model cache (a trial of the same structure left its session open, so a warm node loads nothing).
   */
  async generate(req: GenerateBackendRequest, signal: AbortSignal): Promise<GenerateBackendResult> {
    const parsed = parseTinyLoraTrial(req.params); // Generate's edge: its params are checked here, once
    if (!parsed.ok) {
      const at = parsed.error.indexOf(': ');
      throw new GenerateRequestError('invalid-argument', parsed.error.slice(0, at), parsed.error.slice(at + 2));
    }
    const trial = parsed.trial;
    let adapter: AnyAdapterFile;
    try {
      adapter = parseAnyAdapter(req.adapterJson);
    } catch (err) {
      if (err instanceof AdapterFileError) throw new GenerateRequestError('invalid-argument', `adapter.${err.field}`, err.problem);
      throw err;
    }
    const modelPath = isAbsolute(trial.model.path) ? trial.model.path : resolve(req.workdir, trial.model.path);
    if (!existsSync(modelPath)) throw new GenerateRequestError('failed-precondition', 'params.model.path', `${modelPath} does not exist on this trainer (workdir ${req.workdir})`);
    // an idle slot's worker if there is one, else a busy one's (its requests queue behind the trial's)
    const device: PolicyDevice | undefined = this.idle[0] ?? this.slotDevices[0];
    try {
      const r = await generateSideBySide({ trial, adapter, prompts: req.prompts, maxNewTokens: req.maxNewTokens }, { models: this.models, device, baseDir: req.workdir, signal });
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
    const trial = tinyLoraTrialOf(req.trial);
    if (!trial) throw new Error(`backend: the tinylora backend got a ${req.trial.backend} run`);
    const { model, task } = trial;
    const modelPath = isAbsolute(model.path) ? model.path : resolve(req.workdir, model.path);
    const modelHash = await this.files.hashPath(modelPath);
    if (modelHash === undefined) throw new Error(`params.model.path: ${modelPath} does not exist on trainer`);
    return { engine: this.engine, model_hash: modelHash, data_hash: await this.files.hashAll(await filesNamedIn(task, req.workdir, 'task')) };
  }

  /** Frees every open session and stops the torch workers (at shutdown). */
  async close(): Promise<void> {
    await this.models.close();
    await Promise.all(this.slotDevices.map((d) => d.close()));
  }
}
