export * from './migrate.js';
export * from './database.js';
export * from './domain.js';
export * from './sweep-repository.js';
export * from './trial-repository.js';
export * from './training-repository.js';
export * from './search-repository.js';
export * from './checkpoint-repository.js';
export * from './node-repository.js';
// generated/ and rows.ts are internal: nothing outside libs/db sees Prisma's types.
export * from './schedule-repository.js';
export * from './reproduction-repository.js';
export * from './aggregate-repository.js';
export * from './board-snapshot-repository.js';
export * from './db-errors.js';
export * from './storable.js';
