/**
 * The directories a trainer reads models and data from: its workdir and its data roots
 * (--data-roots). Every model and data path a trial names (params.model.path,
 * params.task.{train,eval,heldOut}: libs/spec's dataPathsOf) must resolve inside one of them,
 * symlinks followed; anything else fails the trial as a bad request, before a byte is read.
 */
import { dataPathsOf, isInside } from '@tinysweep/spec';
import { existsSync, realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

export class DataRoots {
  /** The workdir first, then the data roots; each absolute with symlinks resolved. */
  readonly all: readonly string[];

  constructor(
    readonly workdir: string,
    roots: readonly string[] = [],
  ) {
    const real = (dir: string, what: string): string => {
      if (!existsSync(dir)) throw new Error(`${what} ${dir} does not exist`);
      return realpathSync(dir);
    };
    this.all = [real(resolve(workdir), 'workdir'), ...roots.map((r) => real(resolve(workdir, r), 'data root'))];
  }

  /** Whether an absolute, symlink-free path lies in a root. */
  contains(realPath: string): boolean {
    return this.all.some((root) => isInside(realPath, root));
  }

  /**
   * `path` (relative to the workdir, or absolute) with every symlink resolved; for a path that does
   * not exist yet, its deepest existing folder resolved plus the rest.
   */
  async realPath(path: string): Promise<string> {
    let p = isAbsolute(path) ? path : resolve(this.workdir, path);
    const rest: string[] = [];
    for (;;) {
      try {
        return join(await realpath(p), ...rest.reverse());
      } catch {
        const parent = dirname(p);
        if (parent === p) return join(p, ...rest.reverse());
        rest.push(basename(p));
        p = parent;
      }
    }
  }

  /** Why `path` may not be read, or null when it may. */
  async problem(path: string): Promise<string | null> {
    if (path.includes('\0')) return 'must not contain a NUL character';
    if (this.contains(await this.realPath(path))) return null;
    return `${path} is outside this trainer's workdir and data roots (symlinks followed; add a root with --data-roots)`;
  }

  /** The first model or data path of a trial's params that leaves the roots (`field` as `params.task.train`), or null. */
  async outside(params: Record<string, unknown>): Promise<{ field: string; problem: string } | null> {
    for (const { field, path } of dataPathsOf(params)) {
      const problem = await this.problem(path);
      if (problem) return { field: `params.${field}`, problem };
    }
    return null;
  }

  /** {@link outside} as one message, `params.<field>: …`; null when every path stays inside. */
  async check(params: Record<string, unknown>): Promise<string | null> {
    const o = await this.outside(params);
    return o && `${o.field}: ${o.problem}`;
  }
}
