import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import { LocalPostgres } from './postgres.js';

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

  it.runIf(isRoot)('explains when the postgres user cannot enter the data directory', async () => {
    const closed = join(root, 'closed');
    mkdirSync(closed, { mode: 0o700 });
    chmodSync(closed, 0o700);
    await expect(new LocalPostgres().start(join(closed, 'data'), await freePort())).rejects.toThrow(
      /cannot enter .*closed \(mode 700\).*chmod o\+x/,
    );
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
