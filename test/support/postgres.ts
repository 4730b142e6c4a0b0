import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { freePort, LocalPostgres } from '@tinysweep/stack';
import { makeTempDir } from './temp-dir.js';

export interface TestPostgres {
  pg: LocalPostgres;
  /** URL of the default database (`tinysweep`, not migrated). */
  url: string;
  /** A new empty database with a random name; returns its URL. */
  freshDatabase(prefix?: string): Promise<string>;
  /** Stops the server and deletes its data. */
  stop(): Promise<void>;
}

/**
 * A throwaway Postgres for one test file: its own temp data dir and free port, fsync off.
 * Start it in `beforeAll`, stop it in `afterAll`; give each test `freshDatabase()`.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = makeTempDir('tinysweep-pg-');
  const pg = new LocalPostgres({ durable: false });
  try {
    const url = await pg.start(`${dir.path}/data`, await freePort());
    return {
      pg,
      url,
      freshDatabase: (prefix = 'test') => pg.createDatabase(`${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`),
      stop: async () => {
        await pg.stop();
        dir.remove();
        // a cluster kept outside `dir` (TMPDIR under a mode-700 folder, as root)
        if (!pg.dataDir.startsWith(dir.path)) rmSync(pg.dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await pg.stop();
    dir.remove();
    throw err;
  }
}
