export * from './trial-queue.js';
export * from './cancel-bus.js';
export * from './connection.js';
export * from './sweep-events.js';
export * from './schedule-queue.js';
