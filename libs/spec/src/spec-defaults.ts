/**
 * The spec's defaults, defined once. Everything else takes them from here: the schema fills them in
 * (sweep-spec.ts, search-spec.ts), the dispatcher reads `checkpointEvery` for older stored specs,
 * and the engine applies {@link TRIAL_DEFAULTS} to trials given to it directly (a library caller, a
 * test), so a trial left to the defaults trains the same wherever it is planned.
 */
import type { CheckpointSpec } from './spec-types.js';

/** Defaults, in one place (normalized form: a sweepable field is a list). */
export const SPEC_DEFAULTS = {
  backend: { kind: 'tinylora' },
  optimizer: { kind: 'es', population: [32], sigma: [0.02], lr: [0.05], iterations: [200], batch: [16] },
  grpo: { group: [8], temperature: [1], kl: [0] },
  prune: { retrainIterations: [0] },
  seeds: [0],
  search: { kind: 'grid' },
  reuse: true,
  objective: { metric: 'score', mode: 'max' },
  budget: { maxTrials: 1000, trialTimeout: 30 * 60_000, retries: 2 },
  checkpoint: { every: 10 },
} as const;

const [opt, grpo] = [SPEC_DEFAULTS.optimizer, SPEC_DEFAULTS.grpo];

/** The same defaults for one trial (one value per axis), as the engine applies them. */
export const TRIAL_DEFAULTS = {
  optimizer: {
    kind: opt.kind,
    population: opt.population[0],
    sigma: opt.sigma[0],
    lr: opt.lr[0],
    iterations: opt.iterations[0],
    batch: opt.batch[0],
    group: grpo.group[0],
    temperature: grpo.temperature[0],
    kl: grpo.kl[0],
  },
  prune: { retrainIterations: SPEC_DEFAULTS.prune.retrainIterations[0] },
} as const;

/**
 * Steps between a sweep's checkpoints. The normalized spec keeps `checkpoint` only when it was
 * written (so older specs and their hashes stay as they were); the default is applied here.
 */
export function checkpointEvery(spec: { checkpoint?: CheckpointSpec }): number {
  return spec.checkpoint?.every ?? SPEC_DEFAULTS.checkpoint.every;
}
