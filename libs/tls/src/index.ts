/** @tinysweep/tls — mutual TLS between dispatchers and trainers: a dev CA, certificates, and loading them. */
export * from './pki.js';
export * from './tls-material.js';
export * from './dev-pki.js';
