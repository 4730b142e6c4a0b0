import { describe, expect, it } from 'vitest';
import { InterruptedError, isInfrastructureError, persist } from './interruption.js';

/** Errors as pg, Prisma's adapter and ioredis raise them when their server is away. */
const pgRefused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const pgShutdown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
const wrapped = new Error('Invalid `prisma.$executeRawUnsafe()` invocation', { cause: { originalCode: '57P03', message: 'the database system is starting up' } });
const redisClosed = new Error('Connection is closed.');
const badValue = Object.assign(new Error('value "3000000000" is out of range for type integer'), { code: '22003' });

describe('what counts as the infrastructure being away', () => {
  it('Postgres refusing, shutting down or starting up, and Redis closed — not a value Postgres refuses', () => {
    for (const err of [pgRefused, pgShutdown, wrapped, redisClosed, new InterruptedError('stopped')]) expect(isInfrastructureError(err)).toBe(true);
    expect(isInfrastructureError(badValue)).toBe(false);
    expect(isInfrastructureError(new Error('trainer said no'))).toBe(false);
  });
});

describe('persist: a finished attempt rides out a Postgres outage', () => {
  it('retries while the store is away and returns what the write returned', async () => {
    let calls = 0;
    const pauses: number[] = [];
    const value = await persist(
      'record the result',
      async () => {
        if (++calls < 3) throw pgRefused;
        return 'recorded';
      },
      { forMs: 60_000, onRetry: (_e, ms) => pauses.push(ms) },
    );
    expect(value).toBe('recorded');
    expect(pauses).toEqual([200, 400]);
  });

  it('throws a refused value at once (retrying the same values cannot help)', async () => {
    let calls = 0;
    await expect(persist('record', async () => (calls++, Promise.reject(badValue)), { forMs: 60_000 })).rejects.toBe(badValue);
    expect(calls).toBe(1);
  });

  it('gives up as interrupted after its patience, so the job runs again later without spending an attempt', async () => {
    const err = await persist('record the result', () => Promise.reject(pgShutdown), { forMs: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect((err as Error).message).toMatch(/could not record the result within 1 s: terminating connection/);
  });
});
