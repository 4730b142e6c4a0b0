import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/**
 * The programs a trainer's `command` backend may start (--allow-command node,python3). An entry is
 * a name, found on the trainer's PATH when it starts, or a path (absolute, or relative to the
 * workdir). A spec's program (argv[0]) must be one of the names or resolve to one of the paths;
 * the trainer then executes the path it resolved, so a program's PATH cannot change what runs.
 */
export class AllowedPrograms {
  private readonly byName = new Map<string, string>();
  private readonly paths = new Set<string>();

  constructor(entries: readonly string[], opts: { workdir: string; path?: string }) {
    const searchPath = opts.path ?? process.env.PATH ?? '';
    for (const entry of entries) {
      if (entry.includes('/')) {
        const file = resolve(opts.workdir, entry);
        if (!isExecutable(file)) throw new Error(`--allow-command: ${entry} is not an executable file`);
        this.paths.add(file);
      } else {
        const found = searchPath
          .split(delimiter)
          .filter(Boolean)
          .map((dir) => join(dir, entry))
          .find(isExecutable);
        if (!found) throw new Error(`--allow-command: ${entry} was not found on PATH`);
        this.byName.set(entry, found);
        this.paths.add(found);
      }
    }
  }

  /** The allowed programs as given (names, and paths). */
  get names(): string[] {
    return [...this.byName.keys(), ...[...this.paths].filter((p) => ![...this.byName.values()].includes(p))];
  }

  get size(): number {
    return this.paths.size;
  }

  /** The file to execute for a spec's argv[0] (`cwd` resolves a relative path), or an error message. */
  resolve(program: string, cwd: string): { file: string } | { error: string } {
    if (!program.includes('/')) {
      const file = this.byName.get(program);
      if (file) return { file };
    } else {
      const file = isAbsolute(program) ? program : resolve(cwd, program);
      if (this.paths.has(file)) return { file };
    }
    const allowed = this.names.join(', ') || 'none';
    return { error: `program "${program}" is not allowed on this trainer (allowed: ${allowed}; see --allow-command)` };
  }
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
