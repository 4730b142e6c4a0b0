import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from './cluster.js';

describe('invalid specs are refused with field paths and store nothing', () => {
  let c: Cluster;
  beforeAll(async () => {
    // an admin token from the environment (TINYSWEEP_API_TOKEN), besides the stack's store
    c = await Cluster.start({ trainers: 1, env: { TINYSWEEP_API_TOKEN: 'sekret-sekret-sekret' } });
  });
  afterAll(async () => {
    await c?.stop();
  });
  const auth = { authorization: 'Bearer sekret-sekret-sekret' };
  const sweeps = async () => Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM sweep'))[0]!.n);

  it.each([
    ['a wrong type', 'name: x\nbackend: {kind: command, command: ["true"]}\nparams: {lr: [0.1]}\nseeds: [one]\n', 'seeds[0]'],
    ['an unknown key', 'name: x\nbackend: {kind: command, command: ["true"]}\nbudjet: {}\n', 'budjet'],
    ['a bad layer selector', 'name: x\nmodel: {path: m}\ntask: {kind: gsm8k}\nadapter: {layers: ["last:0"], rank: 2, u: 1}\n', 'adapter.layers[0]'],
    ['a placeholder that names no param', 'name: x\nbackend: {kind: command, command: [echo, "{nope}"]}\n', 'backend.command[1]'],
    ['grpo where only ONNX Runtime may run it', 'name: x\nmodel: {path: m}\ntask: {kind: gsm8k}\nadapter: {}\noptimizer: {kind: grpo}\nresources: {runtime: onnxruntime}\n', 'optimizer.kind'],
    ['a grpo setting on ES', 'name: x\nmodel: {path: m}\ntask: {kind: gsm8k}\nadapter: {}\noptimizer: {kind: es, temperature: 0.7}\n', 'optimizer.temperature'],
    ['more trials than the budget', 'name: x\nbackend: {kind: command, command: ["true"]}\nparams: {a: [1,2,3,4,5,6,7,8,9,10], b: [1,2,3,4,5,6,7,8,9,10]}\nbudget: {maxTrials: 50}\n', 'budget.maxTrials'],
  ])('%s → 400 naming %s', async (_what, yaml, path) => {
    const before = await sweeps();
    const r = await c.request('POST', '/sweeps', yaml, auth);
    expect(r.status).toBe(400);
    const body = r.body as { message: string; issues: { path: string; message: string }[] };
    expect(body.message).toBe('invalid sweep spec');
    expect(body.issues.map((i) => i.path)).toContain(path);
    expect(body.issues.every((i) => i.message.length > 0)).toBe(true);
    expect(await sweeps()).toBe(before);
  });

  it('names the count when a spec expands past budget.maxTrials', async () => {
    const r = await c.request('POST', '/sweeps', 'name: x\nbackend: {kind: command, command: ["true"]}\nparams: {a: [1,2,3,4,5,6,7,8,9,10], b: [1,2,3,4,5,6,7,8,9,10]}\nbudget: {maxTrials: 50}\n', auth);
    expect(JSON.stringify(r.body)).toMatch(/100/);
  });

  it('refuses an oversized body and a YAML alias bomb before they cost memory', async () => {
    const big = `name: x\nbackend: {kind: command, command: ["true"]}\n# ${'x'.repeat(400 * 1024)}\n`;
    expect((await c.request('POST', '/sweeps', big, auth)).status).toBe(413);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 9; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    const r = await c.request('POST', '/sweeps', `name: bomb\n${bomb.join('\n')}\n`, auth);
    expect(r.status).toBe(400);
    expect(await sweeps()).toBe(0);
  });

  it('needs a known token for every call but /health, reads included', async () => {
    const spec = 'name: ok\nbackend: {kind: command, command: [node, -e, "0"]}\n';
    const none = { authorization: '' };
    expect((await c.request('POST', '/sweeps', spec, none)).status).toBe(401);
    expect((await c.request('POST', '/sweeps', spec, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await c.request('GET', '/sweeps', undefined, none)).status).toBe(401);
    expect((await c.request('GET', '/health', undefined, none)).status).toBe(200);
    expect((await c.request('GET', '/sweeps', undefined, auth)).status).toBe(200);
    const ok = await c.request('POST', '/sweeps', spec, auth);
    expect(ok.status).toBe(201);
    expect(await c.waitForSweep((ok.body as { id: string }).id)).toMatchObject({ status: 'completed' });
  });

  it('a client retrying POST /sweeps with its Idempotency-Key gets the sweep it made, not a second one', async () => {
    const spec = 'name: retried\nbackend: {kind: command, command: [node, -e, "0"]}\nparams: {x: [1, 2]}\n';
    const key = { ...auth, 'idempotency-key': 'a0b1c2d3-retry-me' };
    const before = await sweeps();
    const first = await c.request('POST', '/sweeps', spec, key);
    const again = await c.request('POST', '/sweeps', spec, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ id: (first.body as { id: string }).id, trialCount: 2, replayed: true });
    expect(await sweeps()).toBe(before + 1);
    const other = await c.request('POST', '/sweeps', spec.replace('retried', 'another'), key);
    expect(other.status).toBe(409);
    expect((other.body as { issues: { path: string }[] }).issues[0]!.path).toBe('Idempotency-Key');
    const bad = await c.request('POST', '/sweeps', spec, { ...auth, 'idempotency-key': 'x'.repeat(300) });
    expect(bad.status).toBe(400);
    expect(await sweeps()).toBe(before + 1);
  });

  it('answers 400 for bad query parameters and 404 for unknown ids', async () => {
    const id = (await c.query<{ id: string }>('SELECT id FROM sweep LIMIT 1'))[0]!.id;
    expect((await c.request('GET', `/sweeps/${id}/trials?sort=nope`)).status).toBe(400);
    expect((await c.request('GET', `/sweeps/${id}/trials?status=exploded`)).status).toBe(400);
    const far = await c.request('GET', `/sweeps/${id}/trials?offset=1e21`);
    expect(far.status).toBe(400);
    expect((far.body as { issues: { path: string }[] }).issues[0]!.path).toBe('offset');
    expect((await c.request('GET', `/sweeps/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await c.request('GET', `/sweeps/not-a-uuid`)).status).toBe(400);
  });
});
