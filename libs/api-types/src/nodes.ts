/** One GPU of a node, as nvidia-smi names it. */
export interface GpuInfo {
  index: number;
  name: string;
  /** Total memory, MiB. */
  memoryMiB: number;
}

/**
 * A trainer node as it describes itself: the one node shape. A heartbeat (`POST /nodes/heartbeat`)
 * sends exactly this; every other form is derived from it, one mapper each: Describe's NodeInfo
 * (apps/trainer node-info.ts), the fleet's Redis record and its zod check at the API's edge
 * (libs/fleet trainer-node.ts), the database row (libs/db NodeRecord) and `GET /nodes` items below.
 */
export interface TrainerNodeInfo {
  id: string;
  /** host:port the dispatcher dials. */
  address: string;
  /** "cpu", "cuda:0" (ONNX Runtime), "torch", "torch:cuda", ... */
  device: string;
  /** Trainings it runs at once. */
  slots: number;
  /** Trainings in flight, as the trainer reported. */
  running: number;
  backends: string[];
  /** Model paths or names it can serve. */
  models: string[];
  version: string;
  /** The GPUs its slots run on (one slot per GPU with --gpus), on a GPU node. */
  gpus?: GpuInfo[];
  /** Model paths (as trials name them) it holds in memory now: leases prefer a node holding the trial's. */
  loadedModels?: string[];
}

/** What the control plane knows of a node beyond what it said. */
export interface TrainerNodeState {
  /** ms since epoch (Redis's clock) of the last heartbeat (a number, not an ISO string). */
  lastHeartbeatAt: number;
  heartbeatAgeMs: number;
  /** Heartbeat within the timeout and not marked unreachable. */
  alive: boolean;
  /** Slots leased by dispatchers right now. */
  busy: number;
  /** Why dispatchers will not use it, when one said: e.g. it speaks another trainer protocol (naming both). */
  error?: string;
}

/** `GET /nodes` items: a trainer as its last heartbeat described it, with the control plane's view added. */
export interface TrainerNode extends TrainerNodeInfo, TrainerNodeState {
  /** What the busy slots are doing (a lease the control plane cannot place is left out). */
  work: TrainerWork[];
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
