import { describe, expect, it } from 'vitest';
import { RecordingSink } from '../testing/recording-sink.js';
import type { BackendRequest, TrainerBackend } from './backend.js';
import { runInMode, runModeOf } from './train-mode.js';

const req: BackendRequest = { trialId: 't', sweepId: 's', attempt: 1, params: {}, spec: {}, timeoutMs: 0, workdir: '.' };

describe('train modes', () => {
  it('maps the proto enum, TRAIN when unset', () => {
    expect(runModeOf(undefined)).toBe('train');
    expect(runModeOf('TRAIN_MODE_TRAIN')).toBe('train');
    expect(runModeOf('TRAIN_MODE_EVALUATE')).toBe('evaluate');
    expect(runModeOf('TRAIN_MODE_FINGERPRINT')).toBe('fingerprint');
  });

  it('answers a fingerprint without running anything, and runs train and evaluate', async () => {
    const runs: string[] = [];
    const backend: TrainerBackend = {
      name: 'fake',
      run: async (r) => {
        runs.push(r.mode ?? 'train');
        return { ok: true };
      },
      fingerprint: async () => ({ engine: 'fake/1', data_hash: 'none' }),
    };
    const signal = new AbortController().signal;
    expect(await runInMode(backend, 'fingerprint', req, new RecordingSink(), signal)).toEqual({ ok: true, environmentJson: '{"engine":"fake/1","data_hash":"none"}' });
    await runInMode(backend, 'evaluate', req, new RecordingSink(), signal);
    await runInMode(backend, 'train', req, new RecordingSink(), signal);
    expect(runs).toEqual(['evaluate', 'train']);
    const plain: TrainerBackend = { name: 'plain', run: async () => ({ ok: true }) };
    expect(await runInMode(plain, 'fingerprint', req, new RecordingSink(), signal)).toMatchObject({ ok: false, failure: 'FAILURE_BAD_REQUEST' });
  });
});
