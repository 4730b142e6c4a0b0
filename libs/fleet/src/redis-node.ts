import type { TrainerNodeInfo } from '@tinysweep/api-types';
import type { RegisteredNode } from './trainer-node.js';

// The Redis form of a node: its description as JSON in the nodes hash, its heartbeat time (Redis's
// clock) beside it in the heartbeats hash, so the JSON is stored as given and never rewritten in Lua.

/** Only the shape's fields are stored, whatever else the object carries. */
export function toRedisNode(n: TrainerNodeInfo): string {
  const stored: TrainerNodeInfo = {
    id: n.id,
    address: n.address,
    device: n.device,
    slots: n.slots,
    running: n.running,
    backends: n.backends,
    models: n.models,
    version: n.version,
    ...(n.gpus ? { gpus: n.gpus } : {}),
    ...(n.loadedModels ? { loadedModels: n.loadedModels } : {}),
  };
  return JSON.stringify(stored);
}

export function fromRedisNode(json: string, lastHeartbeatAt: number): RegisteredNode {
  return { ...(JSON.parse(json) as TrainerNodeInfo), lastHeartbeatAt };
}
