export * from './tinylora-backend.js';
export * from './tinylora-params.js';
