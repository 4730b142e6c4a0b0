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
