import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRedis, freePort } from '@tinysweep/stack';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TrainerFleet } from './trainer-fleet.js';

const HOUR_MS = 3_600_000;

/**
 * Test double for a dispatcher whose machine clock is off by `skewMs`: every call on the returned
 * fleet runs with Date.now() shifted. Calls must not overlap (Date.now is global), which the test keeps.
 */
function onSkewedClock(fleet: TrainerFleet, skewMs: number): TrainerFleet {
  return new Proxy(fleet, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const realNow = Date.now.bind(Date);
        const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + skewMs);
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          clock.mockRestore();
        }
      };
    },
  });
}

const node = { id: 'n', address: '127.0.0.1:5001', device: 'cpu', slots: 1, running: 0, backends: ['command'], models: [], version: 'test' };

describe('TrainerFleet leases by Redis time, not the dispatchers\' clocks', () => {
  let redis: LocalRedis;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-clock-'));
    redis = new LocalRedis();
    url = await redis.start(dir, await freePort());
  });
  afterAll(async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a dispatcher an hour ahead cannot steal a live lease, one an hour behind still frees a dead one', async () => {
    await redis.flushAll();
    const ahead = onSkewedClock(new TrainerFleet(url, { leaseTtlMs: 1500 }), HOUR_MS);
    const behind = onSkewedClock(new TrainerFleet(url, { leaseTtlMs: 1500 }), -HOUR_MS);
    await ahead.heartbeat(node);

    const held = await behind.acquire('t1');
    expect(held).not.toBeNull();
    expect(await ahead.acquire('t2')).toBeNull(); // by its own clock t1 expired an hour ago
    expect(await behind.renew(held!)).toBe(true);
    const [seen] = await ahead.nodes();
    expect(seen?.busy).toBe(1);
    expect(seen?.heartbeatAgeMs).toBeGreaterThanOrEqual(0);
    expect(seen?.heartbeatAgeMs).toBeLessThan(60_000); // not an hour

    await new Promise((r) => setTimeout(r, 1700)); // t1 is not renewed: Redis's time runs past its expiry
    expect(await ahead.renew(held!)).toBe(false);
    expect(await behind.acquire('t2')).not.toBeNull(); // by its own clock t1 has an hour left
    await Promise.all([ahead.close(), behind.close()]);
  });
});
