import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { STORIES260K_DIR } from '@tinysweep/model/testing';
import { parseAdapter } from '@tinysweep/tinylora';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingSink } from '../../testing/recording-sink.js';
import { checkTrialRun, TRIAL_CONTRACT } from '@tinysweep/trial';
import type { BackendRequest } from '../backend.js';
import { TrainAbort } from '../train-abort.js';
import { executionProviderFor, parseDevice, slotTorchDevices } from './device-spec.js';
import { TinyLoraBackend } from './tinylora-backend.js';

let workdir: string;
let backend: TinyLoraBackend;
beforeAll(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'tinysweep-tinylora-spec-'));
  backend = new TinyLoraBackend({ graphCacheDir: join(workdir, 'graphs'), maxBatch: 64 });
});
afterAll(async () => {
  await backend.close();
  await rm(workdir, { recursive: true, force: true });
});

/** A few-second trial on the real stories260K, its path relative to the workdir as a spec would give it. */
function params(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: { path: relative(workdir, join(STORIES260K_DIR, 'stories260K.bin')) },
    // nll: a smooth fitness (the NLL of the regex task's reference, "Tom"), so even two generations move v
    task: { kind: 'regex', pattern: 'Tom', prompts: ['Once upon a time, there was a little boy named', 'One day, a girl named'], maxNewTokens: 4, objective: 'nll' },
    adapter: { modules: ['q', 'v'], layers: 'last:2', rank: 1, u: 2, tie: { mode: 'full' } },
    prune: { threshold: 0.5, retrainIterations: 1 },
    optimizer: { kind: 'es', population: 4, sigma: 0.3, lr: 0.1, iterations: 2, batch: 2 },
    seed: 3,
    ...over,
  };
}

/** A run as the server hands it over: its params checked against the trial contract (libs/trial's tests cover refusals there). */
function request(p: Record<string, unknown>): BackendRequest {
  const checked = checkTrialRun('tinylora', TRIAL_CONTRACT, p);
  if (!checked.ok) throw new Error(checked.error);
  return { trialId: 'trial-1', sweepId: 'sweep-1', attempt: 1, params: p, trial: checked.run, spec: { kind: 'tinylora' }, timeoutMs: 0, workdir };
}

describe('TinyLoraBackend', () => {
  it('trains on the real model, streams progress and engine lines, and returns metrics and the adapter file', async () => {
    const sink = new RecordingSink();
    const result = await backend.run(request(params()), sink, new AbortController().signal);
    expect(result.error ?? '').toBe('');
    expect(result).toMatchObject({ ok: true, trainableParams: 2 });
    expect(Object.keys(result.metrics ?? {})).toEqual(
      expect.arrayContaining(['acc_before', 'acc_before_lo', 'acc_before_hi', 'acc', 'acc_lo', 'acc_hi', 'train_seconds', 'acc_pruned@0.5', 'score']),
    );
    const adapter = parseAdapter(result.adapterJson ?? '');
    expect(adapter).toMatchObject({ trainableParams: 2, structure: { layers: [3, 4], modules: ['q', 'v'], rank: 1, u: 2 }, prune: { threshold: 0.5 } });
    expect(result.effectiveParams).toBe(adapter.effectiveParams);
    // 2 training generations + 1 retraining generation after pruning
    expect(sink.steps.map((s) => s.step)).toEqual([1, 2, 3]);
    expect(sink.steps[0].metrics).toMatchObject({ train_nll: expect.any(Number), best_nll: expect.any(Number), sigma: 0.3 });
    expect(sink.steps[2].metrics.prune_threshold).toBe(0.5);
    expect(sink.lines('engine')[0]).toMatch(/^model loaded: /);

    // The node keeps the model and the session: the next trial of this structure loads nothing.
    const again = new RecordingSink();
    const second = await backend.run(request(params({ seed: 4 })), again, new AbortController().signal);
    expect(second.ok).toBe(true);
    expect(again.lines('engine')[0]).toMatch(/^model cache hit: /);
    expect(again.lines('engine')[1]).toMatch(/session cache hit$/);
    expect(backend.models.stats()).toMatchObject({ modelLoads: 1, modelHits: 1, sessionOpens: 1, sessionHits: 1 });
  });

  it.each([
    [{ optimizer: { kind: 'grpo', iterations: 1 } }, /^params\.optimizer\.kind: grpo needs sampling and gradients, which the onnxruntime:cpu device cannot compute; run it on a trainer started with --device torch/],
    [{ task: { kind: 'regex', prompts: ['a'] } }, /^params\.task\.pattern: required$/],
    [{ task: { kind: 'nope' } }, /^params\.task: unknown task kind "nope"/],
    [{ adapter: { modules: ['q'], layers: [7], rank: 1, u: 1, tie: { mode: 'none' } } }, /^params\.adapter: layer selector \[7\]: .*5/],
    [{ model: { path: 'models/missing.bin' } }, /^params\.model\.path: .*models\/missing\.bin does not exist on trainer/],
  ])('refuses bad params as a bad request naming the field (%#)', async (over, error) => {
    const result = await backend.run(request(params(over)), new RecordingSink(), new AbortController().signal);
    expect(result).toMatchObject({ ok: false, failure: 'FAILURE_BAD_REQUEST' });
    expect(result.error).toMatch(error);
  });

  it('stops between generations when the signal aborts, with the abort reason as the failure', async () => {
    const controller = new AbortController();
    const sink: RecordingSink = new RecordingSink();
    const progress = sink.progress.bind(sink);
    sink.progress = (step, metrics) => {
      progress(step, metrics);
      controller.abort(new TrainAbort('timeout', 'trial timed out after 1 s'));
    };
    const result = await backend.run(request(params({ optimizer: { kind: 'es', population: 4, iterations: 50, batch: 2 } })), sink, controller.signal);
    expect(result).toMatchObject({ ok: false, failure: 'FAILURE_TIMEOUT', error: 'trial timed out after 1 s' });
    expect(sink.steps).toHaveLength(1);
  });

  it('maps the node device to an execution provider or torch workers, one per slot', () => {
    expect(executionProviderFor('cpu')).toBe('cpu');
    expect(executionProviderFor('cuda')).toBe('cuda');
    expect(executionProviderFor('cuda:1')).toBe('cuda');
    expect(() => executionProviderFor('mps')).toThrow(/device must be cpu, cuda, cuda:N, torch, torch:cpu, torch:cuda or torch:cuda:N/);
    expect(() => new TinyLoraBackend({ device: 'tpu' })).toThrow(/got "tpu"/);
    expect(parseDevice('torch')).toEqual({ runtime: 'torch', kind: 'cpu' });
    expect(parseDevice('torch:cuda:3')).toEqual({ runtime: 'torch', kind: 'cuda', gpu: 3 });
    expect(slotTorchDevices(parseDevice('torch:cuda'), 2, [4, 7])).toEqual(['cuda:4', 'cuda:7']);
    expect(slotTorchDevices(parseDevice('torch:cuda:1'), 2, undefined)).toEqual(['cuda:1', 'cuda:1']);
    expect(() => slotTorchDevices(parseDevice('torch:cuda'), 3, [0, 1])).toThrow(/--gpus lists 2 GPUs but the trainer has 3 slots/);
    expect(() => slotTorchDevices(parseDevice('torch'), 1, [0])).toThrow(/--gpus needs --device torch:cuda/);
    // a torch node's workers start lazily: making the backend spawns nothing
    const torch = new TinyLoraBackend({ device: 'torch:cuda', gpus: [0, 1] });
    expect(torch.slotDevices.map((d) => d.name)).toEqual(['torch:cuda:0', 'torch:cuda:1']);
    expect(torch.slotDevices.every((d) => d.worker.pid === undefined)).toBe(true);
  });
});
