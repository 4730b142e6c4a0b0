/**
 * What a Train, Evaluate or Fingerprint call asks of a backend, before the server parses its JSON
 * fields and checks its paths: one shape for the three typed requests, so the server's checks
 * (backend known, JSON objects, paths inside the roots) are written once.
 */
import type { EvaluateRequest__Output, FingerprintRequest__Output, TrainRequest__Output } from '@tinysweep/proto';
import type { BackendRequest } from './backend.js';

/** A call's run: its identity and its JSON fields as sent, plus the backend request fields it sets as they are. */
export interface RunRequest {
  backend: string;
  paramsJson: string;
  backendJson: string;
  /** The trial contract params_json follows (0: unset, contract 1). */
  contract: number;
  /** Who and what: the BackendRequest fields the call sets directly. */
  fields: Omit<BackendRequest, 'params' | 'trial' | 'spec' | 'workdir' | 'roots'>;
}

/** Log fields naming the run: its trial or training, sweep, attempt and backend. */
export function runLabel(run: RunRequest): Record<string, string | number> {
  const { trialId, trainingId, sweepId, attempt } = run.fields;
  return { ...(trainingId ? { trainingId } : { trialId }), sweepId, attempt, backend: run.backend };
}

const steps = (values: readonly number[]) => values.map(Number).filter((s) => Number.isInteger(s) && s > 0);

/** What every call sends as is: the backend, its two JSON fields and the contract they follow. */
const sent = (req: { backend: string; paramsJson: string; backendJson: string; contract: number }) => ({
  backend: req.backend,
  paramsJson: req.paramsJson,
  backendJson: req.backendJson,
  contract: req.contract,
});

/** Whose run it is, from a request's `oneof run`: a trial's attempt or a shared training. */
const runOf = (req: { run?: 'trialId' | 'trainingId'; trialId?: string; trainingId?: string }) => ({
  trialId: req.run === 'trialId' ? (req.trialId ?? '') : '',
  ...(req.run === 'trainingId' ? { trainingId: req.trainingId ?? '' } : {}),
});

/** Train: a trial's attempt (trial_id) or a shared training (training_id). */
export function trainRun(req: TrainRequest__Output): RunRequest {
  return {
    ...sent(req),
    fields: {
      ...runOf(req),
      sweepId: req.sweepId,
      attempt: req.attempt,
      timeoutMs: Number(req.timeoutMs) || 0,
      mode: 'train',
      evalAt: steps(req.evalAt),
      ...(req.resumeJson ? { resumeJson: req.resumeJson } : {}),
      checkpointEvery: Math.max(0, Number(req.checkpointEvery) || 0),
    },
  };
}

/** Evaluate: a trial's pruning and evaluation of a stored adapter. */
export function evaluateRun(req: EvaluateRequest__Output): RunRequest {
  return {
    ...sent(req),
    fields: {
      trialId: req.trialId,
      sweepId: req.sweepId,
      attempt: req.attempt,
      timeoutMs: Number(req.timeoutMs) || 0,
      mode: 'evaluate',
      adapterJson: req.adapterJson,
    },
  };
}

/** Fingerprint: what a trial's or training's run would read. */
export function fingerprintRun(req: FingerprintRequest__Output): RunRequest {
  return {
    ...sent(req),
    fields: {
      ...runOf(req),
      sweepId: req.sweepId,
      attempt: 0,
      timeoutMs: 0,
    },
  };
}
