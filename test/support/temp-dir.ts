import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  path: string;
  /** Deletes the folder and everything in it. */
  remove(): void;
}

/**
 * A fresh folder under the OS temp dir, open to other users (mode 755): Postgres runs as OS user
 * `postgres` when tests run as root and must be able to enter it.
 */
export function makeTempDir(prefix = 'tinysweep-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(path, 0o755);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
