import type { TrainResult } from '@tinysweep/proto';
import type { TrialRun } from '@tinysweep/trial';

/** One run, as a backend sees it: a Train or Evaluate request (or a Fingerprint's) with its JSON fields parsed. */
export interface BackendRequest {
  /** The trial whose attempt this is; '' for a shared training (see trainingId). */
  trialId: string;
  /** A shared training's id (Train with training_id: trials that differ only in prune, trained once); absent for a trial. */
  trainingId?: string;
  sweepId: string;
  attempt: number;
  /** The trial's parameters (params_json), seed included; nested objects kept as they are. */
  params: Record<string, unknown>;
  /** The same params checked against the trial contract for this backend, once, at the server's edge (a tinylora trial typed). */
  trial: TrialRun;
  /** The spec's backend section (backend_json); each backend validates its own shape. */
  spec: Record<string, unknown>;
  /** The trial timeout, 0 = none. Informational: the server enforces it by aborting the signal. */
  timeoutMs: number;
  /** Directory relative paths (a program's cwd, model paths) resolve against. */
  workdir: string;
  /**
   * The directories this trial may read: the workdir and the trainer's data roots, symlinks resolved
   * (the server has checked the params' model and data paths against them already).
   * @defaultValue [workdir]
   */
  roots?: readonly string[];
  /**
   * Which call: `train` (Train, the default); `evaluate` (Evaluate): prune `adapterJson` at the
   * trial's params.prune and evaluate it, no training (backends that cannot refuse it as a bad request).
   */
  mode?: 'train' | 'evaluate';
  /** `evaluate`: the stored adapter file to start from (EvaluateRequest.adapter_json). */
  adapterJson?: string;
  /** Steps at which to report held-out metrics too (TrainRequest.eval_at: an ASHA sweep's rungs); backends that evaluate on demand honour it. */
  evalAt?: number[];
  /** A checkpoint an earlier attempt of this trial sent (TrainRequest.resume_json): continue from it. Backends that checkpoint honour it. */
  resumeJson?: string;
  /** Checkpoint every this many steps as well as at `evalAt` steps and the end of training (TrainRequest.checkpoint_every); 0: only those. */
  checkpointEvery?: number;
}

/** Where a backend writes events while it runs; the server turns them into TrainEvents. */
export interface EventSink {
  /** A metrics snapshot at `step`. */
  progress(step: number, metrics: Record<string, number>): void;
  /** A line of output. `stream` is "stdout" | "stderr" | "engine". */
  log(stream: string, line: string): void;
  /**
   * The run's state after `step`, as JSON a later attempt's `resumeJson` continues from. Send it after
   * that step's progress. The server may end the run right after (a pause: TrainRequest.stop_at).
   */
  checkpoint(step: number, stateJson: string): void;
}

/** One Generate call (Try it), as a backend sees it: checked against GENERATE_LIMITS, JSON parsed. */
export interface GenerateBackendRequest {
  /** The trial's parameters (params_json). */
  params: Record<string, unknown>;
  /** The trial's adapter file, as stored (adapter_json); each backend validates its own format. */
  adapterJson: string;
  prompts: string[];
  /** Tokens per completion; undefined: the trial's own setting. */
  maxNewTokens: number | undefined;
  /** Directory relative paths (model paths) resolve against. */
  workdir: string;
}

/** What a backend's generate resolves with; the server adds node id and total time. */
export interface GenerateBackendResult {
  completions: { prompt: string; base: string; adapted: string }[];
  maxNewTokens: number;
  generateSeconds: number;
  modelCacheHit: boolean;
  sessionCacheHit: boolean;
}

/**
 * A way of running a training. `run` resolves with the TrainResult (success or failure, never
 * throws for an expected failure such as a bad request or a non-zero exit). When `signal` aborts,
 * the backend stops everything it started and resolves with the failure that
 * `abortedResult(signal.reason)` (train-abort.ts) describes.
 */
export interface TrainerBackend {
  /** Lowercase name a request's `backend` field selects, e.g. "command". */
  readonly name: string;
  run(req: BackendRequest, sink: EventSink, signal: AbortSignal): Promise<TrainResult>;
  /**
   * Greedy completions of the base model and of a trial's adapter, side by side (Try it). Only
   * backends whose adapters the trainer can run offer it (tinylora); a request it cannot serve
   * throws a GenerateRequestError (generate-request-error.ts) naming the field.
   */
  generate?(req: GenerateBackendRequest, signal: AbortSignal): Promise<GenerateBackendResult>;
  /**
   * What the trial would read, as hashes (`engine`, `model_hash`, `data_hash`, `code_hash`; see
   * fingerprint.ts): result reuse keys on it. Cheap (file hashes are cached); runs nothing.
   */
  fingerprint?(req: BackendRequest): Promise<Record<string, string>>;
}

const NAME_RE = /^[a-z][a-z0-9-]*$/;

/** Backends by name. Registration fails loudly on a bad or reused name, lookup on an unknown one. */
export class BackendRegistry {
  private readonly backends = new Map<string, TrainerBackend>();
  private readonly refusals = new Map<string, string>();

  /** Marks a backend this node knows but will not run (the command backend without allowed programs), with why. */
  refuse(name: string, why: string): void {
    this.refusals.set(name, why);
  }

  /** Why `name` is refused here, if it is. */
  refusal(name: string): string | undefined {
    return this.backends.has(name) ? undefined : this.refusals.get(name);
  }

  register(backend: TrainerBackend): void {
    if (!NAME_RE.test(backend.name)) {
      throw new Error(`backend name must be lowercase letters, digits and dashes: "${backend.name}"`);
    }
    if (this.backends.has(backend.name)) {
      throw new Error(`backend "${backend.name}" is already registered`);
    }
    this.backends.set(backend.name, backend);
  }

  has(name: string): boolean {
    return this.backends.has(name);
  }

  get(name: string): TrainerBackend {
    const backend = this.backends.get(name);
    if (!backend) {
      throw new Error(this.refusal(name) ?? `unknown backend "${name}" (registered: ${this.names().join(', ') || 'none'})`);
    }
    return backend;
  }

  names(): string[] {
    return [...this.backends.keys()].sort();
  }
}

/** The process-wide registry; backends/index.ts registers the built-in backends into it. */
export const defaultBackendRegistry = new BackendRegistry();

/** Registers a backend in the process-wide registry; throws on a duplicate name. */
export function registerBackend(backend: TrainerBackend): void {
  defaultBackendRegistry.register(backend);
}

/** Looks a backend up in the process-wide registry; throws on an unknown name. */
export function getBackend(name: string): TrainerBackend {
  return defaultBackendRegistry.get(name);
}
