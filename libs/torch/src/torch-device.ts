/**
 * The torch device: libs/engine's PolicyDevice over one PyTorch worker process (one per trainer slot,
 * pinned to its GPU). Base weights are loaded into the worker once per model and shared by every
 * adapter structure and batch row; an adapter structure is its frozen branches (SVD factors and
 * projections computed by libs/tinylora on this host, exactly as for ONNX Runtime, and shipped to the
 * worker), so an adapter means the same on both devices.
 *
 *   const device = new TorchDevice({ device: 'cuda:0', dtype: 'bfloat16', maxBatch: 512 });
 *   const models = new ModelCache({ device });
 *   await trainTinyLora(trial, { models });       // every forward pass runs in the worker
 *
 * The worker is restarted on the next call after it dies; what it held (models, adapters) is loaded
 * again then. A call it refuses because it lacks a model or adapter (`missing_*`) is retried once after
 * loading it.
 */
import type { AdapterPlan, DeviceSession, GenerateOptions, GradientRequest, GradientResult, LoraForm, PolicyDevice, SampleOptions, SessionAdapter } from '@tinysweep/engine';
import type { LoadedModel } from '@tinysweep/model';
import type { Frame, FrameTensor } from './frames.js';
import { TorchWorkerError } from './errors/torch-worker-error.js';
import { TorchWorker, type TorchWorkerOptions } from './torch-worker.js';

/** Options of {@link TorchDevice}. */
export interface TorchDeviceOptions extends TorchWorkerOptions {
  /**
   * Rows per forward pass (a population × batch larger than this is split in the worker).
   * @defaultValue 32
   */
  maxBatch?: number;
  /**
   * Base models the worker keeps (each is its weights on the device).
   * @defaultValue 2
   */
  maxModels?: number;
}

/** What the worker says about itself (`hello`). */
export interface TorchWorkerInfo {
  torch: string;
  device: string;
  dtype: string;
  threads: number;
  pid: number;
  /** The GPU's name, on CUDA. */
  name?: string;
  memory: { allocated?: number; peak?: number; total?: number };
}

export class TorchDevice implements PolicyDevice {
  readonly name: string;
  readonly gradients = true;
  readonly worker: TorchWorker;
  readonly maxBatch: number;
  readonly maxModels: number;
  /** What the running worker holds: models by hash (last use), adapters by plan key. */
  private held = { models: new Map<string, number>(), adapters: new Set<string>() };
  private openSessions = new Map<string, number>();
  private serial: Promise<unknown> = Promise.resolve();
  private uses = 0;

  constructor(opts: TorchDeviceOptions = {}) {
    const { maxBatch = 32, maxModels = 2, ...workerOptions } = opts;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`maxBatch must be a positive integer (got ${maxBatch})`);
    if (!Number.isInteger(maxModels) || maxModels < 1) throw new Error(`maxModels must be a positive integer (got ${maxModels})`);
    this.worker = new TorchWorker(workerOptions);
    this.maxBatch = maxBatch;
    this.maxModels = maxModels;
    this.name = `torch:${this.worker.options.device}${this.worker.options.dtype === 'float32' ? '' : `/${this.worker.options.dtype}`}`;
  }

  /** Starts the worker if needed and reports torch's version and the device (fails fast without torch). */
  async hello(): Promise<TorchWorkerInfo> {
    const { header } = await this.exclusive(() => this.worker.request({ op: 'hello' }));
    return header as unknown as TorchWorkerInfo;
  }

  /**
   * The worker has two branches, TinyLoRA's and LoRA's per-row A·B: another method runs here when it
   * can be written as one of them (TinyLoRA's plan, LoRA-XS as TinyLoRA: SessionAdapter.tinyLoraForm / loraForm).
   */
  refuses(adapter: SessionAdapter): string | undefined {
    if (adapter.tinyLoraForm || adapter.loraForm) return undefined;
    return `the torch device has no branch for ${adapter.method} adapters; run it on a trainer with --device cpu (ONNX Runtime)`;
  }

  /** Loads the model and the adapter structure into the worker (now, so a bad one fails here). */
  async open(model: LoadedModel, adapter: SessionAdapter): Promise<TorchSession> {
    const why = this.refuses(adapter);
    if (why) throw new Error(`adapter.method: ${why}`);
    const plan = workerPlan(adapter);
    await this.exclusive(() => this.ensure(model, plan));
    this.openSessions.set(plan.key, (this.openSessions.get(plan.key) ?? 0) + 1);
    return new TorchSession(this, model, plan);
  }

  /** One request on `model` (and `plan`'s adapter), loading what the worker lacks. */
  call(model: LoadedModel, plan: WorkerPlan | undefined, header: { op: string } & Record<string, unknown>, tensors: FrameTensor[]): Promise<Frame> {
    return this.exclusive(async () => {
      for (let attempt = 0; ; attempt++) {
        await this.ensure(model, plan);
        try {
          return await this.worker.request({ ...header, model_id: model.hash, adapter_id: plan?.key ?? null, max_batch: this.maxBatch }, tensors);
        } catch (err) {
          const missing = err instanceof TorchWorkerError && (err.code === 'missing_model' || err.code === 'missing_adapter');
          if (!missing || attempt > 0) throw err;
          this.forget();
        }
      }
    });
  }

  /** A session is done with its adapter structure: the worker frees it when no session holds it. */
  async releaseSession(plan: WorkerPlan): Promise<void> {
    const left = (this.openSessions.get(plan.key) ?? 1) - 1;
    if (left > 0) {
      this.openSessions.set(plan.key, left);
      return;
    }
    this.openSessions.delete(plan.key);
    await this.exclusive(async () => {
      if (!this.held.adapters.delete(plan.key) || this.worker.pid === undefined) return;
      await this.worker.request({ op: 'drop', adapter_id: plan.key });
    }).catch(() => undefined); // a dead worker holds nothing
  }

  async close(): Promise<void> {
    await this.worker.close();
  }

  /** Runs `fn` with no other device call in between (load-then-call must not interleave). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serial.then(fn);
    this.serial = run.catch(() => undefined);
    return run;
  }

  private forget(): void {
    this.held.models.clear();
    this.held.adapters.clear();
  }

  private async ensure(model: LoadedModel, plan: WorkerPlan | undefined): Promise<void> {
    if (this.worker.pid === undefined) this.forget(); // not running: the next request starts a fresh worker
    if (!this.held.models.has(model.hash)) {
      await this.evictModels();
      await this.worker.request({ op: 'load_model', model_id: model.hash, path: model.source, config: model.config });
    }
    this.held.models.set(model.hash, ++this.uses);
    if (plan?.lora && !this.held.adapters.has(plan.key)) {
      const { rank, scale, sites } = plan.lora;
      await this.worker.request({ op: 'load_adapter', kind: 'lora', adapter_id: plan.key, model_id: model.hash, rank, u: plan.u, groups: 1, scale, sites });
      this.held.adapters.add(plan.key);
    }
    if (plan && !this.held.adapters.has(plan.key)) {
      const tensors: FrameTensor[] = [];
      plan.sites.forEach((site, i) => {
        tensors.push({ name: `down_${i}`, data: site.down, shape: [site.down.length / plan.rank, plan.rank] });
        tensors.push({ name: `up_${i}`, data: site.up, shape: [plan.rank, site.up.length / plan.rank] });
        tensors.push({ name: `P_${i}`, data: site.P, shape: [plan.u, plan.rank, plan.rank] });
      });
      const sites = plan.sites.map((s) => ({ layer: s.layer, module: s.module, group: s.group }));
      await this.worker.request({ op: 'load_adapter', adapter_id: plan.key, model_id: model.hash, rank: plan.rank, u: plan.u, groups: plan.groups, sites }, tensors);
      this.held.adapters.add(plan.key);
    }
  }

  /** Frees the least recently used models until one more fits under maxModels. */
  private async evictModels(): Promise<void> {
    while (this.held.models.size >= this.maxModels) {
      const [oldest] = [...this.held.models.entries()].sort((a, b) => a[1] - b[1])[0]!;
      this.held.models.delete(oldest);
      for (const key of [...this.held.adapters]) if (key.startsWith(`${oldest};`)) this.held.adapters.delete(key);
      await this.worker.request({ op: 'drop', model_id: oldest });
    }
  }
}

/** Rows of ids as one int32 tensor plus their lengths. */
function ragged(prefix: string, rows: readonly number[][]): FrameTensor[] {
  const lengths = Int32Array.from(rows, (r) => r.length);
  const ids = new Int32Array(lengths.reduce((s, n) => s + n, 0));
  let offset = 0;
  for (const row of rows) {
    ids.set(row, offset);
    offset += row.length;
  }
  return [
    { name: `${prefix}ids`, data: ids, shape: [ids.length] },
    { name: `${prefix}lengths`, data: lengths, shape: [lengths.length] },
  ];
}

function unragged(frame: Frame, prefix = ''): number[][] {
  const ids = frame.tensors.get(`${prefix}ids`)!.data;
  const lengths = frame.tensors.get(`${prefix}lengths`)!.data;
  const out: number[][] = [];
  let offset = 0;
  for (const n of lengths) {
    out.push(Array.from(ids.subarray(offset, offset + n)));
    offset += n;
  }
  return out;
}

/**
 * What the worker loads: TinyLoRA's plan (LoRA-XS's written as one), or LoRA's form (no frozen
 * tensors; its trainable row is [groups 1, u = dim]).
 */
type WorkerPlan = AdapterPlan & { lora?: LoraForm };

function workerPlan(adapter: SessionAdapter): WorkerPlan {
  if (adapter.tinyLoraForm) return adapter.tinyLoraForm();
  const lora = adapter.loraForm!();
  return { rank: lora.rank, u: adapter.input.rows * adapter.input.cols, groups: 1, sites: [], key: adapter.key, lora };
}

function adapterTensor(v: Float32Array | undefined): FrameTensor[] {
  return v ? [{ name: 'v', data: v, shape: [v.length] }] : [];
}

/** One model + adapter structure open in a torch worker. */
export class TorchSession implements DeviceSession {
  private released = false;

  constructor(
    private readonly device: TorchDevice,
    private readonly model: LoadedModel,
    private readonly plan: WorkerPlan,
  ) {}

  async greedy(prompts: number[][], opts: GenerateOptions): Promise<number[][]> {
    return this.generate(prompts, opts, {});
  }

  async sample(prompts: number[][], opts: SampleOptions): Promise<number[][]> {
    if (!(opts.temperature > 0)) throw new Error(`temperature must be greater than 0 (got ${opts.temperature})`);
    if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 0xffffffff) throw new Error(`seed must be an integer in [0, 2^32) (got ${opts.seed})`);
    return this.generate(prompts, opts, { temperature: opts.temperature, seed: opts.seed, keep_stop: true });
  }

  async logprobs(contexts: number[][], continuations: number[][], adapterV?: Float32Array): Promise<number[]> {
    if (contexts.length !== continuations.length) throw new Error(`${contexts.length} contexts but ${continuations.length} continuations`);
    if (contexts.length === 0) return [];
    const frame = await this.device.call(this.model, this.plan, { op: 'logprobs' }, [...ragged('context_', contexts), ...ragged('continuation_', continuations), ...adapterTensor(adapterV)]);
    return Array.from(frame.tensors.get('logprobs')!.data);
  }

  /** Logits [rows, L, vocab] of left-padded rows in one forward (L = the longest row): for comparing devices. */
  async logits(rows: number[][], adapterV?: Float32Array): Promise<{ logits: Float32Array; dims: [number, number, number] }> {
    const frame = await this.device.call(this.model, this.plan, { op: 'logits' }, [...ragged('', rows), ...adapterTensor(adapterV)]);
    const t = frame.tensors.get('logits')!;
    return { logits: t.data as Float32Array, dims: t.shape as [number, number, number] };
  }

  async gradient(req: GradientRequest): Promise<GradientResult> {
    const rows = req.contexts.length;
    if (req.continuations.length !== rows || req.weights.length !== rows || (req.klWeights && req.klWeights.length !== rows)) {
      throw new Error(`gradient: contexts, continuations, weights and klWeights must have one entry per row (${rows})`);
    }
    if (req.v.length !== this.plan.groups * this.plan.u) throw new Error(`gradient: v has ${req.v.length} values, the adapter ${this.plan.groups * this.plan.u}`);
    const frame = await this.device.call(this.model, this.plan, { op: 'gradient' }, [
      ...ragged('context_', req.contexts),
      ...ragged('continuation_', req.continuations),
      { name: 'weights', data: Float64Array.from(req.weights), shape: [rows] },
      { name: 'kl_weights', data: Float64Array.from(req.klWeights ?? req.weights.map(() => 0)), shape: [rows] },
      { name: 'v', data: req.v, shape: [req.v.length] },
    ]);
    return {
      grad: Float32Array.from(frame.tensors.get('grad')!.data),
      logprobs: Array.from(frame.tensors.get('logprobs')!.data),
      kl: Array.from(frame.tensors.get('kl')!.data),
    };
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.device.releaseSession(this.plan);
  }

  private async generate(prompts: number[][], opts: GenerateOptions, extra: Record<string, unknown>): Promise<number[][]> {
    if (prompts.length === 0) return [];
    if (prompts.some((p) => p.length === 0)) throw new Error('every prompt needs at least one token (e.g. BOS)');
    if (opts.maxNewTokens <= 0) return prompts.map(() => []);
    const stopIds = opts.stopIds ?? this.model.tokenizer.eosIds;
    const frame = await this.device.call(
      this.model,
      this.plan,
      { op: 'generate', max_new_tokens: opts.maxNewTokens, stop_ids: stopIds, ...extra },
      [...ragged('', prompts), ...adapterTensor(opts.adapterV)],
    );
    return unragged(frame);
  }
}
