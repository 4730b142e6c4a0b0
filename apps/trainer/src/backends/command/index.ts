export * from './command-backend.js';
export * from './command-spec.js';
export * from './placeholders.js';
export * from './program-output.js';
export * from './line-splitter.js';
export * from './process-group.js';
export * from './tail-buffer.js';
