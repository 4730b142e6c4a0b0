/**
 * A researcher's workflow through the whole stack (issue 17), on one cluster whose trainer may run
 * node and python3 programs:
 *
 * - steering from the CLI: `extend --seeds` (new trials, old results untouched), `extend --set
 *   prune.threshold=…` (the new threshold joins the trained adapters: evaluated, not trained again),
 *   `retry`, `cancel`; `configs` with an accuracy's pooled Wilson interval;
 * - `tinysweep adapter` writing a PEFT LoRA directory and a merged HF model that loads;
 * - the Python client (clients/python), installed by pip from the repo with Debian's python3, its
 *   unittest suite run against this cluster (and checked against the API's OpenAPI document).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { loadModel } from '@tinysweep/model';
import { parseSweepSpec, planSweep } from '@tinysweep/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, slowSpec } from './cluster.js';

const PYTHON = '/usr/bin/python3';
const HAS_PIP = existsSync(PYTHON) && spawnSync(PYTHON, ['-m', 'pip', '--version']).status === 0;

const demoSpec = (name: string) => ({
  name,
  backend: { kind: 'tinylora' },
  model: { path: 'models/demo-arith' },
  task: { kind: 'arithmetic', ops: ['*'], min: 10, max: 99, heldOut: 'models/demo-arith/heldout.jsonl', evalSize: 20, maxNewTokens: 24 },
  adapter: { modules: 'all', layers: 'last:1', rank: 2, u: 13, tie: 'full' },
  prune: { threshold: [0, 0.3] },
  optimizer: { kind: 'es', population: 8, sigma: 0.15, lr: 0.1, iterations: 3, batch: 8 },
  seeds: [1],
  objective: { metric: 'score', mode: 'max' },
  budget: { maxTrials: 20, trialTimeout: '2m', retries: 0 },
});

interface Row {
  id: string;
  seed: number;
  threshold: number;
  status: string;
  training_id: string | null;
  metrics: Record<string, number> | null;
  attempts: number;
}

describe("a researcher's workflow: steer from the CLI, export adapters, the Python client", () => {
  let c: Cluster;
  let demoId: string;
  const dirs: string[] = [];
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['apps/cli/bin/tinysweep.js', '--api', c.urls.apiUrl, ...args], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, TINYSWEEP_API_TOKEN: '', TINYSWEEP_API_TOKEN_FILE: c.urls.secrets!.tokenFile },
    });
  const rows = (sweepId: string) =>
    c.query<Row>(
      `SELECT id, seed, (params->'prune'->>'threshold')::float8 AS threshold, status, training_id, metrics, attempts FROM trial WHERE sweep_id = $1 ORDER BY ordinal`,
      sweepId,
    );
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'tinysweep-workflow-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    // Debian's python3 by its path: a `python3` on PATH may be a shim the sandbox's user cannot run.
    c = await Cluster.start({ trainers: 1, slotsPerTrainer: 2, env: { TINYSWEEP_ALLOW_COMMAND: `node,${PYTHON}` } });
    demoId = await c.submit(demoSpec('workflow-demo'));
    expect((await c.waitForSweep(demoId, 180_000)).status).toBe('completed');
  }, 240_000);
  afterAll(async () => {
    await c?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('extends a sweep from the CLI with seeds and with an axis value, leaving its results as they were', async () => {
    const before = await rows(demoId);
    expect(before.map((t) => [t.seed, t.threshold])).toEqual([[1, 0], [1, 0.3]]);
    const seeds = cli('extend', demoId, '--seeds', '2');
    expect(seeds.status, seeds.stderr).toBe(0);
    expect(seeds.stdout).toMatch(/2 trials added \(1 new training\) · 4 in all · seeds 1,2/);
    expect((await c.waitForSweep(demoId, 180_000)).status).toBe('completed');

    const threshold = cli('--json', 'extend', demoId, '--set', 'prune.threshold=0.5');
    expect(threshold.status, threshold.stderr).toBe(0);
    expect(JSON.parse(threshold.stdout)).toMatchObject({ added: 2, sharedTrainings: 0, trialCount: 6 });
    expect((await c.waitForSweep(demoId, 180_000)).status).toBe('completed');

    const after = await rows(demoId);
    expect(after.map((t) => [t.seed, t.threshold])).toEqual([[1, 0], [1, 0.3], [2, 0], [2, 0.3], [1, 0.5], [2, 0.5]]);
    expect(after.every((t) => t.status === 'succeeded')).toBe(true);
    for (const old of before) expect(after.find((t) => t.id === old.id)).toEqual(old); // untouched
    // the new threshold pruned each seed's stored training: no training ran for it
    const trainings = await c.query<{ id: string; attempts: number }>(`SELECT id, attempts FROM trial_training WHERE sweep_id = $1`, demoId);
    expect(trainings).toHaveLength(2);
    expect(after[4]!.training_id).toBe(after[0]!.training_id);
    expect(after[5]!.training_id).toBe(after[2]!.training_id);
    expect(after[4]!.metrics!.acc).toBe(after[0]!.metrics!.acc); // the same trained adapter's accuracy

    const configs = cli('configs', demoId);
    expect(configs.status, configs.stderr).toBe(0);
    expect(configs.stdout).toMatch(/pooled 95% \(Wilson\)/);
    expect(configs.stdout).toMatch(/│ +2 │ +[\d.]+ │ +\[[\d.]+, [\d.]+\] │ +40 │/); // 2 seeds × 20 held-out problems
  }, 400_000);

  it('writes a trial’s adapter as a PEFT LoRA directory and as a merged HF model (tinysweep adapter)', async () => {
    const [trial] = await rows(demoId);
    const lora = tmp();
    const r = cli('adapter', trial!.id, '--format', 'peft-lora', '-o', lora);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/peft-lora adapter of trial .* written to .*: adapter_config\.json, adapter_model\.safetensors, README\.md/);
    expect(JSON.parse(readFileSync(join(lora, 'adapter_config.json'), 'utf8'))).toMatchObject({ peft_type: 'LORA', r: 2, lora_alpha: 2 });

    const merged = tmp();
    expect(cli('adapter', trial!.id, '--format', 'merged', '-o', merged).status).toBe(0);
    const model = await loadModel(merged);
    expect(model.config).toMatchObject({ nLayers: 4, architecture: 'llama' });

    // a llama2.c model has no HF form; a command trial has no TinyLoRA adapter
    const bad = await c.request('GET', `/trials/${trial!.id}/adapter?format=gguf`);
    expect(bad).toMatchObject({ status: 400, body: { issues: [{ path: 'format' }] } });
  }, 120_000);

  it('retries a trial and cancels a sweep from the CLI', async () => {
    const [trial] = await rows(demoId);
    const retried = cli('retry', trial!.id);
    expect(retried.status, retried.stderr).toBe(0);
    await c.waitFor(async () => (await rows(demoId)).find((t) => t.id === trial!.id)!.attempts === 2 && (await c.sweep(demoId)).status === 'completed', 120_000, 'the retried trial to run again');

    const slow = await c.submit(slowSpec('to-cancel', { xs: [1, 2, 3, 4], steps: 400, stepMs: 50 }));
    const cancelled = cli('cancel', slow);
    expect(cancelled.status, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(/: [1-4] trials? cancelled/);
    expect((await c.sweep(slow)).status).toBe('cancelled');
  }, 180_000);

  it("serves an OpenAPI document that passes Redocly's recommended ruleset (offline), so clients can be generated from it", async () => {
    const doc = await c.get<Record<string, unknown>>('/docs-json');
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'docs.json', config });
    const describe = (p: (typeof problems)[number]) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location.map((l) => l.pointer).join(', ')}`;
    expect(problems.map(describe)).toEqual([]);
    // each operation's security comes from its route's roles
    const op = (path: string, method: string) => (doc.paths as Record<string, Record<string, Record<string, unknown>>>)[path]![method]!;
    expect(op('/health', 'get')).toMatchObject({ security: [] });
    expect(op('/sweeps', 'get')).toMatchObject({ security: [{ bearer: [] }], 'x-tinysweep-roles': ['read'] });
    expect(op('/sweeps/{id}/extend', 'post')).toMatchObject({ security: [{ bearer: [] }], 'x-tinysweep-roles': ['submit'] });
    expect(Object.keys(op('/sweeps/{id}/extend', 'post').responses as object)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404', '415']));
    expect(op('/trials/{id}/adapter', 'get')).toMatchObject({ security: [{ bearer: [] }], 'x-tinysweep-roles': ['read'] });
    expect(op('/nodes/heartbeat', 'post')).toMatchObject({ security: [{ bearer: [] }], 'x-tinysweep-roles': ['node'] });
  }, 60_000);

  // The pip-installed copy when pip is there (Debian: python3-pip), else the source tree.
  let installed: string | undefined;

  it.skipIf(!HAS_PIP)(`the Python client installs from the repo with pip, offline${HAS_PIP ? '' : ' — SKIPPED: python3 -m pip is not available (Debian: python3-pip)'}`, () => {
    const site = tmp();
    // Built from a copy: setuptools writes build/ beside the sources, and the checkout stays untouched.
    const source = join(tmp(), 'python');
    cpSync('clients/python', source, { recursive: true, filter: (from) => !/[/\\](build|__pycache__|[^/\\]*\.egg-info)$/.test(from) });
    // No build isolation: the system's setuptools builds it, nothing is fetched.
    const pip = spawnSync(PYTHON, ['-m', 'pip', 'install', '--quiet', '--no-build-isolation', '--no-deps', '--no-index', '--target', site, source], { encoding: 'utf8', timeout: 120_000 });
    expect(pip.status, pip.stderr).toBe(0);
    expect(existsSync(join(site, 'tinysweep', 'client.py'))).toBe(true);
    installed = site;
  }, 180_000);

  it.skipIf(!existsSync(PYTHON))('the Python client passes its tests against this cluster, its endpoints checked against the OpenAPI document', async () => {
    // the example sweep of the example program is a valid spec
    expect(planSweep(parseSweepSpec(readFileSync('examples/python-sweep.yaml', 'utf8'))).trials).toHaveLength(8);
    const [trial] = await rows(demoId);
    const home = tmp();
    const run = spawnSync(PYTHON, ['-m', 'unittest', 'discover', '-s', 'clients/python/tests', '-v'], {
      encoding: 'utf8',
      timeout: 600_000,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        PYTHONPATH: installed ?? join(process.cwd(), 'clients', 'python', 'src'),
        TINYSWEEP_TEST_API_URL: c.urls.apiUrl,
        TINYSWEEP_TEST_API_TOKEN: c.tokens.admin!,
        TINYSWEEP_TEST_ADAPTER_TRIAL: trial!.id,
        TINYSWEEP_TEST_PYTHON: PYTHON,
      },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Ran \d+ tests/);
    expect(run.stderr).not.toMatch(/skipped/);
    expect(run.stderr).toMatch(/test_every_endpoint_the_client_calls_is_in_the_openapi_document .* ok/);
  }, 700_000);
});
