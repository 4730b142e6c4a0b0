import type { LeaseWants, TrainerFleet, TrainerLease } from '@tinysweep/fleet';
import type { SweepSpec } from '@tinysweep/spec';
import type { Logger } from 'pino';

const LEASE_POLL_MS = 100;

/**
 * What a trial of `spec` with `params` asks of its slot: the backend, the spec's `resources`
 * (grpo implies the torch runtime: only it has gradients), and its model, which a node that holds it
 * in memory serves first.
 */
export function leaseWants(spec: SweepSpec, params: unknown): LeaseWants {
  const model = (params as { model?: { path?: unknown } } | null)?.model?.path;
  const runtime = spec.resources?.runtime ?? (spec.optimizer?.kind === 'grpo' ? 'torch' : undefined);
  return {
    backend: spec.backend.kind,
    ...(spec.resources?.device ? { device: spec.resources.device } : {}),
    ...(runtime ? { runtime } : {}),
    ...(typeof model === 'string' ? { model } : {}),
  };
}

/**
 * Polls the fleet for a free slot that has what the trial wants until one is leased (or the signal
 * aborts: null). A lease `accept` turns down (a trainer of another protocol: TrainerProtocols) goes
 * back at once; `accept` takes the node out of the pool, so the next ask finds another.
 */
export async function waitForLease(
  fleet: TrainerFleet,
  key: string,
  wants: LeaseWants,
  signal: AbortSignal,
  log: Logger,
  accept?: (lease: TrainerLease) => Promise<boolean>,
): Promise<TrainerLease | null> {
  let waited = 0;
  for (;;) {
    if (signal.aborted) return null;
    const lease = await fleet.acquire(key, wants);
    if (lease && (!accept || (await accept(lease)))) return lease;
    if (lease) {
      await fleet.release(lease).catch(() => undefined);
      continue;
    }
    if (waited % 30_000 < LEASE_POLL_MS) log.info({ key, ...wants }, 'waiting for a free trainer slot');
    await new Promise((r) => setTimeout(r, LEASE_POLL_MS));
    waited += LEASE_POLL_MS;
  }
}

/**
 * Runs `fn` while renewing the lease, and releases it after. `onRenew` runs at each renewal (a third
 * of the lease's time to live): the trial runner re-checks there whether the trial was cancelled,
 * since a cancel sent over pub/sub while this dispatcher was not listening is never heard.
 */
export async function holdingLease<T>(fleet: TrainerFleet, lease: TrainerLease, fn: () => Promise<T>, onRenew?: () => Promise<void>): Promise<T> {
  const renew = setInterval(() => {
    void fleet.renew(lease).catch(() => undefined);
    void onRenew?.().catch(() => undefined);
  }, fleet.leaseTtlMs / 3);
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await fleet.release(lease).catch(() => undefined);
  }
}
