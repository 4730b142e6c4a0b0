import type { TrainerFleet, TrainerLease } from '@tinysweep/fleet';
import type { Logger } from 'pino';

const LEASE_POLL_MS = 100;

/** Polls the fleet for a free slot of a backend until one is leased (or the signal aborts: null). */
export async function waitForLease(fleet: TrainerFleet, key: string, backend: string, signal: AbortSignal, log: Logger): Promise<TrainerLease | null> {
  let waited = 0;
  for (;;) {
    if (signal.aborted) return null;
    const lease = await fleet.acquire(key, { backend });
    if (lease) return lease;
    if (waited % 30_000 < LEASE_POLL_MS) log.info({ key, backend }, 'waiting for a free trainer slot');
    await new Promise((r) => setTimeout(r, LEASE_POLL_MS));
    waited += LEASE_POLL_MS;
  }
}

/** Runs `fn` while renewing the lease, and releases it after. */
export async function holdingLease<T>(fleet: TrainerFleet, lease: TrainerLease, fn: () => Promise<T>): Promise<T> {
  const renew = setInterval(() => void fleet.renew(lease).catch(() => undefined), fleet.leaseTtlMs / 3);
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await fleet.release(lease).catch(() => undefined);
  }
}
