/**
 * Fits parameter importance off the API's event loop (node:worker_threads): a 10,000-config sweep's
 * random forest is a few hundred ms of CPU, during which the event loop would answer nothing else —
 * not the board's other requests for the same page, nor anyone else's. One worker thread, started at
 * the first job and kept (its start and module loading cost ~0.5 s), answers jobs in turn; see
 * ImportanceJob for what it is handed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { meanObservations, parameterImportance, TpeSpace, type ConfigMean, type ImportanceResult } from '@tinysweep/search';
import type { ObjectiveSpec, SweepSpec } from '@tinysweep/spec';

/** The worker's workerData: this module runs as the worker only when started with it. */
export const IMPORTANCE_WORKER = 'tinysweep-importance';

/** What the worker is handed (structured-cloned). */
export interface ImportanceJob {
  /** Matches the answer to its job. */
  id: number;
  spec: SweepSpec;
  objective: ObjectiveSpec;
  configs: ConfigMean[];
  minConfigs: number;
}

/** What it answers: the importance, or fewer usable configurations than `minConfigs` (nothing fitted). */
export type ImportanceAnswer = { ok: true; result: ImportanceResult } | { ok: true; tooFew: number } | { ok: false; error: string };

/** The computation itself (pure, no I/O). */
export function computeImportance(job: ImportanceJob): ImportanceAnswer {
  const space = new TpeSpace(job.spec);
  const observations = meanObservations(space, job.objective, job.configs);
  if (observations.length < job.minConfigs) return { ok: true, tooFew: observations.length };
  return { ok: true, result: parameterImportance(space, observations, { seed: 0 }) };
}

const port = workerData === IMPORTANCE_WORKER ? parentPort : null;
port?.on('message', (job: ImportanceJob) => {
  let answer: ImportanceAnswer;
  try {
    answer = computeImportance(job);
  } catch (err) {
    answer = { ok: false, error: (err as Error).message };
  }
  port.postMessage({ id: job.id, answer });
});
