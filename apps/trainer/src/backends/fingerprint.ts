/**
 * What a trial reads, as hashes: the fingerprint result reuse keys on (a TRAIN_MODE_FINGERPRINT call,
 * and the environment of every result). A backend names the files (a model directory, the data files
 * a task or a program's params point at, the program itself); {@link FileHasher} hashes their
 * contents, remembering each file's hash by size and modification time, so a node hashes a model once
 * and not per trial.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';

/** Hashes of file contents, cached by (path, size, mtime). */
export class FileHasher {
  private readonly cache = new Map<string, { size: number; mtimeMs: number; hash: Promise<string> }>();

  /**
   * sha256 of a file's bytes; of a directory, of its regular files' names and hashes (not recursive:
   * a model directory's config, weights and tokenizer). Undefined when the path does not exist.
   */
  async hashPath(path: string): Promise<string | undefined> {
    const s = await stat(path).catch(() => undefined);
    if (!s) return undefined;
    if (s.isFile()) return this.hashFile(path, s.size, s.mtimeMs);
    if (!s.isDirectory()) return undefined;
    const hash = createHash('sha256');
    for (const name of (await readdir(path)).sort()) {
      if (name.startsWith('.')) continue;
      const f = join(path, name);
      const fs = await stat(f).catch(() => undefined);
      if (fs?.isFile()) hash.update(`${name}\0${await this.hashFile(f, fs.size, fs.mtimeMs)}\n`);
    }
    return hash.digest('hex');
  }

  /** One hash over several named paths (sorted by name); 'none' for no paths. */
  async hashAll(paths: ReadonlyMap<string, string>): Promise<string> {
    if (paths.size === 0) return 'none';
    const hash = createHash('sha256');
    for (const [name, path] of [...paths].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      hash.update(`${name}\0${(await this.hashPath(path)) ?? 'missing'}\n`);
    }
    return hash.digest('hex');
  }

  private hashFile(path: string, size: number, mtimeMs: number): Promise<string> {
    const hit = this.cache.get(path);
    if (hit && hit.size === size && hit.mtimeMs === mtimeMs) return hit.hash;
    const hash = (async () => {
      const h = createHash('sha256');
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) h.update(chunk as Buffer);
      return h.digest('hex');
    })();
    this.cache.set(path, { size, mtimeMs, hash });
    hash.catch(() => this.cache.delete(path));
    return hash;
  }
}

/**
 * Every string inside `value` that names an existing regular file (relative to `baseDir`), keyed by
 * where it sits (`task.heldOut`, `argv[1]`): the data files a task or a program's params point at.
 * With `roots`, only files whose real path lies inside one of them (a fingerprint must not reveal
 * anything about files outside, not even a hash).
 */
export async function filesNamedIn(value: unknown, baseDir: string, at = '', roots?: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const visit = async (v: unknown, path: string): Promise<void> => {
    if (typeof v === 'string') {
      if (v === '' || v.length > 4096 || v.includes('\0')) return;
      const file = isAbsolute(v) ? v : resolve(baseDir, v);
      if (!(await stat(file).catch(() => undefined))?.isFile()) return;
      if (roots) {
        const real = await realpath(file).catch(() => '');
        if (!roots.some((r) => real === r || real.startsWith(r.endsWith('/') ? r : `${r}/`))) return;
      }
      out.set(path, file);
    } else if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) await visit(x, `${path}[${i}]`);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) await visit(x, path ? `${path}.${k}` : k);
    }
  };
  await visit(value, at);
  return out;
}
