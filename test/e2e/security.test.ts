/**
 * Safe by default (issue 14), against the whole stack as `tinysweep up` runs it: tokens by role,
 * owners, requests from other origins and hosts, model and data paths outside the roots (a symlink
 * included), limits, and no secret in any answer of any route.
 */
import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, slowSpec } from './cluster.js';

const SECRET = `planted-${randomBytes(12).toString('hex')}`;

describe('safe by default', () => {
  let c: Cluster;
  const data = mkdtempSync(join(tmpdir(), 'tinysweep-security-data-'));
  chmodSync(data, 0o755);
  writeFileSync(join(data, 'train.jsonl'), '{"question": "1+1?", "answer": "#### 2"}\n');
  symlinkSync('/etc/passwd', join(data, 'escape.jsonl')); // inside the data root, pointing out of it

  beforeAll(async () => {
    c = await Cluster.start({
      trainers: 1,
      slotsPerTrainer: 2,
      dataRoots: [data],
      tokens: { reader: 'read', alice: 'submit', bob: 'submit', flood: 'submit' },
      env: { TINYSWEEP_SSE_PER_CLIENT: '3', TINYSWEEP_SUBMITS_PER_MINUTE: '15', TINYSWEEP_MAX_TRIALS_PER_SWEEP: '1000' },
    });
  });
  afterAll(async () => {
    await c?.stop();
    rmSync(data, { recursive: true, force: true });
  });

  const as = (name: string) => ({ authorization: `Bearer ${c.tokens[name]}` });
  const beat = { id: 'fake-node', address: '127.0.0.1:1', device: 'cpu', slots: 4096, running: 0, backends: ['command'], models: [] };

  it('tokens by role: reads need a read token, submissions a submit token, heartbeats a node token', async () => {
    const spec = slowSpec('roles', { xs: [1], steps: 1, stepMs: 1 });
    expect((await c.request('GET', '/sweeps', undefined, { authorization: '' })).status).toBe(401);
    expect((await c.request('GET', '/sweeps', undefined, as('reader'))).status).toBe(200);
    expect((await c.request('POST', '/sweeps', spec, as('reader'))).status).toBe(403);
    // a node token cannot submit, nor even read
    expect((await c.request('POST', '/sweeps', spec, as('node'))).status).toBe(403);
    expect((await c.request('GET', '/sweeps', undefined, as('node'))).status).toBe(403);
    // a user token (even admin) cannot register a node; the node token can
    for (const who of ['reader', 'alice', 'admin']) expect((await c.request('POST', '/nodes/heartbeat', beat, as(who))).status, who).toBe(403);
    expect((await c.request('POST', '/nodes/heartbeat', beat, as('node'))).status).toBe(204);
    expect((await c.request('POST', `/nodes/${beat.id}/leave`, {}, as('admin'))).status).toBe(204); // an admin takes it out
  });

  it("a submit token changes only its own sweeps and schedules; an admin token anyone's", async () => {
    const r = await c.request('POST', '/sweeps', slowSpec('alices', { xs: [1, 2], steps: 200, stepMs: 50 }), as('alice'));
    expect(r.status).toBe(201);
    const id = (r.body as { id: string }).id;
    const bobs = await c.request('POST', `/sweeps/${id}/cancel`, {}, as('bob'));
    expect(bobs).toMatchObject({ status: 403, body: { message: 'cancelling a sweep submitted by alice needs an admin token' } });
    const [trial] = await c.query<{ id: string }>('SELECT id FROM trial WHERE sweep_id = $1 LIMIT 1', id);
    expect((await c.request('POST', `/trials/${trial!.id}/retry`, {}, as('bob'))).status).toBe(403);
    // steering (issue 17): extending takes a submit token and the sweep's owner (or admin)
    expect(await c.request('POST', `/sweeps/${id}/extend`, { seeds: [9] }, as('bob'))).toMatchObject({ status: 403, body: { message: 'extending a sweep submitted by alice needs an admin token' } });
    expect((await c.request('POST', `/sweeps/${id}/extend`, { seeds: [9] }, as('reader'))).status).toBe(403);
    // an adapter download is a read: a read token reaches it (this unfinished trial has none yet), a node token does not
    expect(await c.request('GET', `/trials/${trial!.id}/adapter`, undefined, as('reader'))).toMatchObject({ status: 404, body: { message: expect.stringContaining('has no adapter') } });
    expect((await c.request('GET', `/trials/${trial!.id}/adapter`, undefined, as('node'))).status).toBe(403);
    expect((await c.request('GET', `/trials/${trial!.id}/adapter`, undefined, { authorization: '' })).status).toBe(401);
    expect((await c.request('POST', `/sweeps/${id}/cancel`, {}, as('alice'))).status).toBe(200);
    expect((await c.query<{ owner: string }>('SELECT owner FROM sweep WHERE id = $1', id))[0]!.owner).toBe('alice');

    const s = await c.request('POST', '/schedules', { sweepId: id, cron: '0 3 * * *' }, as('alice'));
    expect(s.status).toBe(201);
    const sid = (s.body as { id: string }).id;
    expect((await c.request('POST', `/schedules/${sid}/pause`, {}, as('bob'))).status).toBe(403);
    expect((await c.request('DELETE', `/schedules/${sid}`, undefined, as('bob'))).status).toBe(403);
    expect((await c.request('POST', `/schedules/${sid}/pause`, {}, as('admin'))).status).toBe(200);
    expect((await c.request('DELETE', `/schedules/${sid}`, undefined, as('alice'))).status).toBe(204);
  });

  it('refuses drive-by requests: other origins, other Host names, bodies that are not JSON or YAML', async () => {
    const yaml = 'name: drive-by\nbackend: {kind: command, command: [node, -e, "0"]}\n';
    const before = (await c.query('SELECT id FROM sweep')).length;
    // A page elsewhere can send text/plain without asking (a CORS "simple request"): refused, even with a token.
    expect((await c.request('POST', '/sweeps', yaml, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await c.request('POST', '/sweeps', yaml, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await c.request('GET', '/sweeps', undefined, { origin: 'http://evil.example' })).status).toBe(403);
    // DNS rebinding: a name of the attacker's pointed at 127.0.0.1
    const viaHost = (host: string) =>
      new Promise<number>((resolve, reject) =>
        get({ host: '127.0.0.1', port: c.urls.apiPort, path: '/sweeps', headers: { host, ...as('admin') } }, (res) => (res.resume(), resolve(res.statusCode!))).on('error', reject),
      );
    expect(await viaHost(`evil.example:${c.urls.apiPort}`)).toBe(403);
    expect(await viaHost(`localhost:${c.urls.apiPort}`)).toBe(200);
    // the board itself (same origin) is fine
    expect((await c.request('POST', '/sweeps', yaml, { origin: c.urls.apiUrl })).status).toBe(201);
    expect((await c.query('SELECT id FROM sweep')).length).toBe(before + 1);
  });

  it('model and data paths stay inside the roots: a 400 naming the field, or a bad request on the trainer for a symlink out', async () => {
    const tiny = (task: Record<string, unknown>, model = 'models/demo-arith') => ({
      name: 'paths',
      model: { path: model },
      task: { kind: 'gsm8k', evalSize: 1, trainSize: 1, ...task },
      adapter: { layers: 'last:1', rank: 1, u: 1, tie: { mode: 'full' } },
      optimizer: { kind: 'es', population: 2, iterations: 1, batch: 1 },
      budget: { maxTrials: 10, trialTimeout: '1m', retries: 2 },
    });
    const refused = await c.request('POST', '/sweeps', tiny({ train: '/etc/passwd', eval: join(data, 'train.jsonl') }, '/etc'));
    expect(refused.status).toBe(400);
    expect((refused.body as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['model.path', 'task.train']);

    // The API cannot see through the symlink (only the trainer has the file): the trainer refuses it
    // before reading a byte, as a bad request (not retried), and never shows the file.
    const id = await c.submit(tiny({ train: join(data, 'escape.jsonl'), eval: join(data, 'train.jsonl') }));
    const done = await c.waitForSweep(id, 60_000);
    expect(done.status).toBe('failed');
    const [t] = await c.query<{ error: string; attempts: number }>('SELECT error, attempts FROM trial WHERE sweep_id = $1', id);
    expect(t!.error).toMatch(/^params\.task\.train: .*escape\.jsonl is outside this trainer's workdir and data roots/);
    expect(t!.attempts).toBe(1);
    const detail = JSON.stringify(await c.get(`/sweeps/${id}/trials`));
    expect(detail).not.toMatch(/root:x:0:0/);
  });

  it('limits: streams per client, submissions per token per minute, cron interval, trials per sweep, webhooks', async () => {
    const [sweep] = await c.query<{ id: string }>('SELECT id FROM sweep LIMIT 1');
    const streams = await Promise.all(
      [1, 2, 3].map(() => fetch(`${c.urls.apiUrl}/sweeps/${sweep!.id}/events`, { headers: as('reader') })),
    );
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
    const fourth = await fetch(`${c.urls.apiUrl}/sweeps/${sweep!.id}/events`, { headers: as('reader') });
    expect(fourth.status).toBe(429);
    expect(((await fourth.json()) as { message: string }).message).toMatch(/at most 3 event streams/);
    for (const s of streams) await s.body?.cancel();
    await c.waitFor(async () => {
      const again = await fetch(`${c.urls.apiUrl}/sweeps/${sweep!.id}/events`, { headers: as('reader') });
      await again.body?.cancel();
      return again.status === 200;
    }, 5000, 'a stream slot to free up');

    const codes: number[] = [];
    for (let i = 0; i < 16; i++) codes.push((await c.request('POST', '/sweeps', 'not: [valid', as('flood'))).status);
    expect(codes.slice(0, 15).every((s) => s === 400)).toBe(true);
    expect(codes[15]).toBe(429);
    expect((await c.request('POST', '/sweeps', 'not: [valid', as('alice'))).status).toBe(400); // others are not held up

    const cron = await c.request('POST', '/schedules', { sweepId: sweep!.id, cron: '*/10 * * * * *' });
    expect(cron).toMatchObject({ status: 400, body: { issues: [{ path: 'cron', message: expect.stringMatching(/fires every 10 s.*TINYSWEEP_MIN_CRON_SECONDS/) }] } });
    const big = await c.request('POST', '/sweeps', { ...slowSpec('big', { xs: [1] }), budget: { maxTrials: 5000 } });
    expect(big).toMatchObject({ status: 400, body: { issues: [{ path: 'budget.maxTrials' }] } });
    for (const webhookUrl of ['http://hooks.example.com/x', 'https://127.0.0.1/x', 'https://169.254.169.254/latest/meta-data/', 'https://localhost/x']) {
      const r = await c.request('POST', '/schedules', { sweepId: sweep!.id, cron: '0 3 * * *', webhookUrl });
      expect(r, webhookUrl).toMatchObject({ status: 400, body: { issues: [{ path: 'webhookUrl' }] } });
    }
  });

  it('no answer of any route shows a planted secret (backend.env values, webhook URLs)', async () => {
    const spec = { ...slowSpec('secret-env', { xs: [1], steps: 2, stepMs: 1 }), backend: { kind: 'command', command: ['node', 'test/fixtures/slow-program.mjs'], env: { API_KEY: SECRET } } };
    const answers: string[] = [];
    const keep = (r: { body: unknown }) => (answers.push(JSON.stringify(r.body)), r);
    const submitted = keep(await c.request('POST', '/sweeps', spec));
    const id = (submitted.body as { id: string }).id;
    expect((await c.waitForSweep(id)).status).toBe('completed');
    const [trial] = await c.query<{ id: string }>('SELECT id FROM trial WHERE sweep_id = $1', id);
    const hook = `https://hooks.example.com/services/T0/B0/${SECRET}`;
    const schedule = keep(await c.request('POST', '/schedules', { spec, cron: '0 3 * * *', webhookUrl: hook }));
    expect(schedule.status).toBe(201);
    const sid = (schedule.body as { id: string }).id;
    keep(await c.request('POST', `/schedules/${sid}/pause`, {}));
    keep(await c.request('POST', `/schedules/${sid}/resume`, {}));
    keep(await c.request('POST', `/trials/${trial!.id}/retry`, {}));
    await c.waitForSweep(id);

    // Every GET route the API documents, with this sweep's, trial's and schedule's ids.
    const doc = await c.get<{ paths: Record<string, { get?: unknown }> }>('/docs-json');
    const routes = Object.entries(doc.paths).filter(([, ops]) => ops.get).map(([p]) => p);
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      const path = route.replace(/^\/(sweeps|trials|schedules)\/\{id\}/, (_m, kind: string) => `/${kind}/${{ sweeps: id, trials: trial!.id, schedules: sid }[kind]}`);
      if (path.endsWith('/events')) continue; // read below
      const r = await c.request('GET', path.replace('{id}', id));
      expect(r.status, path).toBeLessThan(500);
      answers.push(`${path} ${JSON.stringify(r.body)}`);
    }
    // the event stream's first summary
    const ctrl = new AbortController();
    const res = await fetch(`${c.urls.apiUrl}/sweeps/${id}/events`, { headers: as('admin'), signal: ctrl.signal });
    const reader = res.body!.getReader();
    let sse = '';
    while (!sse.includes('"type":"sweep"')) sse += new TextDecoder().decode((await reader.read()).value);
    ctrl.abort();
    answers.push(sse);

    const all = answers.join('\n');
    expect(all).toContain('API_KEY'); // the names are shown …
    expect(all).toContain('https://hooks.example.com/…');
    expect(all).not.toContain(SECRET); // … never the values
    expect(all).not.toContain(c.tokens.admin!);
    expect(all).not.toContain(c.urls.databaseUrl);
  });
});
