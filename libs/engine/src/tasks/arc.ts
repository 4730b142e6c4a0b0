/**
 * ARC-Challenge (Clark et al. 2018, AI2 Reasoning Challenge), laid out as lm-evaluation-harness's
 * `arc_challenge` task: prompt `Question: {stem}\nAnswer:`, choices the option texts, gold the index
 * of `answerKey` among the labels; scored by log-likelihood (./multiple-choice.ts: acc, acc_norm).
 *
 * Labels are mostly A–E, a few questions use 1–4; the answer key always uses the same scheme as its
 * labels, so matching the key against the labels handles both.
 */
import { withoutUndefined } from '../defaults.js';
import { asObject, readJsonl, stringField } from './jsonl.js';
import type { ArcOptions } from './interfaces/arc-options.js';
import { checkSize, firstN, type Example, type Task, type TaskLoadOptions, type TaskSplits } from './task.js';

/** An ARC example from a `{id, question: {stem, choices}, answerKey}` record. */
export function arcExample(record: Record<string, unknown>, where: string): Example {
  const id = stringField(record, 'id', where);
  const question = asObject(record.question, `${where} (${id}): "question"`);
  const stem = stringField(question, 'stem', `${where} (${id})`);
  if (!Array.isArray(question.choices) || question.choices.length === 0) throw new Error(`${where} (${id}): "question.choices" must be a non-empty array`);
  const choices = question.choices.map((c, i) => asObject(c, `${where} (${id}): choices[${i}]`));
  const texts = choices.map((c) => stringField(c, 'text', `${where} (${id})`));
  const labels = choices.map((c) => stringField(c, 'label', `${where} (${id})`));
  const answerKey = stringField(record, 'answerKey', `${where} (${id})`);
  const answerIndex = labels.indexOf(answerKey);
  if (answerIndex < 0) throw new Error(`${where} (${id}): answerKey "${answerKey}" is not one of the labels ${labels.join(', ')}`);
  return { id, prompt: `Question: ${stem}\nAnswer:`, target: texts[answerIndex], choices: texts, answerIndex, meta: { labels, answerKey } };
}

/** Reads an ARC JSON Lines file. */
export async function readArc(path: string): Promise<Example[]> {
  return (await readJsonl(path)).map(({ line, value }) => arcExample(asObject(value, `${path}:${line}`), `${path}:${line}`));
}

export class ArcTask implements Task {
  readonly name = 'arc';
  readonly outputType = 'multiple_choice' as const;
  readonly options: Readonly<ArcOptions>;

  constructor(opts: ArcOptions = {}) {
    checkSize('trainSize', opts.trainSize);
    checkSize('evalSize', opts.evalSize);
    this.options = Object.freeze(withoutUndefined(opts));
  }

  async load(opts: TaskLoadOptions = {}): Promise<TaskSplits> {
    const trainSize = checkSize('trainSize', opts.trainSize) ?? this.options.trainSize;
    const evalSize = checkSize('evalSize', opts.evalSize) ?? this.options.evalSize;
    const [train, evalSplit] = await Promise.all([
      this.options.train === undefined ? [] : readArc(this.options.train),
      this.options.eval === undefined ? [] : readArc(this.options.eval),
    ]);
    return { train: firstN(train, trainSize), eval: firstN(evalSplit, evalSize) };
  }

  /**
   * For generating instead of scoring choices: 1 when the completion's first line, trimmed and
   * case-folded, is the correct choice's text or its label (`C`, `(C)`, `C.`), else 0. The standard
   * ARC metrics are acc / acc_norm by log-likelihood (scoreMultipleChoice), not this.
   */
  reward(completion: string, ex: Example): number {
    const answer = (completion.split('\n', 1)[0] ?? '').trim().toLowerCase();
    if (answer === ex.target.trim().toLowerCase()) return 1;
    const labels = ex.meta?.labels;
    const label = Array.isArray(labels) && ex.answerIndex !== undefined ? String(labels[ex.answerIndex]).toLowerCase() : undefined;
    return label !== undefined && [label, `(${label})`, `${label}.`, `${label})`].includes(answer) ? 1 : 0;
  }
}
