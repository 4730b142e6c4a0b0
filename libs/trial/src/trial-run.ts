/**
 * A run's params as the backend that runs it reads them: the one discriminated type a trainer's edge
 * produces from a request's backend, contract and params_json, so a backend receives a checked,
 * typed trial and never parses it again.
 */
import { contractRefusal } from './contract.js';
import { parseTinyLoraTrial, type TinyLoraTrial } from './tinylora-trial.js';

/** A JSON object, as a command program gets it (its params are the user's: the program reads them). */
export type RunParams = Record<string, unknown>;

/** A run's params by backend. */
export type TrialRun =
  | { backend: 'tinylora'; params: TinyLoraTrial }
  | { backend: 'command'; params: RunParams }
  /** A backend this contract does not describe (a plug-in, a test double): its params as sent. */
  | { backend: string & {}; params: RunParams };

/** Checks a run's params for `backend` under the contract the request states; the first problem as `field: message`. */
export function checkTrialRun(backend: string, contract: number, params: RunParams): { ok: true; run: TrialRun } | { ok: false; error: string } {
  const refused = contractRefusal(contract);
  if (refused) return { ok: false, error: refused };
  if (backend !== 'tinylora') return { ok: true, run: { backend, params } };
  const parsed = parseTinyLoraTrial(params);
  return parsed.ok ? { ok: true, run: { backend: 'tinylora', params: parsed.trial } } : parsed;
}

/** The tinylora trial of a run, or undefined for any other backend's. */
export function tinyLoraTrialOf(run: TrialRun): TinyLoraTrial | undefined {
  return run.backend === 'tinylora' ? (run.params as TinyLoraTrial) : undefined;
}
