// Left out on purpose: optimizer-base.ts and gradient-step.ts (plumbing).
export * from './optimizer.js';
export * from './interfaces/optimizer-state.js';
export * from './interfaces/optimizer-options.js';
export * from './interfaces/antithetic-es-options.js';
export * from './interfaces/spsa-options.js';
export * from './interfaces/cma-es-options.js';
export * from './antithetic-es.js';
export * from './spsa.js';
export * from './cma-es.js';
export * from './create-optimizer.js';
export * from './adam.js';
export { centeredRanks, zScores, shapeFitness, FITNESS_SHAPINGS, type FitnessShaping } from './fitness-shaping.js';
export { symmetricEigen, type SymmetricEigen } from './symmetric-eigen.js';
export type { StepRule } from './gradient-step.js';
