import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import { ensureRedisServer, LocalRedis } from './redis.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tinysweep-redis-spec-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('LocalRedis', () => {
  it('finds (or installs) redis-server', () => {
    expect(ensureRedisServer()).toMatch(/redis-server$/);
  });

  it('starts, answers, and flushes everything', async () => {
    const redis = new LocalRedis();
    const port = await freePort();
    try {
      expect(await redis.start(join(root, 'a'), port)).toBe(`redis://127.0.0.1:${port}`);
      await redis.command('SET', 'k', 'v');
      await redis.command('SELECT', '1');
      expect(await redis.command('GET', 'k')).toBe('v');
      expect(await redis.command('DBSIZE')).toBe('1');
      await redis.flushAll();
      expect(await redis.command('DBSIZE')).toBe('0');
      expect(await redis.command('GET', 'k')).toBeNull();
    } finally {
      await redis.stop();
    }
    expect(redis.running).toBe(false);
  });

  it('restarts empty on the same port (the "Redis lost everything" fault)', async () => {
    const redis = new LocalRedis();
    const port = await freePort();
    try {
      await redis.start(join(root, 'b'), port);
      await redis.command('SET', 'job', '1');
      await redis.restart({ empty: true, signal: 'SIGKILL' });
      expect(redis.port).toBe(port);
      expect(await redis.ping()).toBe(true);
      expect(await redis.command('GET', 'job')).toBeNull();
    } finally {
      await redis.stop();
    }
  });

  it('keeps data across a restart when persisting, unless asked to come back empty', async () => {
    const redis = new LocalRedis({ persist: true });
    try {
      await redis.start(join(root, 'c'), await freePort());
      await redis.command('SET', 'kept', 'yes');
      await redis.restart();
      expect(await redis.command('GET', 'kept')).toBe('yes');
      await redis.restart({ empty: true });
      expect(await redis.command('GET', 'kept')).toBeNull();
    } finally {
      await redis.stop();
    }
  });

  it('reports a server that cannot start', async () => {
    const redis = new LocalRedis({ extraArgs: ['--no-such-option', 'x'] });
    await expect(redis.start(join(root, 'd'), await freePort())).rejects.toThrow(/exited at start/);
  });
});
