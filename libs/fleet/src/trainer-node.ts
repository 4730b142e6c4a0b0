import type { TrainerNode, TrainerNodeInfo, TrainerNodeState } from '@tinysweep/api-types';

export type { GpuInfo, TrainerNodeInfo } from '@tinysweep/api-types';

/** A node in the fleet's registry: what it said in its last heartbeat, and when (Redis's clock). */
export type RegisteredNode = TrainerNodeInfo & Pick<TrainerNodeState, 'lastHeartbeatAt'>;

/** A node with the fleet's view of it added: `GET /nodes` items before their leases are described. */
export type TrainerNodeStatus = Omit<TrainerNode, 'work'> & {
  /** What holds the busy slots: trial ids, or `train-<training id>` for a shared training. */
  leases: string[];
};

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
