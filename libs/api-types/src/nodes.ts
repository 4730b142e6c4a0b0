/** `GET /nodes` items: a trainer as its last heartbeat described it, with the control plane's view added. */
export interface TrainerNode {
  id: string;
  /** host:port the dispatcher dials. */
  address: string;
  /** "cpu", "cuda:0" (ONNX Runtime), "torch", "torch:cuda", ... */
  device: string;
  /** The GPUs its slots run on (one slot per GPU with --gpus). */
  gpus?: { index: number; name: string; memoryMiB: number }[];
  /** Model paths it holds in memory now. */
  loadedModels?: string[];
  /** Trainings it runs at once. */
  slots: number;
  /** Trainings in flight, as the trainer reported. */
  running: number;
  /** Slots leased by dispatchers right now. */
  busy: number;
  /** What those slots are doing (a lease the control plane cannot place is left out). */
  work: TrainerWork[];
  backends: string[];
  models: string[];
  version: string;
  /** ms since epoch of the last heartbeat (a number, not an ISO string). */
  lastHeartbeatAt: number;
  heartbeatAgeMs: number;
  /** Heartbeat within the timeout and not marked unreachable. */
  alive: boolean;
  /** Why dispatchers will not use it, when one said: e.g. it speaks another trainer protocol (naming both). */
  error?: string;
}

/**
 * What one trainer slot is doing: `training` a shared training (trials that differ only in prune,
 * trained once), `evaluation` one of its trials pruning and evaluating the trained adapter, `trial`
 * a trial training on its own.
 */
export interface TrainerWork {
  kind: 'training' | 'evaluation' | 'trial';
  /** The trial's id, or the shared training's. */
  id: string;
  sweepId: string;
  sweepName: string;
  /** Trials it serves (a training's waiting trials; else 1). */
  trials: number;
  /** The latest learning-curve step stored, if any. */
  step: number | null;
  startedAt: string | null;
}
