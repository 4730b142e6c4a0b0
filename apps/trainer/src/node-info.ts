import type { TrainerNodeInfo } from '@tinysweep/api-types';
import { TRAINER_PROTOCOL, type NodeInfo } from '@tinysweep/proto';
import { TRIAL_CONTRACT } from '@tinysweep/trial';

/**
 * The wire form of a node (Describe's NodeInfo): its one shape in proto names. GPUs and loaded models
 * travel only in the heartbeat; Describe only tells a dispatcher it dialled the node it meant to.
 * Required<>: a field added to NodeInfo fails the build until it is mapped here. `protocol` is this
 * build's trainer protocol (libs/proto protocol.ts) and `contract` the trial contract it reads
 * (libs/trial), both of which dispatchers check before leasing.
 */
export function toNodeInfo(n: TrainerNodeInfo): Required<NodeInfo> {
  return { nodeId: n.id, address: n.address, device: n.device, slots: n.slots, running: n.running, backends: n.backends, models: n.models, version: n.version, protocol: TRAINER_PROTOCOL, contract: TRIAL_CONTRACT };
}
