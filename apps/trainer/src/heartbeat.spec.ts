import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Heartbeat } from './heartbeat.js';
import type { HeartbeatBody } from './interfaces/heartbeat-options.js';
import { RecordingApi } from './testing/recording-api.js';
import { waitFor } from './testing/recording-sink.js';

const body = (running = 0): HeartbeatBody => ({
  id: 'node/1',
  address: '127.0.0.1:50051',
  device: 'cpu',
  slots: 2,
  running,
  backends: ['command'],
  models: [],
  version: '0.1.0',
});

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

const apis: RecordingApi[] = [];
const beats: Heartbeat[] = [];
afterEach(async () => {
  await Promise.all(beats.splice(0).map((h) => h.stop({ leave: false })));
  await Promise.all(apis.splice(0).map((a) => a.stop()));
});

describe('Heartbeat', () => {
  it('posts the node state at once and every interval, with the bearer token, and leaves on stop', async () => {
    const api = new RecordingApi();
    apis.push(api);
    const url = await api.start();
    let running = 0;
    const hb = new Heartbeat({ apiUrl: `${url}/`, token: 'api-tok', intervalMs: 50, body: () => body(running++) });
    hb.start();
    expect(await waitFor(() => api.beats().length >= 3)).toBe(true);
    await hb.stop();
    const [first, second] = api.beats();
    expect(first).toEqual({ method: 'POST', url: '/nodes/heartbeat', authorization: 'Bearer api-tok', body: body(0) });
    expect((second.body as HeartbeatBody).running).toBe(1);
    expect(api.requests.at(-1)).toMatchObject({ method: 'POST', url: '/nodes/node%2F1/leave', authorization: 'Bearer api-tok' });
    const count = api.requests.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(api.requests.length).toBe(count); // stopped means stopped
  });

  it('survives an API that is down or failing, and resumes when it is back', async () => {
    const port = await freePort();
    const hb = new Heartbeat({ apiUrl: `http://127.0.0.1:${port}`, intervalMs: 30, requestTimeoutMs: 500, body: () => body() });
    beats.push(hb);
    hb.start();
    expect(await waitFor(() => hb.failed >= 3)).toBe(true);

    const api = new RecordingApi();
    apis.push(api);
    let failures = 2;
    api.status = () => (failures-- > 0 ? 503 : 200);
    await api.start(port); // the API comes up on the same port
    expect(await waitFor(() => hb.sent >= 2)).toBe(true);
    expect(api.beats().length).toBeGreaterThanOrEqual(4); // two 503s, then accepted beats
    expect(api.requests.every((r) => r.authorization === undefined)).toBe(true);
  });

  it('beat() reports success and failure without throwing', async () => {
    const api = new RecordingApi();
    apis.push(api);
    const url = await api.start();
    const hb = new Heartbeat({ apiUrl: url, body: () => body() });
    expect(await hb.beat()).toBe(true);
    api.status = () => 500;
    expect(await hb.beat()).toBe(false);
    expect(() => new Heartbeat({ apiUrl: 'not a url', body: () => body() })).toThrow(/apiUrl/);
  });
});
