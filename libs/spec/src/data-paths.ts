/**
 * Model and data paths: where they sit in a spec (and in a trial's params, which carry the same
 * `model` and `task` sections), and whether a path stays inside what trainers may read — paths
 * relative to a trainer's workdir, or absolute ones under a configured data root.
 *
 * This is the check on the text alone (the API's, at submission); trainers check again after
 * resolving symlinks, since only they see their files.
 */
import { posix } from 'node:path';
import { SpecError, type SpecIssue } from './errors/spec-error.js';

/** Keys of a task section that name files (gsm8k and arc: train, eval; arithmetic: heldOut). */
export const TASK_PATH_KEYS = ['train', 'eval', 'heldOut'] as const;

/** One model or data path and the field it came from (`model.path`, `task.train`). */
export interface DataPath {
  field: string;
  path: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The model and data paths of a spec or of a trial's params: `model.path`, `task.{train,eval,heldOut}`. */
export function dataPathsOf(section: { model?: unknown; task?: unknown }): DataPath[] {
  const out: DataPath[] = [];
  const add = (field: string, v: unknown) => {
    if (typeof v === 'string') out.push({ field, path: v });
    else if (Array.isArray(v)) v.forEach((x, i) => typeof x === 'string' && out.push({ field: `${field}[${i}]`, path: x }));
  };
  if (isObject(section.model)) add('model.path', section.model.path);
  if (isObject(section.task)) for (const key of TASK_PATH_KEYS) add(`task.${key}`, section.task[key]);
  return out;
}

/** Whether `path` is `root` or beneath it (both absolute, normalized). */
export function isInside(path: string, root: string): boolean {
  const bare = root.length > 1 ? root.replace(/\/+$/, '') : root;
  return path === bare || path.startsWith(bare === '/' ? '/' : `${bare}/`);
}

/**
 * Why a trainer may not read `path`, judged from its text. With `roots` (absolute directories the
 * trainers read from: their workdir and data roots), an absolute path must lie under one of them; a
 * relative path resolves against a trainer's workdir, which only the trainer knows, so `../` is left
 * for it to judge. Without `roots` only the text's form is checked.
 */
export function lexicalPathProblem(path: string, roots?: readonly string[]): string | null {
  if (path === '') return 'must not be empty';
  if (path.includes('\0')) return 'must not contain a NUL character';
  if (roots !== undefined && posix.isAbsolute(path)) {
    const abs = posix.normalize(path);
    if (roots.some((r) => isInside(abs, posix.normalize(r)))) return null;
    return `must be relative to the trainer's workdir or under a data root (${roots.join(', ') || 'none configured'})`;
  }
  return null;
}

/** Throws a SpecError naming every model or data path of `spec` that {@link lexicalPathProblem} refuses. */
export function checkDataPaths(spec: { model?: unknown; task?: unknown }, roots?: readonly string[]): void {
  const issues: SpecIssue[] = [];
  for (const { field, path } of dataPathsOf(spec)) {
    const problem = lexicalPathProblem(path, roots);
    if (problem) issues.push({ path: field, message: problem });
  }
  if (issues.length > 0) throw new SpecError(issues);
}
