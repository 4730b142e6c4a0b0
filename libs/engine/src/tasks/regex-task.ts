/**
 * A reward-by-pattern task: reward 1 when the completion matches a user's regular expression. For
 * steering behaviour rather than answering questions, e.g. make the main character of a story be
 * called Sam:
 *
 *   new RegexTask({ pattern: '\\bSam\\b', prompts: ['Once upon a time, there was a little girl named'] })
 *
 * The pattern runs on model output of bounded length (maxNewTokens), but a catastrophically
 * backtracking pattern is still the user's to avoid.
 */
import { withoutUndefined } from '../defaults.js';
import type { RegexOptions } from './interfaces/regex-options.js';
import type { Example, Task, TaskLoadOptions, TaskSplits } from './task.js';
import { checkSize, firstN } from './task.js';

export class RegexTask implements Task {
  readonly name = 'regex';
  readonly outputType = 'generate_until' as const;
  readonly options: Readonly<Required<Omit<RegexOptions, 'evalPrompts'>> & Pick<RegexOptions, 'evalPrompts'>>;
  private readonly regex: RegExp;

  constructor(opts: RegexOptions) {
    const o = { flags: '', stopStrings: [] as string[], ...withoutUndefined(opts), pattern: opts.pattern, prompts: opts.prompts };
    if (typeof o.pattern !== 'string' || o.pattern === '') throw new Error('pattern must be a non-empty string');
    if (typeof o.flags !== 'string' || /[gy]/.test(o.flags)) throw new Error(`flags must not include g or y (got ${JSON.stringify(o.flags)})`);
    try {
      this.regex = new RegExp(o.pattern, o.flags);
    } catch (err) {
      throw new Error(`pattern is not a valid regular expression: ${(err as Error).message}`, { cause: err });
    }
    checkPrompts('prompts', o.prompts);
    if (o.evalPrompts !== undefined) checkPrompts('evalPrompts', o.evalPrompts);
    if (!Array.isArray(o.stopStrings) || o.stopStrings.some((s) => typeof s !== 'string')) throw new Error('stopStrings must be a list of strings');
    this.options = Object.freeze(o);
  }

  get stopStrings(): readonly string[] {
    return this.options.stopStrings;
  }

  load(opts: TaskLoadOptions = {}): TaskSplits {
    const make = (split: string, prompts: readonly string[]): Example[] =>
      prompts.map((prompt, i) => ({ id: `regex:${split}:${i}`, prompt, target: this.options.pattern, meta: { flags: this.options.flags } }));
    return {
      train: firstN(make('train', this.options.prompts), checkSize('trainSize', opts.trainSize)),
      eval: firstN(make('eval', this.options.evalPrompts ?? this.options.prompts), checkSize('evalSize', opts.evalSize)),
    };
  }

  /** 1 when the completion matches the pattern, else 0. */
  reward(completion: string, _ex: Example): number {
    return this.regex.test(completion) ? 1 : 0;
  }
}

function checkPrompts(name: string, prompts: unknown): void {
  if (!Array.isArray(prompts) || prompts.length === 0 || prompts.some((p) => typeof p !== 'string')) throw new Error(`${name} must be a non-empty list of strings`);
}
