/**
 * Try it end to end: a tinylora sweep trains a real adapter on stories260K (CPU, ONNX Runtime), then
 * POST /trials/:id/try goes API → fleet registry → trainer's Generate RPC (mutual TLS, trainer
 * token) → the tinylora backend's model cache, and the board's side-by-side comes back. The trial
 * teaches the model to name its hero "Tom"; its held-out prompts are the ones tried, so the
 * completions must agree with the accuracy the trial itself recorded before and after training.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { STORIES260K_DIR } from '@tinysweep/model/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, slowSpec } from './cluster.js';

const API_TOKEN = 'try-it-token-0123456789';
const AUTH = { authorization: `Bearer ${API_TOKEN}` };
const CHARACTERS = ['a little girl', 'a little boy', 'a happy girl', 'a kind boy', 'a small girl', 'a brave boy', 'a sweet girl', 'a curious boy'];
const TRAIN = ['Once upon a time, there was', 'There was once', 'Long ago, there lived', 'In a little house, there lived'].flatMap((o) => CHARACTERS.map((c) => `${o} ${c} named`));
/** Held out by the trial, and what Try it is asked: 8 prompts, the most one call takes. */
const HELD_OUT = CHARACTERS.map((c) => `One day, there was ${c} named`);
const tom = (text: string) => /\bTom\b/.test(text);

/**
 * One trial, 13 numbers (u = 13, all 35 modules tied), ~5 s on a CPU. With seed 1 the base model's
 * 0/8 held-out "Tom"s become 3/8 ("Tim. Tim loved to play with" → "Tom. Tim was a very happy").
 */
function tomSweep(name: string) {
  return {
    name,
    backend: { kind: 'tinylora' },
    model: { path: relative(process.cwd(), join(STORIES260K_DIR, 'stories260K.bin')) },
    task: { kind: 'regex', pattern: '\\bTom\\b', prompts: TRAIN, evalPrompts: HELD_OUT, maxNewTokens: 8 },
    adapter: { modules: 'all', layers: 'all', rank: 2, u: 13, tie: 'full' },
    optimizer: { kind: 'es', population: 16, sigma: 0.3, lr: 0.1, iterations: 20, batch: 8 },
    seeds: [1],
    objective: { metric: 'acc', mode: 'max' },
    budget: { maxTrials: 1, trialTimeout: '3m', retries: 0 },
  };
}

interface TryResult {
  trialId: string;
  completions: { prompt: string; base: string; adapted: string }[];
  maxNewTokens: number;
  node: { id: string; modelCacheHit: boolean; sessionCacheHit: boolean };
  timing: { seconds: number; trainerSeconds: number; generateSeconds: number };
}

describe('Try it: POST /trials/:id/try through a live trainer', () => {
  let c: Cluster;
  let graphs: string;
  let trial: { id: string; metrics: Record<string, number> };
  let commandTrialId: string;
  const post = (path: string, body?: unknown, headers: Record<string, string> = AUTH) => c.request('POST', path, body, headers);
  const submit = async (spec: unknown) => {
    const r = await post('/sweeps', spec);
    if (r.status !== 201) throw new Error(`submit → ${r.status}: ${JSON.stringify(r.body)}`);
    return (r.body as { id: string }).id;
  };

  beforeAll(async () => {
    graphs = mkdtempSync(join(tmpdir(), 'tinysweep-e2e-graphs-'));
    // The API dials the trainer like the dispatcher does: mutual TLS (the stack's dev PKI) and the trainer token.
    c = await Cluster.start({ trainers: 1, slotsPerTrainer: 1, env: { TINYSWEEP_CACHE_DIR: graphs, TINYSWEEP_API_TOKEN: API_TOKEN } });
    const tinylora = await submit(tomSweep('try-it-tom'));
    const command = await submit(slowSpec('try-it-command', { xs: [1], steps: 2, stepMs: 10 }));
    expect((await c.waitForSweep(tinylora, 180_000)).status).toBe('completed');
    expect((await c.waitForSweep(command, 60_000)).status).toBe('completed');
    [trial] = await c.query<{ id: string; metrics: Record<string, number> }>('SELECT id, metrics FROM trial WHERE sweep_id = $1', tinylora);
    [{ id: commandTrialId }] = await c.query<{ id: string }>('SELECT id FROM trial WHERE sweep_id = $1', command);
  }, 300_000);

  afterAll(async () => {
    await c?.stop();
    rmSync(graphs, { recursive: true, force: true });
  });

  it('answers the base and the adapted completion of each prompt; the adapter says Tom where the base model did not', async () => {
    const r = await post(`/trials/${trial.id}/try`, { prompts: HELD_OUT });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const body = r.body as TryResult;
    expect(body.completions.map((x) => x.prompt)).toEqual(HELD_OUT);
    expect(body.maxNewTokens).toBe(8); // the trial's own task.maxNewTokens
    for (const x of body.completions) console.info(`[try it] ${x.prompt} |base:${x.base} |adapted:${x.adapted}`);

    // What the trial recorded is what Try it shows: the same held-out prompts, laid out and cut alike.
    const m = trial.metrics;
    expect(body.completions.filter((x) => tom(x.base)).length / HELD_OUT.length).toBe(m.acc_before);
    expect(body.completions.filter((x) => tom(x.adapted)).length / HELD_OUT.length).toBe(m.acc);
    // The adapter demonstrably changed behaviour: prompts where the base model names someone else and the adapted one says Tom.
    expect(m.acc).toBeGreaterThan(m.acc_before);
    const changed = body.completions.filter((x) => !tom(x.base) && tom(x.adapted));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((x) => /\b(Lily|Tim)\b/.test(x.base))).toBe(true);

    // Served by the node that trained it, from its cache: nothing loaded for this.
    expect(body.node).toEqual({ id: 'trainer-1', modelCacheHit: true, sessionCacheHit: true });
    expect(body.timing.generateSeconds).toBeGreaterThan(0);
    expect(body.timing.seconds).toBeGreaterThanOrEqual(body.timing.trainerSeconds);
  });

  it('takes a single prompt and a shorter maxNewTokens', async () => {
    const r = await post(`/trials/${trial.id}/try`, { prompt: HELD_OUT[0], maxNewTokens: 3 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const body = r.body as TryResult;
    expect(body.maxNewTokens).toBe(3);
    expect(body.completions).toHaveLength(1);
    expect(body.completions[0]!.prompt).toBe(HELD_OUT[0]);
  });

  it('refuses with the status that says why: 401, 400 naming the field, 404, 409', async () => {
    expect((await post(`/trials/${trial.id}/try`, { prompt: 'x' }, { authorization: '' })).status).toBe(401);

    const empty = await post(`/trials/${trial.id}/try`, { prompts: [] });
    expect(empty).toMatchObject({ status: 400, body: { message: 'prompts: must hold at least one prompt', issues: [{ path: 'prompts' }] } });
    const tooMany = await post(`/trials/${trial.id}/try`, { prompts: [...HELD_OUT, 'one more'] });
    expect(tooMany).toMatchObject({ status: 400, body: { issues: [{ path: 'prompts', message: 'at most 8 prompts per call' }] } });
    const tokens = await post(`/trials/${trial.id}/try`, { prompt: 'x', maxNewTokens: 1000 });
    expect(tokens).toMatchObject({ status: 400, body: { issues: [{ path: 'maxNewTokens', message: 'must be at most 256' }] } });
    // Past the model's context: only the trainer can count tokens; its INVALID_ARGUMENT comes back naming the body's field.
    const long = await post(`/trials/${trial.id}/try`, { prompt: 'word '.repeat(390) });
    expect(long.status).toBe(400);
    expect(long.body).toMatchObject({ issues: [{ path: 'prompt', message: expect.stringMatching(/tokens .* exceed the model's context of 512/) }] });

    const missing = await post('/trials/00000000-0000-4000-8000-000000000000/try', { prompt: 'x' });
    expect(missing).toMatchObject({ status: 404, body: { message: 'trial 00000000-0000-4000-8000-000000000000 not found' } });
    const command = await post(`/trials/${commandTrialId}/try`, { prompt: 'x' });
    expect(command.status).toBe(409);
    expect((command.body as { message: string }).message).toMatch(/ran on the command backend; Try it needs a tinylora trial/);
  });

  it('answers 503 when no trainer is live', async () => {
    await c.group.stop('trainer-1'); // a clean stop leaves the fleet at once
    const r = await post(`/trials/${trial.id}/try`, { prompt: HELD_OUT[0] });
    expect(r.status).toBe(503);
    expect((r.body as { message: string }).message).toMatch(/no live trainer offers the tinylora backend/);
  });
});
