export * from './adapter-plan.js';
export * from './factor-cache.js';
