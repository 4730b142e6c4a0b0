/** One GPU of a node, as nvidia-smi names it. */
export interface GpuInfo {
  index: number;
  name: string;
  /** Total memory, MiB. */
  memoryMiB: number;
}

/** A trainer process as the control plane sees it (what it said in its last heartbeat). */
export interface TrainerNode {
  id: string;
  /** host:port the dispatcher dials. */
  address: string;
  /** "cpu", "cuda:0", ... */
  device: string;
  /** Trainings it runs at once. */
  slots: number;
  /** Trainings in flight, as the trainer reported. */
  running: number;
  backends: string[];
  models: string[];
  version: string;
  /** The GPUs its slots run on, on a GPU node. */
  gpus?: GpuInfo[];
  /** Model paths (as trials name them) it holds in memory now: leases prefer a node holding the trial's. */
  loadedModels?: string[];
  /** ms since epoch of the last heartbeat. */
  lastHeartbeatAt: number;
}

/** A node with the control plane's view of it added. */
export interface TrainerNodeStatus extends TrainerNode {
  /** Slots leased by dispatchers right now. */
  busy: number;
  /** Heartbeat within the timeout and not marked unreachable. */
  alive: boolean;
  heartbeatAgeMs: number;
}

/** A slot on a trainer, held by one trial attempt until released or expired. */
export interface TrainerLease {
  nodeId: string;
  address: string;
  trialId: string;
}
