/**
 * @tinysweep/proto — the dispatcher ⇄ trainer contract.
 *
 * trainer.proto (package root) is the source of truth; src/generated/ holds the types
 * proto-loader-gen-types made from it (regenerate with `node libs/proto/scripts/gen.mjs`).
 */
export * from './types.js';
export * from './protocol.js';
export * from './channel-options.js';
export * from './load-trainer-proto.js';
export * from './trainer-client.js';
export * from './trainer-clients.js';
export * from './generate-limits.js';
export * from './credentials.js';
export * from './to-train-error.js';
export * from './errors/index.js';
// src/generated/ is not re-exported wholesale: its long `_tinysweep_trainer_v1_*` names stay private;
// types.ts re-exports them under their message names.
