/**
 * Guards the hand-written SQL in prisma/migrations against prisma/schema.prisma: a fresh database
 * migrated by libs/db's migrate() must have exactly the tables, columns (names via @map/@@map,
 * types, nullability, defaults), enums, keys, indexes and foreign keys Prisma's DMMF describes.
 * Adding a field to the schema without a migration fails here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '@tinysweep/db';
import { loadDmmf, type DmmfDatamodel } from '../support/prisma-dmmf.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { makeTempDir } from '../support/temp-dir.js';
import { diffSchema, readCatalog, type Catalog } from './schema-diff.js';

const SCHEMA = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));

describe('prisma/migrations build what prisma/schema.prisma describes', () => {
  let db: TestPostgres | undefined;
  let dmmf: DmmfDatamodel;
  let catalog: Catalog;

  beforeAll(async () => {
    const [started, model] = await Promise.all([startTestPostgres(), loadDmmf(SCHEMA)]);
    db = started;
    dmmf = model;
    const url = await db.freshDatabase('schema');
    const { applied } = await migrate(url);
    expect(applied.length).toBeGreaterThan(0);
    catalog = await readCatalog(url);
  });

  afterAll(async () => {
    await db?.stop();
  });

  it('reads a non-trivial schema (the check is not vacuous)', () => {
    expect(dmmf.models.length).toBeGreaterThan(0);
    expect(catalog.columns.length).toBeGreaterThan(0);
  });

  it('has no differences', () => {
    expect(diffSchema(dmmf, catalog)).toEqual([]);
  });

  it('notices a field, a model and an enum value added to the schema without a migration', async () => {
    const dir = makeTempDir('tinysweep-schema-');
    try {
      const source = readFileSync(SCHEMA, 'utf8')
        .replace(/model Sweep \{\n/, 'model Sweep {\n  addedField String @map("added_field")\n')
        .replace(/enum SweepStatus \{\n/, 'enum SweepStatus {\n  paused\n')
        .concat('\nmodel AddedModel {\n  id Int @id\n}\n');
      const edited = join(dir.path, 'schema.prisma');
      writeFileSync(edited, source);
      const problems = diffSchema(await loadDmmf(edited), catalog);
      expect(problems).toEqual(
        expect.arrayContaining([
          expect.stringContaining('Sweep.addedField ("sweep"."added_field"): column is missing'),
          expect.stringContaining('model AddedModel: table "AddedModel" is missing'),
          expect.stringContaining('enum SweepStatus: expected values paused, queued'),
        ]),
      );
    } finally {
      dir.remove();
    }
  });
});
