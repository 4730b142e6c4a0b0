/**
 * `{name}` placeholders in a command backend's arguments, checked when the spec is parsed so that a
 * typo fails the submission instead of every trial.
 *
 * The syntax matches the trainer's command backend: only identifier-like names, optionally dotted,
 * are placeholders (`{lr}`, `{adapter.rank}`, `{task.evalSize}`), so JSON text such as `{"a":1}` in an
 * argument passes through untouched. A placeholder resolves to a top-level param, a dotted path into
 * the trial's params, `seed`, or one of {@link TRAINER_PLACEHOLDERS}.
 */
import { closest, isMapping } from './schema-kit.js';
import type { NormalizedSweepSpec } from './spec-types.js';

/** What counts as a placeholder (same pattern as apps/trainer's command backend). */
export const PLACEHOLDER_PATTERN = /\{([A-Za-z_][\w-]*(?:\.[\w-]+)*)\}/g;

/** Placeholders the trainer fills from the request rather than from the trial's params. */
export const TRAINER_PLACEHOLDERS: readonly string[] = ['trial_id', 'sweep_id', 'attempt', 'params_file'];

/** The placeholder names used in one argument, in order (with repeats). */
export function placeholderNames(arg: string): string[] {
  return [...arg.matchAll(PLACEHOLDER_PATTERN)].map((m) => m[1]);
}

/**
 * Every name a placeholder may use for trials of this spec: trainer-supplied names, `seed`, each
 * param, and the dotted path of every field (and sub-field) of the sections trials carry.
 */
export function knownPlaceholders(spec: Omit<NormalizedSweepSpec, 'name' | 'backend' | 'search' | 'objective' | 'budget'>): Set<string> {
  const known = new Set<string>(Object.keys(spec.params));
  known.add('seed');
  if (spec.adapter) {
    for (const k of ['adapter', 'adapter.modules', 'adapter.layers', 'adapter.rank', 'adapter.u', 'adapter.tie', 'adapter.tie.mode']) known.add(k);
    if (spec.adapter.tie?.some((t) => 'n' in t)) known.add('adapter.tie.n');
    for (const k of Object.keys(spec.adapter)) known.add(`adapter.${k}`);
  }
  if (spec.prune) for (const k of ['prune', 'prune.threshold', 'prune.retrainIterations']) known.add(k);
  if (spec.optimizer) {
    known.add('optimizer');
    for (const k of Object.keys(spec.optimizer)) known.add(`optimizer.${k}`);
  }
  if (spec.model) addPaths(known, 'model', spec.model);
  if (spec.task) addPaths(known, 'task', spec.task);
  for (const name of TRAINER_PLACEHOLDERS) known.add(name);
  return known;
}

/** Adds `prefix` and the dotted path of every nested mapping member (lists are leaves). */
function addPaths(known: Set<string>, path: string, value: unknown): void {
  known.add(path);
  if (isMapping(value)) for (const [k, child] of Object.entries(value)) addPaths(known, `${path}.${k}`, child);
}

/** The message for a placeholder that names nothing, with the closest known name when one is near. */
export function unknownPlaceholderMessage(name: string, known: ReadonlySet<string>): string {
  const names = [...known];
  const near = closest(name, names);
  const shown = names.slice(0, 16);
  return (
    `placeholder {${name}} names no parameter` +
    (near ? ` (did you mean {${near}}?)` : '') +
    `; known: ${shown.join(', ')}${shown.length < names.length ? ', …' : ''}`
  );
}
