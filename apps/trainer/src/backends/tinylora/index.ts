export * from './tinylora-backend.js';
export * from './tinylora-params.js';
export * from './device-spec.js';
