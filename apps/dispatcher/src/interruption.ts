import { setTimeout as sleep } from 'node:timers/promises';
import { isConnectionError } from '@tinysweep/db';

/**
 * An attempt the infrastructure cut short — the dispatcher stopping, a trainer it could not dial,
 * Postgres or Redis away — rather than anything the trial did: its job is run again after a pause
 * without spending one of its attempts (see Dispatcher.process).
 */
export class InterruptedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
  }
}

/** ioredis and BullMQ messages of a Redis that is away (they carry no code). */
const REDIS_AWAY = /Connection is closed|Reached the max retries per request|Stream isn't writeable|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Missing lock for job|LOADING Redis is loading/i;

/** Postgres or Redis could not be reached (or dropped the connection): the same work may succeed later. */
export function isInfrastructureError(err: unknown): boolean {
  if (err instanceof InterruptedError) return true;
  if (isConnectionError(err)) return true;
  return err instanceof Error && REDIS_AWAY.test(err.message);
}

export interface PersistOptions {
  /** Give up (InterruptedError) after this long. */
  forMs: number;
  /** Called before each pause with the error that caused it. */
  onRetry?: (err: unknown, pauseMs: number) => void;
}

/**
 * Runs `write` until it succeeds, pausing 0.2 s, 0.4 s, … 5 s between tries while the store cannot
 * be reached; other errors are thrown at once. After `forMs` it throws InterruptedError: the work is
 * left to a later attempt. A finished trial's result lives only in this process until it is written,
 * so a Postgres blip must cost a pause, not the result.
 */
export async function persist<T>(what: string, write: () => Promise<T>, o: PersistOptions): Promise<T> {
  const until = Date.now() + o.forMs;
  for (let pause = 200; ; pause = Math.min(2 * pause, 5000)) {
    try {
      return await write();
    } catch (err) {
      if (!isInfrastructureError(err)) throw err;
      if (Date.now() + pause > until) throw new InterruptedError(`could not ${what} within ${Math.round(o.forMs / 1000)} s: ${(err as Error).message}`, { cause: err });
      o.onRetry?.(err, pause);
      await sleep(pause);
    }
  }
}
