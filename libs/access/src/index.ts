/** @tinysweep/access — who may do what: roles, API tokens, and the hashed token store the API checks them against. */
export * from './roles.js';
export * from './api-token.js';
export * from './token-store.js';
