export * from './free-port.js';
export * from './wait-for.js';
export * from './managed-process.js';
export * from './process-group.js';
export * from './postgres.js';
export * from './redis.js';
export * from './local-stack.js';
export * from './process-alive.js';
