import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, slowSpec } from './cluster.js';

describe('a sweep through API → BullMQ → gRPC trainers → Postgres', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await Cluster.start({ trainers: 2, slotsPerTrainer: 2 });
  });
  afterAll(async () => {
    await c?.stop();
  });

  it('runs a 20-trial command-backend sweep with every result, curve and count stored', async () => {
    const id = await c.submit(slowSpec('twenty', { xs: [0, 1, 2, 3, 4], seeds: [1, 2, 3, 4], steps: 4, stepMs: 20 }));
    const done = await c.waitForSweep(id);
    expect(done.status).toBe('completed');
    expect(done.counts).toMatchObject({ succeeded: 20, failed: 0, queued: 0, running: 0 });

    const trials = await c.query<{ id: string; score: number; x: number; seed: number; attempts: number }>(
      `SELECT id, (metrics->>'score')::float8 AS score, (params->>'x')::int AS x, seed, attempts FROM trial WHERE sweep_id = $1`,
      id,
    );
    expect(trials).toHaveLength(20);
    for (const t of trials) expect(t.score).toBe(t.x * 10 + t.seed); // the program's own result, per trial
    const steps = await c.query<{ n: string }>(`SELECT count(*) AS n FROM trial_step s JOIN trial t ON t.id = s.trial_id WHERE t.sweep_id = $1`, id);
    expect(Number(steps[0]!.n)).toBe(20 * 4);
    // both trainers took work
    const nodes = await c.query<{ trainer_id: string }>(`SELECT DISTINCT trainer_id FROM trial WHERE sweep_id = $1`, id);
    expect(nodes.length).toBe(2);

    const best = await c.get<{ best: { value: number } }>(`/sweeps/${id}`);
    expect(best.best.value).toBe(44);
    const page = await c.get<{ total: number; items: { metrics: { score: number } }[] }>(`/sweeps/${id}/trials?sort=metrics.score&order=desc&limit=3&offset=1`);
    expect(page.total).toBe(20);
    expect(page.items.map((t) => t.metrics.score)).toEqual([43, 42, 41]);
    const filtered = await c.get<{ total: number }>(`/sweeps/${id}/trials?params.x=2`);
    expect(filtered.total).toBe(4);
  });

  it('collapses duplicate configs so each runs once', async () => {
    const spec = slowSpec('dupes', { xs: [1, 1, 2], steps: 1, stepMs: 1 });
    const r = await c.request('POST', '/sweeps', spec);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ trialCount: 2, duplicatesCollapsed: 1 });
    await c.waitForSweep((r.body as { id: string }).id);
  });

  it('records a failing program as a failed trial with its stderr, and the sweep goes on', async () => {
    const id = await c.submit(slowSpec('fails', { xs: [1, 2], steps: 1, stepMs: 1, env: { FAIL_IF_X: '2' } }));
    const done = await c.waitForSweep(id);
    expect(done.counts).toMatchObject({ succeeded: 1, failed: 1 });
    const failed = await c.query<{ error: string; attempts: number }>(`SELECT error, attempts FROM trial WHERE sweep_id = $1 AND status = 'failed'`, id);
    expect(failed[0]!.error).toMatch(/exit code 3.*refusing x=2/s);
    expect(failed[0]!.attempts).toBe(1); // a program's own failure is not retried
  });

  it('retries a finished trial on request and keeps its attempt history', async () => {
    const id = await c.submit(slowSpec('retry', { xs: [5], steps: 1, stepMs: 1 }));
    await c.waitForSweep(id);
    const [trial] = await c.query<{ id: string }>(`SELECT id FROM trial WHERE sweep_id = $1`, id);
    const r = await c.request('POST', `/trials/${trial!.id}/retry`);
    expect(r.status).toBe(200);
    await c.waitFor(async () => (await c.get<{ status: string }>(`/trials/${trial!.id}`)).status === 'succeeded', 30_000, 'retried trial');
    const detail = await c.get<{ attempts: number; attemptHistory: { outcome: string }[]; curve: unknown[] }>(`/trials/${trial!.id}`);
    expect(detail.attempts).toBe(2);
    expect(detail.attemptHistory.map((a) => a.outcome)).toEqual(['succeeded', 'succeeded']);
    expect(detail.curve).toHaveLength(1);
    expect((await c.sweep(id)).status).toBe('completed');
  });

  it('lists sweeps, nodes, health, metrics and the OpenAPI document', async () => {
    expect((await c.get<{ items: unknown[] }>('/sweeps')).items.length).toBeGreaterThanOrEqual(4);
    const nodes = await c.get<{ items: { alive: boolean; slots: number; device: string }[] }>('/nodes');
    expect(nodes.items.every((n) => n.alive && n.slots === 2 && n.device === 'cpu')).toBe(true);
    expect(await c.get('/health')).toMatchObject({ status: 'ok', postgres: 'ok', redis: 'ok' });
    const metrics = (await c.request('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/tinysweep_sweeps_submitted_total \d+/);
    const doc = await c.get<{ paths: Record<string, unknown> }>('/docs-json');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/sweeps', '/sweeps/{id}/trials', '/trials/{id}/retry', '/nodes']));
  });

  it('works from the CLI: submit, watch to completion, results as CSV, nodes', async () => {
    const cli = (...args: string[]) =>
      // the token as `tinysweep up` leaves it: a file the CLI reads
      spawnSync(process.execPath, ['apps/cli/bin/tinysweep.js', '--api', c.urls.apiUrl, ...args], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, TINYSWEEP_API_TOKEN: '', TINYSWEEP_API_TOKEN_FILE: c.urls.secrets!.tokenFile },
      });
    const specFile = join(c.dataDir, 'cli-spec.json');
    writeFileSync(specFile, JSON.stringify(slowSpec('from-cli', { xs: [1, 2, 3], steps: 2, stepMs: 5 })));
    const submitted = cli('--json', 'submit', specFile);
    expect(submitted.status, submitted.stderr).toBe(0);
    const { id } = JSON.parse(submitted.stdout) as { id: string };
    const watched = cli('watch', id);
    expect(watched.status, watched.stderr).toBe(0);
    expect(watched.stdout).toMatch(/completed/);
    const csv = cli('results', id, '--format', 'csv');
    expect(csv.status, csv.stderr).toBe(0);
    const [header, ...rows] = csv.stdout.trim().split('\n');
    expect(header).toMatch(/metrics\.score/);
    expect(rows).toHaveLength(3);
    const bad = cli('submit', join(c.dataDir, 'missing.yaml'));
    expect(bad.status).not.toBe(0);
    const invalid = join(c.dataDir, 'invalid.yaml');
    writeFileSync(invalid, 'name: x\nbackend: {kind: command, command: ["true"]}\nseeds: [-1]\n');
    const refused = cli('submit', invalid);
    expect(refused.status).toBe(2);
    expect(refused.stdout + refused.stderr).toMatch(/seeds\[0\]/);
    const nodes = cli('nodes');
    expect(nodes.stdout).toMatch(/trainer-1/);
  });
});
