/**
 * @tinysweep/trainer as a library: embed a trainer in-process (tests, `tinysweep up`) or add a
 * backend. The process entry point is main.ts (dist/main.js), which this barrel does not import.
 */
export * from './trainer-server.js';
export * from './heartbeat.js';
export * from './auth.js';
export * from './trainer-config.js';
export * from './version.js';
export * from './interfaces/trainer-server-options.js';
export * from './interfaces/heartbeat-options.js';
export * from './backends/index.js';
// main.ts is not exported: importing it starts a server. testing/ holds spec helpers only.
