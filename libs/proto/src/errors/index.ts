export * from './train-error.js';
export * from './training-failed-error.js';
export * from './training-timeout-error.js';
export * from './training-cancelled-error.js';
export * from './bad-train-request-error.js';
