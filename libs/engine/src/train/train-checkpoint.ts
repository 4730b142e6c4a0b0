/**
 * A checkpoint of the TinyLoRA training loop: everything a later run needs to continue a trial from
 * step `step` and end with the same v, bit for bit, as a run that was never interrupted.
 *
 *   trainTinyLora(trial, { models, checkpointEvery: 10, events: { checkpoint: (c) => save(c) } });
 *   trainTinyLora(trial, { models, resume: saved });          // continues at saved.step + 1
 *
 * What "the state of a run" is here: the optimizer's state (an ask/tell optimizer's `state()`, or
 * Adam's for grpo: θ, both moments and the step count) and the step. The run's randomness needs no
 * generator state of its own: ES noise is keyed by (seed, generation), the per-epoch batch shuffle by
 * (seed, epoch = f(step)), GRPO's sampling by (seed, step) (see ../random.ts) — so the step and the
 * optimizer's generation ARE the random state. The base model's held-out accuracy and the seconds
 * trained so far ride along, so a resumed run neither measures the base model again nor forgets
 * time spent.
 *
 * A checkpoint carries a `key` (the engine's code hash, the model's hash, the device family and the
 * trial's training params): a run given a checkpoint of another trial, model, device or engine
 * version starts over instead (that would not be the same computation).
 */
import { createHash } from 'node:crypto';
import type { AdamState, OptimizerState } from '../optimizers/interfaces/optimizer-state.js';
import { ENGINE_VERSION } from '../version.js';
import type { TinyLoraTrial } from './tinylora-trial.js';

/** Checkpoint format version: a change to what the loop keeps bumps it (older ones start over). */
export const CHECKPOINT_VERSION = 1;

export interface TrainCheckpoint {
  version: typeof CHECKPOINT_VERSION;
  /** What it continues: see {@link checkpointKey}. */
  key: string;
  /** Training generations (steps) done; the loop resumes at step + 1. */
  step: number;
  /** The optimizer after `step` generations. */
  optimizer: OptimizerState | AdamState;
  /** The base model's (v = 0) held-out accuracy with its 95% interval, items and the task's other metrics, measured at the start. */
  before: { acc: number; lo: number; hi: number; n: number; named: Record<string, number> };
  /** Seconds the training loop had run (over every run that led here). */
  trainSeconds: number;
}

/** JSON with object keys sorted, so equal values give equal text whatever order they were built in. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What a checkpoint belongs to: the engine's code, the model, the device family (`onnxruntime:cpu`,
 * `torch:cuda`: a GPU index does not change the computation) and every param the training loop
 * reads — not `prune` or `evalEvery`, which act after or beside it.
 */
export function checkpointKey(trial: TinyLoraTrial, modelHash: string, deviceName: string): string {
  const { prune: _prune, evalEvery: _evalEvery, ...training } = trial;
  const device = deviceName.replace(/:\d+(?=$|\/)/, '');
  return createHash('sha256').update(sortedJson({ engine: ENGINE_VERSION, model: modelHash, device, training })).digest('hex').slice(0, 32);
}

/**
 * A checkpoint read back from JSON, or the reason it cannot be used (another format version, a
 * missing field). The optimizer's own restore() checks its state's shape.
 */
export function readCheckpoint(value: unknown): TrainCheckpoint | { problem: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { problem: 'not a JSON object' };
  const c = value as Partial<TrainCheckpoint>;
  if (c.version !== CHECKPOINT_VERSION) return { problem: `format version ${String(c.version)}, this engine writes ${CHECKPOINT_VERSION}` };
  if (typeof c.key !== 'string') return { problem: 'no key' };
  if (!Number.isInteger(c.step) || (c.step as number) < 0) return { problem: `step must be a non-negative integer (got ${String(c.step)})` };
  if (c.optimizer === null || typeof c.optimizer !== 'object') return { problem: 'no optimizer state' };
  const b = c.before;
  if (!b || ![b.acc, b.lo, b.hi, b.n].every((x) => typeof x === 'number') || b.named === null || typeof b.named !== 'object') return { problem: 'no held-out accuracy before training' };
  if (typeof c.trainSeconds !== 'number' || !(c.trainSeconds >= 0)) return { problem: 'no training seconds' };
  return c as TrainCheckpoint;
}
