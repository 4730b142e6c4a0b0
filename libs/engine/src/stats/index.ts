export * from './intervals.js';
export * from './distributions.js';
export { lnGamma, incompleteGamma, incompleteBeta } from './special-functions.js';
