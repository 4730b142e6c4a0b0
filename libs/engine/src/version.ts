import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Files whose content is code that runs: compiled JavaScript (or the TypeScript sources under test) and Python. */
const CODE_FILE = /\.(js|mjs|cjs|ts|py)$/;
const NOT_CODE = /\.d\.ts$|\.spec\.ts$|\.test\.ts$/;

/**
 * A hash of the code under `dirs` (each file's path relative to its folder and its content, in
 * order), 16 hex digits. Folders that do not exist add nothing.
 */
export function hashCode(dirs: readonly string[]): string {
  const h = createHash('sha256');
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
    } catch {
      continue;
    }
    for (const rel of entries) {
      if (!CODE_FILE.test(rel) || NOT_CODE.test(rel) || rel.split(/[\\/]/).includes('__pycache__')) continue;
      let content: Buffer;
      try {
        content = readFileSync(join(dir, rel));
      } catch {
        continue; // a folder named like a file
      }
      h.update(`${basename(dir)}/${rel}\0`).update(content).update('\0');
    }
  }
  return h.digest('hex').slice(0, 16);
}

/**
 * What computes a tinylora result, as a hash: the code of libs/engine, libs/model, libs/tinylora and
 * libs/torch (its Python worker included) that this process runs (their dist/, or src/ under the
 * tests). Result reuse keys on it, so any change to that code — not a version someone must remember
 * to bump — makes trials run again instead of reusing results it might no longer reproduce.
 */
export const ENGINE_VERSION: string = (() => {
  const here = dirname(fileURLToPath(import.meta.url)); // libs/engine/{dist,src}
  const flavour = basename(here);
  const libs = join(here, '..', '..');
  const dirs = ['engine', 'model', 'tinylora', 'torch'].map((lib) => join(libs, lib, flavour));
  return `code.${hashCode([...dirs, join(libs, 'torch', 'python')])}`;
})();

