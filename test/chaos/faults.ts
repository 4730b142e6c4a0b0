/**
 * The faults the chaos suite injects, each as "break it now" returning "mend it": processes killed
 * (SIGKILL) or restarted gracefully (SIGTERM), Redis killed with its data kept or wiped, Postgres
 * killed mid-write, a trainer's network cut both ways or one way, and a black-hole node (one the API
 * hears from but no dispatcher can dial). Mending retries until it works: an API or dispatcher
 * restarted while Postgres is down cannot start until it is back.
 */
import type { Rng } from '@tinysweep/spec';
import { NetHost } from '../support/net-host.js';
import type { ChaosCluster, ChaosTrainer } from './chaos-cluster.js';

export type FaultKind =
  | 'kill-dispatcher'
  | 'restart-dispatcher'
  | 'kill-trainer'
  | 'restart-trainer'
  | 'kill-api'
  | 'restart-api'
  | 'kill-redis'
  | 'wipe-redis'
  | 'kill-postgres'
  | 'partition'
  | 'partition-inbound'
  | 'partition-outbound'
  | 'black-hole-node';

/** A fault in place: what it hit, and how to mend it. */
export interface InjectedFault {
  kind: FaultKind;
  /** The component it holds (no second fault takes it meanwhile). */
  target: string;
  /** How long to leave it broken before mending, ms. */
  holdMs: number;
  mend: () => Promise<void>;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;
const between = (rng: Rng, lo: number, hi: number): number => lo + rng.int(hi - lo + 1);

/** The kinds this machine can inject (network faults need trainers on hosts of their own). */
export function faultKinds(c: ChaosCluster): FaultKind[] {
  const kinds: FaultKind[] = ['kill-dispatcher', 'restart-dispatcher', 'kill-trainer', 'restart-trainer', 'kill-api', 'restart-api', 'kill-redis', 'wipe-redis', 'kill-postgres', 'black-hole-node'];
  if (c.trainers.some((t) => t.host)) {
    kinds.push('partition');
    if (NetHost.canDropOneWay()) kinds.push('partition-inbound', 'partition-outbound');
  }
  return kinds;
}

/** Until `fn` works (an app cannot start while Postgres is down), for up to `ms`. */
async function persistently(what: string, fn: () => Promise<void>, ms = 180_000): Promise<void> {
  const until = Date.now() + ms;
  for (let pause = 500; ; pause = Math.min(2 * pause, 5000)) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() + pause > until) throw new Error(`could not ${what}: ${(err as Error).message}`, { cause: err });
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

/**
 * Injects one fault of `kind` on a component not in `busy`; undefined when every candidate is busy.
 */
export async function inject(c: ChaosCluster, kind: FaultKind, rng: Rng, busy: ReadonlySet<string>): Promise<InjectedFault | undefined> {
  const free = (names: string[]) => names.filter((n) => !busy.has(n));
  const process = async (names: string[], signal: 'SIGKILL' | 'SIGTERM'): Promise<InjectedFault | undefined> => {
    const candidates = free(names);
    if (candidates.length === 0) return undefined;
    const target = pick(rng, candidates);
    if (signal === 'SIGKILL') await c.group.kill(target, 'SIGKILL');
    else await c.group.stop(target);
    return { kind, target, holdMs: between(rng, 200, 2500), mend: () => persistently(`start ${target}`, () => c.respawn(target)) };
  };
  const network = (fn: (t: ChaosTrainer & { host: NetHost }) => void): InjectedFault | undefined => {
    const candidates = c.trainers.filter((t): t is ChaosTrainer & { host: NetHost } => t.host !== undefined && !busy.has(`net:${t.name}`));
    if (candidates.length === 0) return undefined;
    const t = pick(rng, candidates);
    fn(t);
    // Long enough, some of the time, for the heartbeat timeout and gRPC keepalives to notice.
    return { kind, target: `net:${t.name}`, holdMs: between(rng, 1000, 8000), mend: async () => t.host.heal() };
  };
  switch (kind) {
    case 'kill-dispatcher':
      return process(c.dispatcherNames, 'SIGKILL');
    case 'restart-dispatcher':
      return process(c.dispatcherNames, 'SIGTERM');
    case 'kill-trainer':
      return process(c.trainers.map((t) => t.name), 'SIGKILL');
    case 'restart-trainer':
      return process(c.trainers.map((t) => t.name), 'SIGTERM');
    case 'kill-api':
      return process(c.apiNames, 'SIGKILL');
    case 'restart-api':
      return process(c.apiNames, 'SIGTERM');
    case 'kill-redis':
    case 'wipe-redis': {
      if (busy.has('redis')) return undefined;
      const redis = c.stack.redis!;
      // Down for a moment, then back: with its append-only file (kill), or with nothing (wipe).
      const signal = 'SIGKILL' as const;
      redis.process?.signal(signal);
      await redis.process?.exited;
      return {
        kind,
        target: 'redis',
        holdMs: between(rng, 200, 2000),
        mend: () => persistently('restart Redis', () => redis.restart({ empty: kind === 'wipe-redis' })),
      };
    }
    case 'kill-postgres': {
      if (busy.has('postgres')) return undefined;
      const postgres = c.stack.postgres!;
      postgres.process?.signal('SIGKILL', 'group');
      await postgres.process?.exited;
      return { kind, target: 'postgres', holdMs: between(rng, 200, 3000), mend: () => persistently('restart Postgres', () => postgres.restart()) };
    }
    case 'partition':
      return network((t) => t.host.down());
    case 'partition-inbound':
      return network((t) => t.host.dropInbound());
    case 'partition-outbound':
      return network((t) => t.host.dropOutbound());
    case 'black-hole-node': {
      if (busy.has('black-hole')) return undefined;
      // Heartbeats reach the API; the address it advertises answers nobody (port 1 refuses).
      const node: ChaosTrainer = { name: 'black-hole', host: c.trainers.find((t) => t.host)?.host };
      await c.spawnTrainer(node, { advertise: `${node.host?.address ?? '127.0.0.1'}:1`, port: node.host ? 50052 : undefined });
      return { kind, target: 'black-hole', holdMs: between(rng, 3000, 10_000), mend: async () => void (await c.group.stop('black-hole')) };
    }
  }
}
