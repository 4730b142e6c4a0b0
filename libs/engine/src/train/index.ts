export {
  rewardObjective,
  nllObjective,
  encodePair,
  repeatCandidates,
  type Objective,
  type ObjectiveResult,
  type ObjectiveOptions,
  type RewardObjectiveOptions,
  type NllObjectiveOptions,
} from './objectives.js';
export * from './evaluate.js';
export { grpoStep, sftStep, groupAdvantages, type GradientStep, type GrpoStepOptions } from './gradient-steps.js';
export * from './model-cache.js';
export * from './tinylora-trial.js';
export * from './train-tinylora.js';
export * from './train-checkpoint.js';
export * from './side-by-side.js';
export { asTrialConfigError, INVALID_TRIAL, TrialConfigError } from '@tinysweep/trial';
