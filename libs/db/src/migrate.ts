/**
 * Applies the hand-written SQL migrations in `prisma/migrations/<timestamp>_<name>/migration.sql`
 * without Prisma's native schema engine (which cannot be downloaded on air-gapped hosts).
 *
 * It keeps Prisma's own bookkeeping table, `_prisma_migrations`, with Prisma's columns and
 * checksums (sha256 hex of the file), so `prisma migrate deploy` on a host that has the engine
 * sees the same history. It also takes Prisma's advisory lock key, so our migrator and Prisma's
 * never run at once, and neither do two of ours (api and dispatcher both migrate at boot).
 *
 *   node libs/db/dist/migrate-cli.js          # migrates $DATABASE_URL
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export interface MigrateOptions {
  /**
   * Folder holding one sub-folder per migration, each with a `migration.sql`.
   * @defaultValue the repository's `prisma/migrations`
   */
  migrationsDir?: string;
  /**
   * Progress lines ("applied 20261128000000_init").
   * @defaultValue no logging
   */
  log?: (message: string) => void;
}

export interface MigrateResult {
  /** Names of the migrations this call applied, in order (empty when the database was current). */
  applied: string[];
}

/** A migration found on disk. */
export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of the file's bytes, as Prisma computes it. */
  checksum: string;
}

/** The key Prisma's schema engine locks (`pg_advisory_lock(72707369)`); sharing it serialises with Prisma too. */
export const MIGRATION_LOCK_KEY = 72707369;

/** `libs/db/{src,dist}/migrate.{ts,js}` → `<repo>/prisma/migrations`. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

// Prisma's own DDL for its bookkeeping table (schema-engine, postgres flavour).
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Reads the migrations on disk, in the order they apply (by folder name, as Prisma does). */
export async function readMigrations(migrationsDir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  if (!existsSync(migrationsDir)) throw new Error(`migrations folder not found: ${migrationsDir}`);
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory() && existsSync(join(migrationsDir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(migrationsDir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    }),
  );
}

/**
 * Prisma URLs may carry `?schema=name` (a Postgres schema); `pg` does not know it, so it is
 * taken off the URL and applied as the search path.
 */
function splitSchema(databaseUrl: string): { url: string; schema: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(databaseUrl);
  } catch {
    throw new Error('databaseUrl is not a valid URL (expected postgresql://user:password@host:port/database)');
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema === undefined) return { url: databaseUrl, schema };
  parsed.searchParams.delete('schema');
  return { url: parsed.toString(), schema };
}

/**
 * Applies every pending migration, each in its own transaction, under an advisory lock.
 * Throws, naming the migration, when an applied migration's file changed since, when a
 * migration failed earlier outside this migrator (Prisma left it unfinished), or when a
 * migration's SQL fails (that migration is rolled back and not recorded).
 */
export async function migrate(databaseUrl: string, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const { migrationsDir = DEFAULT_MIGRATIONS_DIR, log = () => undefined } = opts;
  const migrations = await readMigrations(migrationsDir);
  const { url, schema } = splitSchema(databaseUrl);

  const client = new pg.Client({ connectionString: url });
  // A dropped connection surfaces as a failed query below; don't let it crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      if (schema !== undefined) {
        const ident = client.escapeIdentifier(schema);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident}`);
        await client.query(`SET search_path TO ${ident}`);
      }
      return { applied: await applyPending(client, migrations, log) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function applyPending(
  client: pg.Client,
  migrations: MigrationFile[],
  log: (message: string) => void,
): Promise<string[]> {
  await client.query(CREATE_MIGRATIONS_TABLE);
  const { rows } = await client.query<AppliedRow>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
  );

  const done = new Map<string, AppliedRow>();
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue;
    if (row.finished_at === null) {
      throw new Error(
        `migration ${row.migration_name} failed earlier and is unfinished in _prisma_migrations; ` +
          'fix the database by hand, then mark it rolled back (prisma migrate resolve --rolled-back) or delete its row',
      );
    }
    done.set(row.migration_name, row);
  }

  const onDisk = new Set(migrations.map((m) => m.name));
  for (const name of done.keys()) {
    if (!onDisk.has(name)) log(`warning: migration ${name} is applied in the database but missing on disk`);
  }

  const applied: string[] = [];
  for (const migration of migrations) {
    const row = done.get(migration.name);
    if (row !== undefined) {
      if (row.checksum !== migration.checksum) {
        throw new Error(
          `migration ${migration.name} was modified after it was applied ` +
            `(checksum in database ${row.checksum}, on disk ${migration.checksum}); ` +
            'add a new migration instead of editing an applied one',
        );
      }
      continue;
    }
    await applyOne(client, migration);
    applied.push(migration.name);
    log(`applied ${migration.name}`);
  }
  if (applied.length === 0) log('database schema is up to date');
  return applied;
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations"
         (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`migration ${migration.name} failed and was rolled back: ${reason}`, { cause: err });
  }
}
