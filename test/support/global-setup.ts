/**
 * Once per `vitest run`, before any test file: the suite's environment is its own, whatever the
 * shell, a `tinysweep up` stack or an earlier run left behind. Test files and every process they
 * start inherit it.
 *
 * - No DATABASE_URL, REDIS_URL or TINYSWEEP_* settings from the shell: a stack started by a test
 *   starts its own services and reads only the settings the test gives it.
 * - A graph cache of this run's own (TINYSWEEP_CACHE_DIR), removed at the end: no test finds
 *   another run's ONNX graphs in ~/.cache/tinysweep, and none is left behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  for (const name of Object.keys(process.env)) {
    if (name === 'DATABASE_URL' || name === 'REDIS_URL' || (name.startsWith('TINYSWEEP_') && name !== 'TINYSWEEP_DATA_DIR')) delete process.env[name];
  }
  const cache = mkdtempSync(join(tmpdir(), 'tinysweep-test-graphs-'));
  process.env.TINYSWEEP_CACHE_DIR = cache;
  return () => rmSync(cache, { recursive: true, force: true });
}
