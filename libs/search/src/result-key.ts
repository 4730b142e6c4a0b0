/**
 * The key under which a succeeded trial's result can be reused (spec `reuse`): the trial's canonical
 * config (params with its seed: libs/spec's configHash), the backend section (a command and its
 * environment are part of what ran), and the fingerprint the trainer reports for that config: hashes
 * of the model and data files the trial reads, and the engine (backend) version. Two trials with equal
 * keys would compute the same result, so the second links to the first instead of training.
 */
import { canonicalHash } from '@tinysweep/spec';

/** What a trainer says about a trial's inputs, e.g. `{ engine, model_hash, data_hash }` (all strings). */
export type Fingerprint = Readonly<Record<string, string>>;

/** The fingerprint fields of a trainer's environment JSON (issue 6's `environment_json`). */
export const FINGERPRINT_FIELDS = ['engine', 'model_hash', 'data_hash', 'code_hash'] as const;

/** The fingerprint within an environment object, or undefined when it has no `engine` (an old trainer). */
export function fingerprintOf(environment: Readonly<Record<string, unknown>> | null | undefined): Fingerprint | undefined {
  if (!environment || typeof environment.engine !== 'string') return undefined;
  const out: Record<string, string> = {};
  for (const f of FINGERPRINT_FIELDS) if (typeof environment[f] === 'string') out[f] = environment[f];
  return out;
}

export function resultKey(configHash: string, backend: unknown, fingerprint: Fingerprint): string {
  return canonicalHash({ config: configHash, backend, fingerprint });
}
