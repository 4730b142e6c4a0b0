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
  /** What holds those slots: trial ids, or `train-<training id>` for a shared training. */
  leases: string[];
  /** Heartbeat within the timeout and not marked unreachable. */
  alive: boolean;
  heartbeatAgeMs: number;
  /** Why dispatchers will not use it, when one said (e.g. it speaks another trainer protocol). */
  error?: string;
}

/** What a trial asks of the slot it leases. */
export interface LeaseWants {
  /** Backend name the node must serve. */
  backend?: string;
  /** Device class of the node's slots (see {@link deviceClassOf}). */
  device?: DeviceClass;
  /** Runtime of the node's tinylora device (see {@link runtimeOf}). */
  runtime?: Runtime;
  /** Prefer a node that holds this model path in memory (its heartbeat's loadedModels). */
  model?: string;
}

export type DeviceClass = 'cpu' | 'cuda';
export type Runtime = 'torch' | 'onnxruntime';

/** `cuda`, `cuda:1`, `torch:cuda` → 'cuda'; `cpu`, `torch` → 'cpu' (the lease script reads it the same way). */
export function deviceClassOf(device: string): DeviceClass {
  return device.includes('cuda') ? 'cuda' : 'cpu';
}

/** `torch…` → 'torch'; anything else is ONNX Runtime in the trainer process. */
export function runtimeOf(device: string): Runtime {
  return device.startsWith('torch') ? 'torch' : 'onnxruntime';
}

/** A slot on a trainer, held by one trial attempt until released or expired. */
export interface TrainerLease {
  nodeId: string;
  address: string;
  trialId: string;
}
