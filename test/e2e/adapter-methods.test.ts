/**
 * Adapter methods end to end: one sweep whose `adapter.method` axis runs TinyLoRA, LoRA-XS and LoRA
 * on models/demo-arith through API → queue → gRPC trainer (ONNX Runtime, CPU) → Postgres, each trial
 * storing its method's trainable count and adapter file; Try it runs each; the spec refuses a field
 * its method does not read. Mirrors examples/method-comparison.yaml, shrunk to 2 generations.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapterFileMethod, parseAnyAdapter } from '@tinysweep/engine';
import { parseSweepSpec, planSweep } from '@tinysweep/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from './cluster.js';

const example = () => parseSweepSpec(readFileSync('examples/method-comparison.yaml', 'utf8'));

describe('a sweep over adapter methods through API → queue → trainer → Postgres', () => {
  let c: Cluster;
  let graphs: string;
  beforeAll(async () => {
    graphs = mkdtempSync(join(tmpdir(), 'tinysweep-e2e-graphs-'));
    c = await Cluster.start({ trainers: 1, slotsPerTrainer: 1, env: { TINYSWEEP_CACHE_DIR: graphs } });
  });
  afterAll(async () => {
    await c?.stop();
    rmSync(graphs, { recursive: true, force: true });
  });

  it('trains one trial per method, each with its own trainable count and adapter file; Try it runs each', async () => {
    const spec = {
      name: 'methods-e2e',
      backend: { kind: 'tinylora' },
      model: { path: 'models/demo-arith' },
      task: { kind: 'arithmetic', ops: ['*'], min: 10, max: 99, heldOut: 'models/demo-arith/heldout.jsonl', evalSize: 8, maxNewTokens: 24 },
      adapter: { method: ['tinylora', 'lora-xs', 'lora'], modules: ['q', 'v'], layers: 'last:1', rank: 1, u: 4, tie: 'full' },
      prune: { threshold: 0.3 },
      optimizer: { kind: 'es', population: 4, sigma: 0.15, lr: 0.1, iterations: 2, batch: 4 },
      seeds: [1],
      budget: { maxTrials: 10, trialTimeout: '2m', retries: 0 },
    };
    const id = await c.submit(spec);
    const done = await c.waitForSweep(id, 180_000);
    expect(done.counts).toMatchObject({ succeeded: 3, failed: 0 });
    const trials = await c.query<{ id: string; method: string | null; trainable_params: number; adapter: unknown; metrics: Record<string, number> }>(
      `SELECT id, params->'adapter'->>'method' AS method, trainable_params::float8 AS trainable_params, adapter, metrics FROM trial WHERE sweep_id = $1 ORDER BY ordinal`,
      id,
    );
    // tinylora: u = 4 tied over both modules; lora-xs: 2 modules × 1²; lora: 2 × 1·(128 + 128)
    expect(trials.map((t) => [t.method, t.trainable_params])).toEqual([
      [null, 4],
      ['lora-xs', 2],
      ['lora', 512],
    ]);
    for (const t of trials) {
      const file = parseAnyAdapter(JSON.stringify(t.adapter));
      expect(adapterFileMethod(file)).toBe(t.method ?? 'tinylora');
      expect(file.trainableParams).toBe(t.trainable_params);
      expect(file.prune).toEqual({ threshold: 0.3 });
      expect(typeof t.metrics['acc_pruned@0.3']).toBe('number');
      const r = await c.request('POST', `/trials/${t.id}/try`, { prompts: ['12*34='] });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect((r.body as { completions: unknown[] }).completions).toHaveLength(1);
    }
  }, 240_000);

  it('refuses a field the spec’s methods do not read, naming it', async () => {
    const r = await c.request('POST', '/sweeps', { ...example(), name: 'bad-methods', adapter: { method: 'lora', u: 4 } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toMatch(/adapter\.u.*applies only to adapter\.method tinylora/);
  });
});

describe('examples/method-comparison.yaml', () => {
  // that every trial passes the trainer's checks: libs/trial's tinylora-trial.spec.ts (the trial contract), for every example
  it('is a valid spec with one method per trial', () => {
    const plan = planSweep(example());
    expect(plan.trials).toHaveLength(8);
    const methods = plan.trials.map((t) => (t.params.adapter as { method?: string }).method ?? 'tinylora');
    expect(methods.filter((m) => m === 'tinylora')).toHaveLength(4);
  });
});
