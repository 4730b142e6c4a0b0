/**
 * TrainRequest.mode on the trainer: `train` and `evaluate` go to the backend's run(), `fingerprint`
 * to its fingerprint() (answered as a result whose environment is the fingerprint, nothing run).
 */
import type { TrainMode__Output, TrainResult } from '@tinysweep/proto';
import type { BackendRequest, EventSink, TrainerBackend } from './backend.js';

export type RunMode = 'train' | 'evaluate' | 'fingerprint';

export function runModeOf(mode: TrainMode__Output | undefined): RunMode {
  return mode === 'TRAIN_MODE_EVALUATE' ? 'evaluate' : mode === 'TRAIN_MODE_FINGERPRINT' ? 'fingerprint' : 'train';
}

/** Runs a request in its mode; never throws for an expected failure (like TrainerBackend.run). */
export async function runInMode(backend: TrainerBackend, mode: RunMode, req: BackendRequest, sink: EventSink, signal: AbortSignal): Promise<TrainResult> {
  if (mode !== 'fingerprint') return backend.run({ ...req, mode }, sink, signal);
  if (!backend.fingerprint) return { ok: false, failure: 'FAILURE_BAD_REQUEST', error: `backend "${backend.name}" reports no fingerprint` };
  try {
    return { ok: true, environmentJson: JSON.stringify(await backend.fingerprint(req)) };
  } catch (err) {
    return { ok: false, failure: 'FAILURE_BAD_REQUEST', error: `fingerprint: ${(err as Error).message}` };
  }
}
