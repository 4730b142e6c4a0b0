/**
 * The tinylora backend on the torch device (`--device torch`): trials run in a PyTorch worker process,
 * a worker that dies fails only the trial it was running (with its stderr tail) and the next trial gets
 * a fresh one. Real worker, real stories260K; skipped, saying why, where /usr/bin/python3 (or
 * TINYSWEEP_PYTHON) cannot import torch.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ENGINE_VERSION } from '@tinysweep/engine';
import { STORIES260K_DIR } from '@tinysweep/model/testing';
import { parseAdapter } from '@tinysweep/tinylora';
import { TorchWorker } from '@tinysweep/torch';
import { TORCH_PYTHON, torchAvailability } from '@tinysweep/torch/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingSink } from '../../testing/recording-sink.js';
import { checkTinyLoraTrial, type TinyLoraTrial } from '@tinysweep/trial';
import type { BackendRequest } from '../backend.js';
import { TinyLoraBackend } from './tinylora-backend.js';

const torch = torchAvailability();

describe.skipIf(!torch.available)(`TinyLoraBackend on --device torch${torch.available ? '' : ` — SKIPPED: ${torch.reason}`}`, () => {
  let workdir: string;
  let backend: TinyLoraBackend;
  beforeAll(async () => {
    workdir = await mkdtemp(join(tmpdir(), 'tinysweep-tinylora-torch-'));
    backend = new TinyLoraBackend({ device: 'torch', python: TORCH_PYTHON, maxBatch: 64 });
  });
  afterAll(async () => {
    await backend?.close();
    await rm(workdir, { recursive: true, force: true });
  });

  const params = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    model: { path: relative(workdir, join(STORIES260K_DIR, 'stories260K.bin')) },
    task: { kind: 'regex', pattern: 'Tom', prompts: ['Once upon a time, there was a little boy named', 'One day, a girl named'], maxNewTokens: 4, objective: 'nll' },
    adapter: { modules: ['q', 'v'], layers: 'last:2', rank: 1, u: 2, tie: { mode: 'full' } },
    optimizer: { kind: 'es', population: 4, sigma: 0.3, lr: 0.1, iterations: 2, batch: 2 },
    seed: 3,
    ...over,
  });
  const request = (p: Record<string, unknown>, trialId = 'trial-1'): BackendRequest => ({
    trialId,
    sweepId: 'sweep-1',
    attempt: 1,
    params: p,
    trial: { backend: 'tinylora', params: checkTinyLoraTrial(p as unknown as TinyLoraTrial) },
    spec: { kind: 'tinylora' },
    timeoutMs: 0,
    workdir,
  });

  it('trains in the worker and says so in its fingerprint', async () => {
    const [info] = await backend.describeDevices();
    expect(info).toMatchObject({ device: 'cpu', dtype: 'float32', torch: torch.available ? torch.version : '' });
    const result = await backend.run(request(params()), new RecordingSink(), new AbortController().signal);
    expect(result.error ?? '').toBe('');
    expect(parseAdapter(result.adapterJson ?? '').trainableParams).toBe(2);
    expect(JSON.parse(result.environmentJson ?? '{}')).toMatchObject({ engine: `tinylora/${ENGINE_VERSION}+torch` });
    expect(backend.loadedModels()).toEqual([(params().model as { path: string }).path]);

    // evaluate + prune a stored adapter, and Try it, on the same worker (the model and session cached)
    const evaluated = await backend.run(
      { ...request(params({ prune: { threshold: 0.5 } }), 'trial-eval'), mode: 'evaluate', adapterJson: result.adapterJson },
      new RecordingSink(),
      new AbortController().signal,
    );
    expect(evaluated).toMatchObject({ ok: true, metrics: { 'acc_pruned@0.5': expect.any(Number), score: expect.any(Number) } });
    const tried = await backend.generate(
      { params: params(), adapterJson: result.adapterJson ?? '', prompts: ['Once upon a time, there was a little boy named'], maxNewTokens: 6, workdir },
      new AbortController().signal,
    );
    expect(tried.completions).toHaveLength(1);
    expect(tried).toMatchObject({ modelCacheHit: true, sessionCacheHit: true });
    expect(backend.models.stats()).toMatchObject({ modelLoads: 1 });
  });

  it('a killed worker fails only the trial it was running; the next trial gets a fresh worker', async () => {
    const worker = backend.slotDevices[0]!.worker;
    const sink = new RecordingSink();
    const progress = sink.progress.bind(sink);
    let killed: number | undefined;
    sink.progress = (step, metrics) => {
      progress(step, metrics);
      if (killed === undefined && worker.pid !== undefined) {
        killed = worker.pid;
        process.kill(killed, 'SIGKILL'); // the fault: the worker dies mid-trial (an OOM kill, a segfault)
      }
    };
    const failed = await backend.run(request(params({ optimizer: { kind: 'es', population: 4, iterations: 40, batch: 2 } }), 'trial-killed'), sink, new AbortController().signal);
    expect(failed).toMatchObject({ ok: false, failure: 'FAILURE_EXIT' });
    expect(failed.error).toMatch(/^tinylora training failed: torch worker was killed by SIGKILL while running (generate|logprobs)/);
    expect(sink.steps.length).toBeLessThan(40);

    const next = await backend.run(request(params({ seed: 5 }), 'trial-after'), new RecordingSink(), new AbortController().signal);
    expect(next.error ?? '').toBe('');
    expect(next.ok).toBe(true);
    expect(worker.pid).toBeDefined();
    expect(worker.pid).not.toBe(killed);
  });

  it("a worker that cannot start fails with its stderr tail (here: a CUDA device on a machine that has none, or torch's own error)", async () => {
    const cuda = new TorchWorker({ device: 'cuda:0', python: TORCH_PYTHON });
    const hello = cuda.request({ op: 'hello' });
    await expect(hello).rejects.toThrow(/torch worker exited with code 1 while running hello\n--- worker stderr \(tail\) ---\n.*(sees no CUDA device|CUDA)/s);
    await cuda.close();
  });
});
