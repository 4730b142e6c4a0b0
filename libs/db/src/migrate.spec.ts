import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, LocalPostgres } from '@tinysweep/stack';
import { DEFAULT_MIGRATIONS_DIR, migrate, readMigrations } from './migrate.js';

let root: string;
let pg: LocalPostgres;

const freshDb = (): Promise<string> => pg.createDatabase(`migrate_${randomUUID().replaceAll('-', '').slice(0, 12)}`);
const dbName = (url: string): string => new URL(url).pathname.slice(1);

/** A migrations folder of its own: { '001_a': 'CREATE TABLE …' }. */
function migrationsDir(migrations: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 'migrations-'));
  for (const [name, sql] of Object.entries(migrations)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tinysweep-migrate-'));
  chmodSync(root, 0o755); // the server runs as OS user postgres when we are root
  pg = new LocalPostgres({ durable: false });
  await pg.start(join(root, 'pg'), await freePort());
});

afterAll(async () => {
  await pg?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('migrate', () => {
  it('applies the repository migrations once, recording them the way Prisma does', async () => {
    const url = await freshDb();
    const onDisk = await readMigrations();
    expect(onDisk.length).toBeGreaterThan(0);

    const first = await migrate(url);
    expect(first.applied).toEqual(onDisk.map((m) => m.name));
    expect((await migrate(url)).applied).toEqual([]);

    const rows = await pg.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
      [],
      dbName(url),
    );
    const [firstName] = onDisk.map((m) => m.name);
    const sha = createHash('sha256').update(readFileSync(join(DEFAULT_MIGRATIONS_DIR, firstName!, 'migration.sql'))).digest('hex');
    expect(rows[0]).toMatchObject({ migration_name: firstName, checksum: sha, applied_steps_count: 1 });
    expect(rows[0]!.finished_at).toBeInstanceOf(Date);

    const columns = await pg.query<{ column_name: string; udt_name: string; is_nullable: string; character_maximum_length: number | null }>(
      `SELECT column_name, udt_name, is_nullable, character_maximum_length FROM information_schema.columns
        WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      [],
      dbName(url),
    );
    expect(columns.map((c) => `${c.column_name}:${c.udt_name}${c.character_maximum_length ?? ''}:${c.is_nullable}`)).toEqual([
      'id:varchar36:NO',
      'checksum:varchar64:NO',
      'finished_at:timestamptz:YES',
      'migration_name:varchar255:NO',
      'logs:text:YES',
      'rolled_back_at:timestamptz:YES',
      'started_at:timestamptz:NO',
      'applied_steps_count:int4:NO',
    ]);
  });

  it('lets concurrent starters race: each migration is applied exactly once', async () => {
    const url = await freshDb();
    const dir = migrationsDir({
      '001_a': 'CREATE TABLE a (id int PRIMARY KEY); SELECT pg_sleep(0.2);',
      '002_b': 'CREATE TABLE b (id int PRIMARY KEY);',
    });
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate(url, { migrationsDir: dir })));
    expect(results.flatMap((r) => r.applied).sort()).toEqual(['001_a', '002_b']);
    const rows = await pg.query('SELECT 1 FROM "_prisma_migrations"', [], dbName(url));
    expect(rows).toHaveLength(2);
  });

  it('refuses when an applied migration was edited, naming it', async () => {
    const url = await freshDb();
    const dir = migrationsDir({ '001_a': 'CREATE TABLE a (id int);' });
    await migrate(url, { migrationsDir: dir });
    writeFileSync(join(dir, '001_a', 'migration.sql'), 'CREATE TABLE a (id bigint);');
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(/migration 001_a was modified after it was applied/);
  });

  it('rolls back a failing migration and records nothing, so a fixed one applies later', async () => {
    const url = await freshDb();
    const dir = migrationsDir({
      '001_ok': 'CREATE TABLE ok (id int);',
      '002_bad': 'CREATE TABLE half (id int); SELECT 1/0;',
    });
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(/migration 002_bad failed and was rolled back: division by zero/);
    const tables = await pg.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      [],
      dbName(url),
    );
    expect(tables.map((t) => t.table_name)).toEqual(['_prisma_migrations', 'ok']);

    writeFileSync(join(dir, '002_bad', 'migration.sql'), 'CREATE TABLE half (id int);');
    expect((await migrate(url, { migrationsDir: dir })).applied).toEqual(['002_bad']);
  });

  it('refuses to go on past a migration Prisma left unfinished', async () => {
    const url = await freshDb();
    const dir = migrationsDir({ '001_a': 'CREATE TABLE a (id int);' });
    await migrate(url, { migrationsDir: dir });
    await pg.query('UPDATE "_prisma_migrations" SET finished_at = NULL', [], dbName(url));
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(/migration 001_a failed earlier/);
  });

  it('honours a Prisma-style ?schema= in the URL', async () => {
    const url = await freshDb();
    const dir = migrationsDir({ '001_a': 'CREATE TABLE a (id int);' });
    const log: string[] = [];
    await migrate(`${url}?schema=tenant_one`, { migrationsDir: dir, log: (m) => log.push(m) });
    const tables = await pg.query<{ table_schema: string; table_name: string }>(
      `SELECT table_schema, table_name FROM information_schema.tables WHERE table_name IN ('a', '_prisma_migrations') ORDER BY table_name`,
      [],
      dbName(url),
    );
    expect(tables).toEqual([
      { table_schema: 'tenant_one', table_name: '_prisma_migrations' },
      { table_schema: 'tenant_one', table_name: 'a' },
    ]);
    expect(log).toEqual(['applied 001_a']);
  });

  it('says which folder is missing', async () => {
    await expect(migrate('postgresql://x@127.0.0.1:1/x', { migrationsDir: join(root, 'nope') })).rejects.toThrow(/migrations folder not found/);
  });
});
