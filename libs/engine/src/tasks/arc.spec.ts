import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ArcTask, arcExample } from './arc.js';
import { multipleChoiceRequests, scoreMultipleChoice } from './multiple-choice.js';

/** The shared data beside the checkout (DESIGN.md "Environment facts"); read there, never copied. */
const DATA = process.env.TINYSWEEP_DATA_DIR ?? fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));

describe('scoreMultipleChoice (lm-eval acc / acc_norm)', () => {
  it('picks the largest sum for acc and the largest per-character mean for acc_norm', () => {
    // A short choice with a higher total but a much lower per-character log-probability.
    const choices = ['no', 'photosynthesis in leaves'];
    const logprobs = [-4, -6]; // acc: choice 0 (−4 > −6); per char: −4/2 = −2 vs −6/24 = −0.25 → choice 1
    expect(scoreMultipleChoice(logprobs, choices)).toEqual({ pred: 0, predNorm: 1, predBytes: 1 });
  });

  it('divides by characters (Python len), not bytes — they differ for non-ASCII choices', () => {
    // "0°C" is 3 characters but 4 UTF-8 bytes; "0 C" is 3 and 3.
    const choices = ['0°C', '0 C'];
    const logprobs = [-3.5, -3.6];
    // chars: −1.1667 vs −1.2 → 0; bytes: −0.875 vs −1.2 → 0 (same here)…
    expect(scoreMultipleChoice(logprobs, choices).predNorm).toBe(0);
    // …but flip the totals: chars −1.2 vs −1.1667 → 1; bytes −0.9 vs −1.1667 → 0.
    expect(scoreMultipleChoice([-3.6, -3.5], choices)).toEqual({ pred: 1, predNorm: 1, predBytes: 0 });
  });

  it('breaks ties towards the first choice, like numpy argmax', () => {
    expect(scoreMultipleChoice([-1, -1, -2], ['a', 'b', 'c'])).toEqual({ pred: 0, predNorm: 0, predBytes: 0 });
    expect(() => scoreMultipleChoice([-1], ['a', 'b'])).toThrow(/one log-probability per choice/);
  });
});

describe('ArcTask on the real ARC-Challenge test split', () => {
  const task = new ArcTask({ eval: `${DATA}arc-challenge/ARC-Challenge-Test.jsonl`, train: `${DATA}arc-challenge/ARC-Challenge-Train.jsonl` });

  it('loads 1172 questions in lm-eval layout, with gold indices for letter and digit labels', async () => {
    const { train, eval: test } = await task.load();
    expect(test).toHaveLength(1172);
    expect(train).toHaveLength(1119);
    expect(test[0]).toMatchObject({
      id: 'Mercury_7175875',
      prompt: 'Question: An astronomer observes that a planet rotates faster after a meteorite impact. Which is the most likely effect of this increase in rotation?\nAnswer:',
      choices: ['Planetary density will decrease.', 'Planetary years will become longer.', 'Planetary days will become shorter.', 'Planetary gravity will become stronger.'],
      answerIndex: 2,
      target: 'Planetary days will become shorter.',
    });
    const digitLabelled = test.filter((e) => (e.meta?.labels as string[])[0] === '1');
    expect(digitLabelled.length).toBeGreaterThan(0);
    for (const ex of [...train, ...test]) {
      expect(ex.choices?.[ex.answerIndex ?? -1]).toBe(ex.target);
      expect([3, 4, 5]).toContain(ex.choices?.length);
    }
    expect(new Set(test.map((e) => e.id)).size).toBe(1172);
  });

  it('asks for " " + choice after the prompt', async () => {
    const { eval: test } = await task.load({ evalSize: 1 });
    expect(multipleChoiceRequests(test[0])).toEqual({
      context: test[0].prompt,
      continuations: test[0].choices?.map((c) => ` ${c}`),
    });
    expect(task.outputType).toBe('multiple_choice');
  });

  it('rewards a generated answer by text or label', async () => {
    const { eval: test } = await task.load({ evalSize: 1 });
    expect(task.reward(' Planetary days will become shorter.\nBecause…', test[0])).toBe(1);
    expect(task.reward('C', test[0])).toBe(1);
    expect(task.reward('(c)', test[0])).toBe(1);
    expect(task.reward('B', test[0])).toBe(0);
  });

  it('names a record whose answer key is not a label', () => {
    const bad = { id: 'q1', question: { stem: 's', choices: [{ text: 'a', label: 'A' }] }, answerKey: 'B' };
    expect(() => arcExample(bad, 'f.jsonl:3')).toThrow('f.jsonl:3 (q1): answerKey "B" is not one of the labels A');
  });
});
