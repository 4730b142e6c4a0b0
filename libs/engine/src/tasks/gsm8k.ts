/**
 * GSM8K (Cobbe et al. 2021), scored exactly as lm-evaluation-harness's `gsm8k` task (v3.0,
 * lm_eval/tasks/gsm8k/gsm8k.yaml):
 *
 * - prompt `Question: {question}\nAnswer:`, target the full worked answer, 5-shot by default there,
 *   generation until `Question:`, `</s>` or `<|im_end|>`;
 * - filters on the completion (lm_eval/filters/extraction.py RegexFilter, fallback `[invalid]`):
 *   **strict-match** `#### (\-?[0-9\.\,]+)`, first match;
 *   **flexible-extract** `(-?[$0-9.,]{2,})|(-?[0-9]+)`, last match (`group_select: -1`), its first
 *   non-empty group; either stripped of surrounding whitespace;
 * - exact_match on both the filtered completion and the target after `regexes_to_ignore`
 *   (`,`  `\$`  `(?s).*#### `  `\.$`, in that order) and lower-casing (`ignore_case: true`).
 *   The target's `(?s).*#### ` removal is what turns the worked answer into its final number.
 *
 * - `match: boxed` (not lm-eval's): the content of the last `\boxed{…}` (braces balanced), then the
 *   same normalisation.
 *
 * Consequences worth knowing (they are lm-eval's): "2.50" does not match "2.5"; flexible-extract
 * takes `7.` from "… = 7." and normalises it to `7`, and takes "1." from a numbered list item.
 */
import { withoutUndefined } from '../defaults.js';
import { asObject, readJsonl, stringField } from './jsonl.js';
import type { Gsm8kMatch, Gsm8kOptions } from './interfaces/gsm8k-options.js';
import { checkSize, firstN, type Example, type Task, type TaskLoadOptions, type TaskSplits } from './task.js';

/** lm-eval's strict-match `regex_pattern`, verbatim. */
export const GSM8K_STRICT_REGEX = '#### (\\-?[0-9\\.\\,]+)';
/** lm-eval's flexible-extract `regex_pattern`, verbatim. */
export const GSM8K_FLEXIBLE_REGEX = '(-?[$0-9.,]{2,})|(-?[0-9]+)';
// Python `re` and JavaScript (without the u flag) read both patterns the same way.
const STRICT = new RegExp(GSM8K_STRICT_REGEX, 'g');
const FLEXIBLE = new RegExp(GSM8K_FLEXIBLE_REGEX, 'g');
/** What a filter returns when nothing matches (lm-eval's fallback). */
export const GSM8K_INVALID = '[invalid]';
/** lm-eval's `until` for gsm8k. */
export const GSM8K_STOP_STRINGS: readonly string[] = ['Question:', '</s>', '<|im_end|>'];

/**
 * The answer a filter extracts from a completion, or `[invalid]`.
 * `'strict'`: the first `#### N`; `'flexible'`: the last number-like run.
 */
export function extractGsm8kAnswer(completion: string, mode: Gsm8kMatch): string {
  if (mode === 'boxed') return extractBoxed(completion) ?? GSM8K_INVALID;
  const pattern = mode === 'strict' ? STRICT : FLEXIBLE;
  const matches = [...completion.matchAll(pattern)];
  if (matches.length === 0) return GSM8K_INVALID;
  const m = mode === 'strict' ? matches[0] : matches[matches.length - 1];
  const group = m.slice(1).find((g) => g !== undefined && g !== '');
  return group === undefined ? GSM8K_INVALID : group.trim();
}

/**
 * The content of the last `\boxed{…}` in `text`, nested braces balanced; undefined when there is none
 * (or it is never closed). Written by hand: a regular expression cannot balance braces.
 */
export function extractBoxed(text: string): string | undefined {
  const start = text.lastIndexOf('\\boxed{');
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = start + '\\boxed{'.length - 1; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start + '\\boxed{'.length, i).trim();
  }
  return undefined;
}

/**
 * lm-eval's exact_match preprocessing for gsm8k, applied to both sides: remove `,` and `$`,
 * everything through the last `#### `, a trailing `.`; lower-case.
 * (`\.$` in Python also matches before a final newline; the lookahead keeps that.)
 */
export function normaliseGsm8kAnswer(text: string): string {
  return text
    .replace(/,/g, '')
    .replace(/\$/g, '')
    .replace(/[\s\S]*#### /, '')
    .replace(/\.(?=\n?$)/g, '')
    .toLowerCase();
}

/** The final answer of a GSM8K reference solution (the text after `#### `), normalised. */
export function gsm8kReferenceAnswer(target: string): string {
  return normaliseGsm8kAnswer(target);
}

/** Both of lm-eval's gsm8k metrics for one completion: 1 or 0 each. */
export function scoreGsm8k(completion: string, target: string): { strictMatch: number; flexibleExtract: number } {
  const reference = normaliseGsm8kAnswer(target);
  const score = (mode: Gsm8kMatch) => (normaliseGsm8kAnswer(extractGsm8kAnswer(completion, mode)) === reference ? 1 : 0);
  return { strictMatch: score('strict'), flexibleExtract: score('flexible') };
}

/** A GSM8K example from a `{question, answer}` record. */
export function gsm8kExample(record: Record<string, unknown>, id: string): Example {
  const question = stringField(record, 'question', id);
  const answer = stringField(record, 'answer', id);
  if (!answer.includes('#### ')) throw new Error(`${id}: "answer" has no final "#### N" line`);
  return {
    id,
    prompt: `Question: ${question}\nAnswer:`,
    target: answer,
    meta: { question, finalAnswer: answer.slice(answer.lastIndexOf('#### ') + 5).trim() },
  };
}

/** Reads a GSM8K JSON Lines file; ids are `<file name>:<line>`. */
export async function readGsm8k(path: string): Promise<Example[]> {
  const name = path.split(/[\\/]/).pop() ?? path;
  return (await readJsonl(path)).map(({ line, value }) => {
    const id = `${name}:${line}`;
    return gsm8kExample(asObject(value, `${path}:${line}`), id);
  });
}

export class Gsm8kTask implements Task {
  readonly name = 'gsm8k';
  readonly outputType = 'generate_until' as const;
  readonly stopStrings = GSM8K_STOP_STRINGS;
  readonly options: Readonly<Gsm8kOptions & { match: Gsm8kMatch }>;

  constructor(opts: Gsm8kOptions = {}) {
    const o = { match: 'flexible' as Gsm8kMatch, ...withoutUndefined(opts) };
    if (o.match !== 'strict' && o.match !== 'flexible' && o.match !== 'boxed') throw new Error(`match must be 'strict', 'flexible' or 'boxed' (got ${JSON.stringify(o.match)})`);
    checkSize('trainSize', o.trainSize);
    checkSize('evalSize', o.evalSize);
    this.options = Object.freeze(o);
  }

  async load(opts: TaskLoadOptions = {}): Promise<TaskSplits> {
    const trainSize = checkSize('trainSize', opts.trainSize) ?? this.options.trainSize;
    const evalSize = checkSize('evalSize', opts.evalSize) ?? this.options.evalSize;
    const [train, evalSplit] = await Promise.all([
      this.options.train === undefined ? [] : readGsm8k(this.options.train),
      this.options.eval === undefined ? [] : readGsm8k(this.options.eval),
    ]);
    return { train: firstN(train, trainSize), eval: firstN(evalSplit, evalSize) };
  }

  /** lm-eval's two metrics for a completion (and `boxed_match` under `match: boxed`), each 1 or 0. */
  metrics(completion: string, ex: Example): Record<string, number> {
    const { strictMatch, flexibleExtract } = scoreGsm8k(completion, ex.target);
    return { strict_match: strictMatch, flexible_extract: flexibleExtract, ...(this.options.match === 'boxed' ? { boxed_match: this.reward(completion, ex) } : {}) };
  }

  /** 1 when the extracted answer equals the reference's final answer after lm-eval's normalisation, else 0. */
  reward(completion: string, ex: Example): number {
    return normaliseGsm8kAnswer(extractGsm8kAnswer(completion, this.options.match)) === normaliseGsm8kAnswer(ex.target) ? 1 : 0;
  }
}
