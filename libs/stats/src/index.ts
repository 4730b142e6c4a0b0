/**
 * @tinysweep/stats — intervals for held-out accuracy and seed replicates (Wilson, Student t), pure.
 * Shared by the engine (evaluation), the API (seeds as replicates) and reproduction verdicts.
 */
export * from './intervals.js';
export * from './distributions.js';
export { lnGamma, incompleteGamma, incompleteBeta } from './special-functions.js';
export * from './replicates.js';
