export * from './trainer-node.js';
export * from './trainer-fleet.js';
// fleet-keys.ts and commands/ are internal: their layout may change without notice.
