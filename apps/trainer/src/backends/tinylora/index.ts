export * from './tinylora-backend.js';
export * from './device-spec.js';
