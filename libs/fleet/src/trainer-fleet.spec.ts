import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRedis, freePort } from '@tinysweep/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainerFleet } from './trainer-fleet.js';

const node = (id: string, slots: number, backends = ['command']) => ({
  id,
  address: `127.0.0.1:${5000 + slots}`,
  device: 'cpu',
  slots,
  running: 0,
  backends,
  models: [],
  version: 'test',
});

describe('TrainerFleet on a real Redis', () => {
  let redis: LocalRedis;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-'));
    redis = new LocalRedis();
    url = await redis.start(dir, await freePort());
  });
  afterAll(async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never leases more slots than a node has, across competing fleets', async () => {
    await redis.flushAll();
    const a = new TrainerFleet(url);
    const b = new TrainerFleet(url);
    await a.heartbeat(node('n1', 3));
    const got = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).acquire(`t${i}`)));
    expect(got.filter((l) => l !== null)).toHaveLength(3);
    expect(await a.totalSlots()).toBe(3);
    const [status] = await a.nodes();
    expect(status?.busy).toBe(3);
    await a.release(got.find((l) => l !== null)!);
    expect(await b.acquire('late')).not.toBeNull();
    await Promise.all([a.close(), b.close()]);
  });

  it('spreads leases to the node with most free slots and honours the backend', async () => {
    await redis.flushAll();
    const f = new TrainerFleet(url);
    await f.heartbeat(node('small', 1));
    await f.heartbeat(node('big', 4, ['command', 'tinylora']));
    expect((await f.acquire('x1'))?.nodeId).toBe('big');
    expect((await f.acquire('x2', { backend: 'tinylora' }))?.nodeId).toBe('big');
    expect(await f.acquire('x3', { backend: 'nope' })).toBeNull();
    await f.close();
  });

  it('leases only slots of the device class and runtime asked for, preferring a node that holds the model', async () => {
    await redis.flushAll();
    const f = new TrainerFleet(url);
    await f.heartbeat({ ...node('cpu-ort', 4, ['tinylora']), device: 'cpu' });
    await f.heartbeat({ ...node('gpu-torch', 2, ['tinylora']), device: 'torch:cuda', gpus: [{ index: 0, name: 'H100', memoryMiB: 81559 }, { index: 1, name: 'H100', memoryMiB: 81559 }] });
    await f.heartbeat({ ...node('cpu-torch', 1, ['tinylora']), device: 'torch', loadedModels: ['models/demo-arith'] });
    expect((await f.acquire('a', { device: 'cuda' }))?.nodeId).toBe('gpu-torch');
    expect((await f.acquire('b', { runtime: 'onnxruntime' }))?.nodeId).toBe('cpu-ort');
    // the node holding the model wins over the one with more free slots
    expect((await f.acquire('c', { runtime: 'torch', model: 'models/demo-arith' }))?.nodeId).toBe('cpu-torch');
    // ... while it has a slot free; then the most free slots again
    expect((await f.acquire('d', { runtime: 'torch', model: 'models/demo-arith' }))?.nodeId).toBe('gpu-torch');
    expect(await f.acquire('e', { device: 'cuda' })).toBeNull(); // both GPU slots are taken
    expect((await f.nodes()).find((n) => n.id === 'gpu-torch')?.gpus).toHaveLength(2);
    await f.close();
  });

  it('drops a node that stops heartbeating, and one marked unreachable until a dispatcher reached it (heartbeats do not clear the mark)', async () => {
    await redis.flushAll();
    // Timeouts long enough that a stalled, loaded machine does not expire what the test just made.
    const f = new TrainerFleet(url, { heartbeatTimeoutMs: 1500 });
    await f.heartbeat(node('n', 2));
    await f.markUnreachable('n');
    expect(await f.acquire('t')).toBeNull();
    await f.heartbeat(node('n', 2)); // the API hears it: still no lease (a black-hole node)
    expect(await f.acquire('t')).toBeNull();
    expect((await f.nodes())[0]?.alive).toBe(false);
    expect((await f.unreachableNodes()).map((n) => n.id)).toEqual(['n']);
    await f.markReachable('n'); // a dispatcher's probe answered
    expect(await f.unreachableNodes()).toEqual([]);
    expect(await f.acquire('t')).not.toBeNull();
    await new Promise((r) => setTimeout(r, 1700));
    expect(await f.acquire('u')).toBeNull();
    expect((await f.nodes())[0]?.alive).toBe(false);
    await f.close();
  });

  it("keeps a refused node out of the pool with why, as the node's error", async () => {
    await redis.flushAll();
    const f = new TrainerFleet(url);
    await f.heartbeat(node('old', 2));
    await f.markUnreachable('old', 'trainer old speaks trainer protocol 1; this dispatcher speaks protocol 2: upgrade the trainer');
    expect(await f.acquire('t')).toBeNull();
    expect((await f.nodes())[0]).toMatchObject({ alive: false, error: expect.stringContaining('speaks trainer protocol 1') });
    await f.markReachable('old');
    expect((await f.nodes())[0]?.error).toBeUndefined();
    await f.close();
  });

  it('frees a lease its holder stopped renewing', async () => {
    await redis.flushAll();
    const f = new TrainerFleet(url, { leaseTtlMs: 1500 });
    await f.heartbeat(node('n', 1));
    const lease = await f.acquire('t1');
    expect(lease).not.toBeNull();
    expect(await f.acquire('t2')).toBeNull();
    expect(await f.renew(lease!)).toBe(true);
    await new Promise((r) => setTimeout(r, 1700));
    expect(await f.renew(lease!)).toBe(false); // expired, even before anyone swept it
    expect(await f.acquire('t2')).not.toBeNull();
    await f.close();
  });
});
