import { Redis } from 'ioredis';
import { ACQUIRE_KEYS_PER_NODE, defineFleetCommands, type FleetRedis } from './commands/index.js';
import { FleetKeys } from './fleet-keys.js';
import { fromRedisNode, toRedisNode } from './redis-node.js';
import type { LeaseWants, RegisteredNode, TrainerLease, TrainerNodeInfo, TrainerNodeStatus } from './trainer-node.js';

export interface TrainerFleetOptions {
  /**
   * A node that has not heartbeated for this long leaves the lease pool.
   * @defaultValue 10000
   */
  heartbeatTimeoutMs?: number;
  /**
   * A lease not renewed for this long is freed (its dispatcher died).
   * @defaultValue 30000
   */
  leaseTtlMs?: number;
  /**
   * Prefix of the fleet's Redis keys; keep a `{hash tag}` in it so they share a Redis Cluster slot.
   * @defaultValue '{tinysweep:fleet}:'
   */
  prefix?: string;
}

/** How long an "unreachable" mark lasts when no dispatcher clears it (a node gone for good). */
const UNREACHABLE_MARK_MS = 3_600_000;

/**
 * The pool of trainer nodes and their slots, kept in Redis: trainers join by heartbeat
 * (through the API), dispatchers lease slots. Everything here expires on its own, so a dead
 * node or a dead dispatcher frees its share without anyone cleaning up. Every expiry is judged by
 * Redis's clock (TIME in the scripts, TTLs), never a caller's: dispatchers with skewed clocks neither
 * steal live leases nor keep dead ones.
 */
export class TrainerFleet {
  readonly heartbeatTimeoutMs: number;
  readonly leaseTtlMs: number;
  private readonly keys: FleetKeys;
  private readonly redis: FleetRedis;

  constructor(redisUrl: string, opts: TrainerFleetOptions = {}) {
    const o = { heartbeatTimeoutMs: 10_000, leaseTtlMs: 30_000, prefix: '{tinysweep:fleet}:', ...opts };
    if (o.heartbeatTimeoutMs <= 0) throw new Error('heartbeatTimeoutMs must be greater than 0');
    if (o.leaseTtlMs <= 0) throw new Error('leaseTtlMs must be greater than 0');
    this.heartbeatTimeoutMs = o.heartbeatTimeoutMs;
    this.leaseTtlMs = o.leaseTtlMs;
    this.keys = new FleetKeys(o.prefix);
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined); // reconnects by itself; callers see failed commands
    this.redis = defineFleetCommands(redis);
  }

  /**
   * Records a heartbeat: (re)joins the pool. It does not clear an "unreachable" mark: a node the API
   * hears from may still be one no dispatcher can dial (a wrong advertised address, a certificate
   * from another CA) — only a dispatcher that dialled it can say it is back ({@link markReachable}).
   */
  async heartbeat(node: TrainerNodeInfo): Promise<void> {
    const k = this.keys;
    await this.redis.recordHeartbeat(k.nodes, k.heartbeats, k.alive(node.id), node.id, toRedisNode(node), String(this.heartbeatTimeoutMs));
  }

  /** A trainer shutting down cleanly leaves at once instead of timing out. */
  async leave(nodeId: string): Promise<void> {
    const k = this.keys;
    await this.redis.multi().hdel(k.nodes, nodeId).hdel(k.heartbeats, nodeId).del(k.alive(nodeId)).exec();
  }

  /**
   * A dispatcher could not reach the node, or will not use it (`why`, e.g. it speaks another trainer
   * protocol): it gets no leases until a dispatcher has dialled it successfully ({@link markReachable};
   * dispatchers probe marked nodes that still heartbeat). `why` is the node's `error` in {@link nodes}.
   * The mark expires after an hour, so a node that left for good leaves nothing behind.
   */
  async markUnreachable(nodeId: string, why?: string): Promise<void> {
    await this.redis.set(this.keys.unreachable(nodeId), why || '1', 'PX', UNREACHABLE_MARK_MS);
  }

  /** A dispatcher dialled the node and it answered: it takes leases again. */
  async markReachable(nodeId: string): Promise<void> {
    await this.redis.del(this.keys.unreachable(nodeId));
  }

  /** Nodes that heartbeat but are marked unreachable: what dispatchers probe. */
  async unreachableNodes(): Promise<RegisteredNode[]> {
    const { nodes } = await this.readNodes();
    const out: RegisteredNode[] = [];
    for (const n of nodes) {
      const [alive, unreachable] = await Promise.all([this.redis.exists(this.keys.alive(n.id)), this.redis.exists(this.keys.unreachable(n.id))]);
      if (alive === 1 && unreachable === 1) out.push(n);
    }
    return out;
  }

  async nodes(): Promise<TrainerNodeStatus[]> {
    const { nodes, now } = await this.readNodes();
    const out: TrainerNodeStatus[] = [];
    for (const n of nodes) {
      const [alive, mark, leases] = await Promise.all([
        this.redis.exists(this.keys.alive(n.id)),
        this.redis.get(this.keys.unreachable(n.id)),
        this.redis.zrangebyscore(this.keys.leases(n.id), now, '+inf'),
      ]);
      const error = mark && mark !== '1' ? { error: mark } : {};
      out.push({ ...n, busy: leases.length, leases, alive: alive === 1 && mark === null, heartbeatAgeMs: now - n.lastHeartbeatAt, ...error });
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Slots over all live nodes: what the dispatcher's concurrency follows. */
  async totalSlots(): Promise<number> {
    return (await this.nodes()).filter((n) => n.alive).reduce((s, n) => s + n.slots, 0);
  }

  /**
   * Takes a slot on a live node that has the backend, device class and runtime asked for: one holding
   * `model` in memory if any has a free slot, else the one with most free slots; null when all are busy.
   */
  async acquire(trialId: string, opts: LeaseWants & { avoidNodeId?: string } = {}): Promise<TrainerLease | null> {
    const ids = await this.redis.hkeys(this.keys.nodes);
    if (ids.length === 0) return null;
    const keys = [this.keys.nodes, ...ids.flatMap((id) => [this.keys.alive(id), this.keys.unreachable(id), this.keys.leases(id)])];
    const args = [trialId, String(this.leaseTtlMs), opts.backend ?? '', opts.avoidNodeId ?? '', opts.device ?? '', opts.runtime ?? '', opts.model ?? '', ...ids];
    const got = await this.redis.acquireLease(1 + ids.length * ACQUIRE_KEYS_PER_NODE, ...keys, ...args);
    return got ? { nodeId: got[0], address: got[1], trialId } : null;
  }

  /** Extends a held lease; false when it had expired (and may be taken by someone else). */
  async renew(lease: TrainerLease): Promise<boolean> {
    return (await this.redis.renewLease(this.keys.leases(lease.nodeId), lease.trialId, String(this.leaseTtlMs))) === 1;
  }

  async release(lease: TrainerLease): Promise<void> {
    await this.redis.zrem(this.keys.leases(lease.nodeId), lease.trialId);
  }

  /** Every registered node with its last heartbeat's time, and Redis's time now (ms). */
  private async readNodes(): Promise<{ nodes: RegisteredNode[]; now: number }> {
    const [all, beats, [sec, usec]] = await Promise.all([this.redis.hgetall(this.keys.nodes), this.redis.hgetall(this.keys.heartbeats), this.redis.time()]);
    const now = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
    const nodes = Object.entries(all).map(([id, json]) => fromRedisNode(json, Number(beats[id] ?? 0)));
    return { nodes, now };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
