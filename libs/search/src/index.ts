/**
 * @tinysweep/search — how a sweep picks its configurations: grid, random, asha (successive halving
 * that stops or pauses weak trials at rungs), pareto (proposals near the front of accuracy ×
 * parameters) and tpe (Parzen-estimator proposals), one class per strategy, plus the result-reuse key
 * and parameter importance. Pure: no I/O; the dispatcher's SearchDriver feeds
 * results in and turns decisions into trials and stops.
 */
export * from './search-strategy.js';
export * from './create-search.js';
export * from './grid-search.js';
export * from './random-search.js';
export * from './asha-search.js';
export * from './asha-pruner.js';
export * from './asha-promotions.js';
export * from './pareto-search.js';
export * from './config-points.js';
export * from './nondominated-sort.js';
export * from './search-space.js';
export * from './tpe/tpe-search.js';
export { TpeSpace, type Point, type PointTrial } from './tpe/tpe-space.js';
export * from './tpe/tpe-history.js';
export { fitEstimator, type Dim, type Estimator } from './tpe/parzen-estimator.js';
export * from './result-key.js';
export * from './importance.js';
