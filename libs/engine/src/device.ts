/**
 * Where a policy's forward passes run: a *device* opens a *session* for a base model with one adapter
 * structure (its frozen branches), and the session runs batched calls with one adapter row per batch
 * row. Two devices exist: ONNX Runtime in this process ({@link OnnxDevice}, libs/model's
 * DecoderSession) and a PyTorch worker process (libs/torch's TorchDevice). Everything above this seam
 * — loops, tasks, scoring, pruning, adapter files — is the same TypeScript on both.
 *
 *   const device = new OnnxDevice({ executionProvider: 'cpu', maxBatch: 32 });
 *   const session = await device.open(model, plan);
 *   await session.greedy(prompts, { maxNewTokens: 24, adapterV });   // [P·B, groups, u] rows
 *   await session.release();
 */
import type { SessionAdapter } from '@tinysweep/adapters';
import { DecoderSession, type DecoderSessionOptions, type LoadedModel } from '@tinysweep/model';
import type { GenerateOptions, GradientRequest, GradientResult, SampleOptions } from './policy.js';

/** One model + adapter structure, open on a device. */
export interface DeviceSession {
  /** Greedy continuations (the stop id that ended a row is not returned). */
  greedy(prompts: number[][], opts: GenerateOptions): Promise<number[][]>;
  /** Σ log p(continuation | context) per row under its adapter row. */
  logprobs(contexts: number[][], continuations: number[][], adapterV?: Float32Array): Promise<number[]>;
  /** Seeded temperature sampling; only a device that can (torch). */
  sample?(prompts: number[][], opts: SampleOptions): Promise<number[][]>;
  /** Autograd with respect to v; only a device that can (torch). */
  gradient?(req: GradientRequest): Promise<GradientResult>;
  release(): Promise<void>;
}

/** A place to run sessions. */
export interface PolicyDevice {
  /** `onnxruntime:cpu`, `torch:cuda:0`, …: keys the sessions a ModelCache keeps, shown in logs and fingerprints. */
  readonly name: string;
  /** True when its sessions have `sample` and `gradient` (GRPO, SFT by autograd). */
  readonly gradients: boolean;
  /**
   * Why this device cannot run `adapter` (a method it has no branch for), or
   * undefined when it can. Absent: it runs every adapter.
   */
  refuses?(adapter: SessionAdapter): string | undefined;
  /** `plan`: the method's graph and its device forms (see {@link refuses}). */
  open(model: LoadedModel, plan: SessionAdapter): Promise<DeviceSession>;
  /** Frees what the device holds (a worker process, sessions still open keep working until released). */
  close(): Promise<void>;
}

/** Session settings of an {@link OnnxDevice}. */
export type OnnxDeviceOptions = Pick<DecoderSessionOptions, 'cacheDir' | 'executionProvider' | 'threads' | 'maxBatch'>;

/** ONNX Runtime in this process: a DecoderSession per (model, structure). Forward passes only. */
export class OnnxDevice implements PolicyDevice {
  readonly name: string;
  readonly gradients = false;

  constructor(readonly options: OnnxDeviceOptions = {}) {
    this.name = `onnxruntime:${options.executionProvider ?? 'cpu'}`;
  }

  open(model: LoadedModel, plan: SessionAdapter): Promise<DeviceSession> {
    return DecoderSession.create(model, { ...this.options, adapter: plan });
  }

  async close(): Promise<void> {}
}
