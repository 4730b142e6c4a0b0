/**
 * One table from a sweep spec's `task` section (`{ kind, …plain data }`, libs/spec's TaskSpec) to a
 * Task. Unknown kinds, unknown keys and wrong types throw, naming them (`task.evalSize: must be …`).
 *
 *   createTask({ kind: 'gsm8k', train: 'data/gsm8k/train.jsonl', eval: 'data/gsm8k/test.jsonl', evalSize: 500 },
 *              { baseDir: '/datasets' })
 */
import { isAbsolute, resolve } from 'node:path';
import { ArcTask } from './arc.js';
import { ArithmeticTask } from './arithmetic.js';
import { Gsm8kTask } from './gsm8k.js';
import type { ArithmeticOp } from './interfaces/arithmetic-options.js';
import type { Gsm8kMatch } from './interfaces/gsm8k-options.js';
import { RegexTask } from './regex-task.js';
import type { Task } from './task.js';

/** A task section of a sweep spec: a kind plus that kind's settings. */
export interface TaskSpec {
  kind: string;
  [key: string]: unknown;
}

/** How {@link createTask} reads paths. */
export interface CreateTaskOptions {
  /**
   * Relative data paths in the spec are resolved against this directory.
   * @defaultValue the process's working directory
   */
  baseDir?: string;
}

type Factory = (read: SpecReader, opts: CreateTaskOptions) => Task;

const FACTORIES: Record<string, { keys: string[]; make: Factory }> = {
  gsm8k: {
    keys: ['train', 'eval', 'trainSize', 'evalSize', 'match'],
    make: (r, o) =>
      new Gsm8kTask({
        train: r.path('train', o),
        eval: r.path('eval', o),
        trainSize: r.int('trainSize', 0),
        evalSize: r.int('evalSize', 0),
        match: r.oneOf<Gsm8kMatch>('match', ['strict', 'flexible', 'boxed']),
      }),
  },
  arc: {
    keys: ['train', 'eval', 'trainSize', 'evalSize'],
    make: (r, o) => new ArcTask({ train: r.path('train', o), eval: r.path('eval', o), trainSize: r.int('trainSize', 0), evalSize: r.int('evalSize', 0) }),
  },
  arithmetic: {
    keys: ['seed', 'trainSize', 'evalSize', 'ops', 'min', 'max', 'template', 'answer', 'stopStrings', 'heldOut'],
    make: (r, o) =>
      new ArithmeticTask({
        seed: r.int('seed', 0),
        trainSize: r.int('trainSize', 0),
        evalSize: r.int('evalSize', 0),
        ops: r.stringList('ops') as ArithmeticOp[] | undefined,
        min: r.int('min', Number.MIN_SAFE_INTEGER),
        max: r.int('max', Number.MIN_SAFE_INTEGER),
        template: r.string('template'),
        answer: r.oneOf<'first' | 'last'>('answer', ['first', 'last']),
        stopStrings: r.stringList('stopStrings'),
        heldOut: r.path('heldOut', o),
      }),
  },
  regex: {
    keys: ['pattern', 'flags', 'prompts', 'evalPrompts', 'stopStrings'],
    make: (r) =>
      new RegexTask({
        pattern: r.required('pattern', r.string('pattern')),
        flags: r.string('flags'),
        prompts: r.required('prompts', r.stringList('prompts')),
        evalPrompts: r.stringList('evalPrompts'),
        stopStrings: r.stringList('stopStrings'),
      }),
  },
};

/** Other spellings of a kind. */
const ALIASES: Record<string, string> = { arc_challenge: 'arc', 'arc-challenge': 'arc' };

/** The task kinds {@link createTask} knows (aliases: arc_challenge, arc-challenge → arc). */
export const TASK_KINDS = Object.keys(FACTORIES);

/** Builds the task a spec describes; throws on an unknown kind, key or value, naming it. */
export function createTask(spec: TaskSpec, opts: CreateTaskOptions = {}): Task {
  if (typeof spec !== 'object' || spec === null || typeof spec.kind !== 'string') throw new Error('task must be a mapping with a kind (a string)');
  const kind = Object.hasOwn(ALIASES, spec.kind) ? ALIASES[spec.kind] : spec.kind;
  if (!Object.hasOwn(FACTORIES, kind)) throw new Error(`unknown task kind ${JSON.stringify(spec.kind)} (known: ${TASK_KINDS.join(', ')})`);
  const { keys, make } = FACTORIES[kind];
  const unknown = Object.keys(spec).filter((k) => k !== 'kind' && !keys.includes(k));
  if (unknown.length > 0) throw new Error(`task.${unknown[0]}: unknown key for a ${kind} task (known: ${keys.join(', ')})`);
  const reader = new SpecReader(spec);
  try {
    return make(reader, opts);
  } catch (err) {
    const message = (err as Error).message;
    // Constructor errors name the option; point them at the spec.
    throw new Error(message.startsWith('task.') ? message : `task: ${message}`, { cause: err });
  }
}

/** Typed reads of a spec's loose fields; every error names `task.<key>`. */
class SpecReader {
  constructor(private readonly spec: TaskSpec) {}

  string(key: string): string | undefined {
    const v = this.spec[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new Error(`task.${key}: must be a string (got ${describe(v)})`);
    return v;
  }

  path(key: string, opts: CreateTaskOptions): string | undefined {
    const p = this.string(key);
    if (p === undefined) return undefined;
    if (p === '') throw new Error(`task.${key}: must be a non-empty path`);
    return isAbsolute(p) ? p : resolve(opts.baseDir ?? process.cwd(), p);
  }

  int(key: string, min: number): number | undefined {
    const v = this.spec[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new Error(`task.${key}: must be an integer${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ''} (got ${describe(v)})`);
    return v;
  }

  stringList(key: string): string[] | undefined {
    const v = this.spec[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`task.${key}: must be a list of strings (got ${describe(v)})`);
    return v as string[];
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.spec[key];
    if (v === undefined) return undefined;
    if (!allowed.includes(v as T)) throw new Error(`task.${key}: must be one of ${allowed.join(', ')} (got ${describe(v)})`);
    return v as T;
  }

  required<T>(key: string, value: T | undefined): T {
    if (value === undefined) throw new Error(`task.${key}: required`);
    return value;
  }
}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? typeof v : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
