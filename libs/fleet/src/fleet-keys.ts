/**
 * Redis key layout of the trainer fleet; one place so the Lua scripts and TS agree. Every key starts
 * with the prefix, whose `{hash tag}` puts all of one fleet's keys in one Redis Cluster slot (a script
 * may only touch keys of one slot).
 */
export class FleetKeys {
  constructor(readonly prefix = '{tinysweep:fleet}:') {}
  /** HASH node id → node JSON (what the node said in its last heartbeat). */
  get nodes(): string {
    return `${this.prefix}nodes`;
  }
  /** HASH node id → ms (Redis's time) of its last heartbeat. */
  get heartbeats(): string {
    return `${this.prefix}heartbeats`;
  }
  /** STRING with a TTL = heartbeat timeout; its absence means the node left the pool. */
  alive(id: string): string {
    return `${this.prefix}alive:${id}`;
  }
  /** STRING with a TTL: a dispatcher could not reach the node ('1') or will not use it (why); no leases until a dispatcher reached it. */
  unreachable(id: string): string {
    return `${this.prefix}unreachable:${id}`;
  }
  /** ZSET trial id → lease expiry (ms of Redis's time). */
  leases(id: string): string {
    return `${this.prefix}leases:${id}`;
  }
}
