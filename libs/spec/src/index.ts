/**
 * @tinysweep/spec — the sweep spec: schema, parsing, expansion into trials, config hashing.
 * Pure: no I/O, no framework (node:crypto for SHA-256 and node:path's posix arithmetic are its node imports).
 *
 * Left out on purpose: schema-kit.ts (zod helpers), plain-data.ts (the input guard) and spec-path.ts
 * are internal. The seeded stream (libs/tinylora's, re-exported) and the config space are public for
 * libs/search, which samples the same space.
 */
export * from './errors/spec-error.js';
export * from './spec-types.js';
export { SPEC_DEFAULTS, TRIAL_DEFAULTS, checkpointEvery } from './spec-defaults.js';
export { SweepSpecSchema, MAX_TRIALS_CEILING, MAX_TRIAL_TIMEOUT_MS, MAX_SEED, type SweepSpec } from './sweep-spec.js';
export { MAX_LAYER_INDEX } from './adapter-spec.js';
export { ADAPTER_METHOD_FIELDS, DEFAULT_ADAPTER_METHOD, methodsUsing } from './adapter-methods.js';
export { PARAM_NAME, RESERVED_PARAM_NAMES, isDistribution } from './params-spec.js';
export { PLACEHOLDER_PATTERN, TRAINER_PLACEHOLDERS, placeholderNames, knownPlaceholders } from './placeholders.js';
export { parseSweepSpec, DEFAULT_PARSE_OPTIONS, type ParseOptions } from './parse-spec.js';
export { storedSpec } from './stored-spec.js';
export { planSweep, sharesTraining, sampleDistribution, type SweepPlan, type TrialPlan, type TrialParams } from './expand.js';
export { planTrainings, trainingParams, type PlannedTraining } from './trainings.js';
export { countTrials, configSpace, gridSize, sampleSize, isRange, type ConfigSpace, type GridAxis } from './sweep-axes.js';
export { createRng, type Rng } from '@tinysweep/tinylora';
export { ASHA_DEFAULT_ETA, TINYLORA_EVAL_METRIC, EFFECTIVE_PARAMS_OBJECTIVE } from './search-spec.js';
export { canonicalHash, canonicalJson, sha256Hex } from './config-hash.js';
export { parseDuration, formatDuration } from './duration.js';
export { TASK_PATH_KEYS, dataPathsOf, isInside, lexicalPathProblem, checkDataPaths, type DataPath } from './data-paths.js';
export { redactSpec, REDACTED } from './redact.js';
export { LONE_SURROGATE, unstorableText } from './storable-text.js';
