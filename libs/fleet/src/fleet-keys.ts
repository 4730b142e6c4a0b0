/** Redis key layout of the trainer fleet; one place so the Lua scripts and TS agree. */
export class FleetKeys {
  constructor(readonly prefix = 'tinysweep:fleet:') {}
  /** HASH node id → TrainerNode JSON */
  get nodes(): string {
    return `${this.prefix}nodes`;
  }
  /** STRING with a TTL = heartbeat timeout; its absence means the node left the pool. */
  alive(id: string): string {
    return `${this.prefix}alive:${id}`;
  }
  /** STRING with a TTL: a dispatcher could not reach the node ('1') or will not use it (why); no leases until a dispatcher reached it. */
  unreachable(id: string): string {
    return `${this.prefix}unreachable:${id}`;
  }
  /** ZSET trial id → lease expiry (ms). */
  leases(id: string): string {
    return `${this.prefix}leases:${id}`;
  }
}
