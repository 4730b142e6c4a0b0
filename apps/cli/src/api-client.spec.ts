import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient, ApiError } from './api-client.js';
import type { SweepEvent } from '@tinysweep/api-types';
import { FakeApi } from './testing/fake-api.js';

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ApiClient against a contract-speaking server', () => {
  let fake: FakeApi;
  let api: ApiClient;

  beforeEach(async () => {
    fake = await new FakeApi({ token: 'sekret' }).start();
    api = new ApiClient({ baseUrl: fake.url, token: 'sekret' });
  });
  afterEach(() => fake.close());

  it('sends the bearer token on every request', async () => {
    await api.health();
    await api.listNodes();
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual(['Bearer sekret', 'Bearer sekret']);
  });

  it('turns a missing token into a 401 ApiError', async () => {
    const anonymous = new ApiClient({ baseUrl: fake.url });
    const err = await anonymous.listSweeps().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(401);
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('posts the spec text as written, with its content type', async () => {
    const yaml = 'name: tiny\nadapter:\n  rank: [1, 2]\nseeds: [1, 2, 3]\n';
    const created = await api.submitSweep(yaml, 'application/yaml');
    expect(created).toMatchObject({ name: 'tiny', status: 'queued', trialCount: 6, duplicatesCollapsed: 0 });
    const req = fake.requests.at(-1)!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/sweeps');
    expect(req.headers['content-type']).toBe('application/yaml');
    expect(req.body).toBe(yaml);

    const json = await api.submitSweep(JSON.stringify({ name: 'j', adapter: { rank: [2] } }), 'application/json');
    expect(json.trialCount).toBe(1);
    expect(fake.requests.at(-1)!.headers['content-type']).toBe('application/json');
  });

  it('reports spec validation failures with their issues', async () => {
    const err = (await api.submitSweep('name: bad\nadapter:\n  rank: [1, -2]\n', 'application/yaml').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.message).toBe('invalid sweep spec');
    expect(err.issues).toEqual([{ path: 'adapter.rank[1]', message: 'must be a positive integer' }]);
  });

  it('reads sweeps, one sweep and 404s', async () => {
    const sweep = fake.addSweep({ name: 'one', n: 3 });
    expect((await api.listSweeps(10)).map((s) => s.id)).toEqual([sweep.id]);
    expect(fake.requests.at(-1)!.url).toBe('/sweeps?limit=10');
    const got = await api.getSweep(sweep.id);
    expect(got).toMatchObject({ id: sweep.id, name: 'one', trialCount: 3, metric: 'score', maximize: true });
    expect(got.spec).toEqual({ name: 'one' });
    const missing = (await api.getSweep('nope').catch((e: unknown) => e)) as ApiError;
    expect(missing.status).toBe(404);
    expect(missing.format()).toBe('sweep not found (HTTP 404)');
  });

  it('passes trial query parameters through', async () => {
    const sweep = fake.addSweep({ n: 5 });
    fake.setTrial(sweep.id, 1, 'succeeded', { score: 0.2 });
    fake.setTrial(sweep.id, 3, 'succeeded', { score: 0.7 });
    const page = await api.listTrials(sweep.id, { sort: 'metrics.score', order: 'desc', status: 'succeeded', offset: 0, limit: 10 });
    expect(fake.requests.at(-1)!.url).toBe(`/sweeps/${sweep.id}/trials?offset=0&limit=10&sort=metrics.score&order=desc&status=succeeded`);
    expect(page.total).toBe(2);
    expect(page.items.map((t) => t.ordinal)).toEqual([3, 1]);
  });

  it('pages through every trial with offset/limit', async () => {
    const sweep = fake.addSweep({ n: 250 });
    const all = await api.listAllTrials(sweep.id, { sort: 'ordinal', order: 'asc' });
    expect(all.total).toBe(250);
    expect(all.items.map((t) => t.ordinal)).toEqual([...Array(250).keys()]);
    const urls = fake.requests.map((r) => new URL(r.url, 'http://x').searchParams);
    expect(urls.map((q) => [q.get('offset'), q.get('limit')])).toEqual([
      ['0', '100'],
      ['100', '100'],
      ['200', '100'],
    ]);
  });

  it('stops paging at the requested maximum', async () => {
    const sweep = fake.addSweep({ n: 250 });
    const some = await api.listAllTrials(sweep.id, {}, 130);
    expect(some.items).toHaveLength(130);
    expect(some.total).toBe(250);
    expect(fake.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('limit'))).toEqual(['100', '30']);
  });

  it('reads a trial, retries one and cancels a sweep', async () => {
    const sweep = fake.addSweep({ n: 2 });
    const id = fake.trials.get(sweep.id)![0]!.id;
    const detail = await api.getTrial(id);
    expect(detail).toMatchObject({ id, adapter: null, logTail: null, curve: [] });
    fake.setTrial(sweep.id, 0, 'failed');
    expect(await api.retryTrial(id)).toMatchObject({ id, status: 'queued', attempts: 1 });
    expect(await api.cancelSweep(sweep.id)).toEqual({ cancelled: 2 });
    expect((await api.getSweep(sweep.id)).status).toBe('cancelled');
  });

  it('streams sweep events until the caller stops', async () => {
    const sweep = fake.addSweep({ n: 2 });
    const abort = new AbortController();
    const events = await api.openSweepEvents(sweep.id, abort.signal);
    expect(fake.requests.at(-1)!.headers.accept).toBe('text/event-stream');
    await expect.poll(() => fake.subscriberCount(sweep.id)).toBe(1);
    fake.setTrial(sweep.id, 0, 'running');
    const seen: SweepEvent[] = [];
    for await (const event of events) {
      seen.push(event);
      if (seen.length === 2) break;
    }
    expect(seen.map((e) => e.type)).toEqual(['trial', 'sweep']);
    expect(seen[0]).toMatchObject({ type: 'trial', trial: { ordinal: 0, status: 'running' } });
    expect(seen[1]).toMatchObject({ type: 'sweep', sweep: { status: 'running', counts: { running: 1, queued: 1 } } });
    // Leaving the loop closes the HTTP stream.
    await expect.poll(() => fake.subscriberCount(sweep.id)).toBe(0);
  });

  it('fails to open the event stream when the server has none', async () => {
    const err = (await api.openSweepEvents('missing').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(404);
  });
});

describe('ApiClient without a server', () => {
  it('says the API cannot be reached, naming the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const err = (await new ApiClient({ baseUrl: url }).health().catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.unreachable).toBe(true);
    expect(err.message).toBe(`cannot reach the tinysweep API at ${url} — is \`tinysweep up\` running? (ECONNREFUSED)`);
  });

  it('times out a server that never answers', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const err = (await new ApiClient({ baseUrl: url, timeoutMs: 200 }).health().catch((e: unknown) => e)) as ApiError;
      expect(err).toBeInstanceOf(ApiError);
      expect(err.code).toBe('ETIMEDOUT');
      expect(err.message).toContain('did not answer GET within 200 ms');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('rejects a malformed base URL and keeps a path prefix', () => {
    expect(() => new ApiClient({ baseUrl: 'not a url' })).toThrow('baseUrl must be an absolute http(s) URL');
    expect(() => new ApiClient({ baseUrl: 'ftp://x' })).toThrow('baseUrl must be an http(s) URL');
    expect(new ApiClient({ baseUrl: 'http://host:1/prefix/' }).baseUrl).toBe('http://host:1/prefix');
    expect(new ApiClient().baseUrl).toBe('http://127.0.0.1:4100');
  });
});
