/**
 * A GRPO sweep end to end on a trainer started with `--device torch`: API → BullMQ → dispatcher (the
 * lease asks for the torch runtime) → gRPC trainer (a PyTorch worker per slot) → Postgres, then Try it
 * on the trained adapter. Debian's python3-torch on the CPU; skipped, saying why, without torch.
 */
import { TORCH_PYTHON, torchAvailability } from '@tinysweep/torch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../e2e/cluster.js';

const torch = torchAvailability();

describe.skipIf(!torch.available)(`a GRPO sweep on a torch trainer${torch.available ? '' : ` — SKIPPED: ${torch.reason}`}`, () => {
  let c: Cluster;
  beforeAll(async () => {
    c = await Cluster.start({ trainers: 1, slotsPerTrainer: 1, env: { TINYSWEEP_TRAINER_DEVICE: 'torch', TINYSWEEP_PYTHON: TORCH_PYTHON } });
  }, 180_000);
  afterAll(async () => {
    await c?.stop();
  });

  it('trains every trial in the worker, says so in the environment, and Try it generates from the adapter', async () => {
    const nodes = await c.get<{ items: { device: string; backends: string[] }[] }>('/nodes');
    expect(nodes.items[0]).toMatchObject({ device: 'torch', backends: ['command', 'tinylora'] });
    const id = await c.submit({
      name: 'grpo-on-torch',
      model: { path: 'models/demo-arith' },
      task: { kind: 'arithmetic', ops: ['*'], min: 10, max: 99, heldOut: 'models/demo-arith/heldout.jsonl', evalSize: 20, maxNewTokens: 24 },
      adapter: { modules: 'all', layers: 'last:1', rank: 2, u: 13, tie: 'full' },
      optimizer: { kind: 'grpo', group: 4, temperature: 1, lr: 0.05, iterations: 3, batch: 4 },
      seeds: [1, 2],
      budget: { maxTrials: 4, trialTimeout: '5m', retries: 0 },
    });
    const done = await c.waitForSweep(id, 240_000);
    expect(done.counts).toMatchObject({ succeeded: 2 });
    const trials = await c.query<{ id: string; environment: { engine: string }; adapter: { v: number[] } }>(
      'SELECT id, environment, adapter FROM trial WHERE sweep_id = $1',
      id,
    );
    expect(trials).toHaveLength(2);
    for (const t of trials) {
      expect(t.environment.engine).toMatch(/^tinylora\/.*\+torch$/);
      expect(t.adapter.v.some((x) => x !== 0)).toBe(true);
    }
    const loaded = await c.get<{ items: { loadedModels?: string[] }[] }>('/nodes');
    expect(loaded.items[0]?.loadedModels).toEqual(['models/demo-arith']);
    const tried = await c.request('POST', `/trials/${trials[0]!.id}/try`, { prompt: '47 * 12 =' });
    expect(tried.status).toBe(200);
    expect((tried.body as { completions: { base: string; adapted: string }[] }).completions[0]!.base).toMatch(/\d/);
  }, 300_000);
});
