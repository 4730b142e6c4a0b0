import type { Redis } from 'ioredis';
import { ACQUIRE_LEASE } from './acquire-lease.js';
import { RECORD_HEARTBEAT } from './record-heartbeat-3.js';
import { RENEW_LEASE } from './renew-lease-1.js';

export { ACQUIRE_KEYS_PER_NODE } from './acquire-lease.js';

/**
 * The fleet's Lua scripts as ioredis commands. Every key a script touches is passed in KEYS[]
 * (documented in its header), so they run under Redis Cluster with the prefix's hash tag.
 */
export type FleetRedis = Redis & {
  /** numkeys first: the key count depends on the node count. */
  acquireLease(numKeys: number, ...keysAndArgs: string[]): Promise<[string, string] | null>;
  renewLease(leasesKey: string, trialId: string, ttlMs: string): Promise<number>;
  recordHeartbeat(nodesKey: string, heartbeatsKey: string, aliveKey: string, nodeId: string, json: string, timeoutMs: string): Promise<number>;
};

export function defineFleetCommands(redis: Redis): FleetRedis {
  redis.defineCommand('acquireLease', { lua: ACQUIRE_LEASE });
  redis.defineCommand('renewLease', { numberOfKeys: 1, lua: RENEW_LEASE });
  redis.defineCommand('recordHeartbeat', { numberOfKeys: 3, lua: RECORD_HEARTBEAT });
  return redis as FleetRedis;
}
