import type { TrainerNodeStatus } from '@tinysweep/fleet';

/** A live, idle trainer node as the fleet reports it (test fixture); `over` changes what a test is about. */
export const trainerNode = (id: string, over: Partial<TrainerNodeStatus> = {}): TrainerNodeStatus => ({
  id,
  address: `${id}:50051`,
  device: 'cpu',
  slots: 2,
  running: 0,
  backends: ['command', 'tinylora'],
  models: [],
  version: '0.1.0',
  lastHeartbeatAt: 0,
  busy: 0,
  alive: true,
  heartbeatAgeMs: 100,
  ...over,
});
