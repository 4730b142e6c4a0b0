export * from './trainer-node.js';
export * from './trainer-node-schema.js';
export * from './trainer-fleet.js';
// fleet-keys.ts, redis-node.ts and commands/ are internal: their layout may change without notice.
