import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GSM8K_INVALID, Gsm8kTask, extractBoxed, extractGsm8kAnswer, gsm8kExample, normaliseGsm8kAnswer, scoreGsm8k } from './gsm8k.js';
import { buildPrompt, selectShots, type ChatMessage } from './prompt.js';

/** The shared data beside the checkout (DESIGN.md "Environment facts"); read there, never copied. */
const DATA = process.env.TINYSWEEP_DATA_DIR ?? fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));

describe('GSM8K answer extraction (lm-eval gsm8k.yaml v3 filters)', () => {
  it.each([
    ['#### 72', '72'],
    ['She has 5 + 7 = 12 apples.\n#### 12', '12'],
    ['#### -3', '-3'],
    ['#### 1,234', '1,234'],
    ['#### 2.50', '2.50'],
    ['#### 5\n#### 6', '5'], // first match
    ['The answer is 72', GSM8K_INVALID],
    ['####72', GSM8K_INVALID], // needs the space
  ])('strict-match: %j → %j', (completion, extracted) => {
    expect(extractGsm8kAnswer(completion, 'strict')).toBe(extracted);
  });

  it.each([
    ['The answer is $1,234.', '$1,234.'],
    ['#### 72', '72'],
    ['so she has -3 apples left', '-3'],
    ['3 + 4 = 7.', '7.'],
    ['It costs 2.5 dollars', '2.5'],
    ['The answer is 5', '5'], // one digit: the second alternative
    ['x = 12 and then 8', '8'], // last match
    ['Step 1. Add them up', '1.'],
    ['no numbers here', GSM8K_INVALID],
  ])('flexible-extract: %j → %j', (completion, extracted) => {
    expect(extractGsm8kAnswer(completion, 'flexible')).toBe(extracted);
  });

  it("normalises both sides as lm-eval's regexes_to_ignore do", () => {
    expect(normaliseGsm8kAnswer('$1,234.')).toBe('1234');
    expect(normaliseGsm8kAnswer('Natalia sold 48/2 = <<48/2=24>>24 clips.\n#### 72')).toBe('72');
    expect(normaliseGsm8kAnswer('#### 1,000')).toBe('1000');
    expect(normaliseGsm8kAnswer('7.')).toBe('7');
    expect(normaliseGsm8kAnswer('2.50')).toBe('2.50'); // not a number compare: 2.50 ≠ 2.5
    expect(normaliseGsm8kAnswer('[INVALID]')).toBe('[invalid]');
  });

  it('scores a completion against a worked reference', () => {
    const target = 'She pays 1,000 + 234 = <<1000+234=1234>>1234 dollars.\n#### 1,234';
    expect(scoreGsm8k('The answer is $1,234.', target)).toEqual({ strictMatch: 0, flexibleExtract: 1 });
    expect(scoreGsm8k('1000 + 234 = 1234\n#### 1234', target)).toEqual({ strictMatch: 1, flexibleExtract: 1 });
    expect(scoreGsm8k('#### 1234\nThen I doubled it: 2468', target)).toEqual({ strictMatch: 1, flexibleExtract: 0 });
    expect(scoreGsm8k('#### -1234', target)).toEqual({ strictMatch: 0, flexibleExtract: 0 });
    expect(scoreGsm8k('#### 2.50', '#### 2.5')).toEqual({ strictMatch: 0, flexibleExtract: 0 });
  });

  it('reports both of lm-eval’s metrics whichever the reward uses, and extracts \\boxed{…} under match: boxed', () => {
    const ex = gsm8kExample({ question: 'q', answer: '1000 + 234 = 1234\n#### 1,234' }, 'x:1');
    for (const match of ['strict', 'flexible'] as const) {
      expect(new Gsm8kTask({ match }).metrics('The answer is $1,234.', ex)).toEqual({ strict_match: 0, flexible_extract: 1 });
    }
    const boxed = new Gsm8kTask({ match: 'boxed' });
    expect(boxed.metrics('so \\boxed{1,234} — not 99', ex)).toEqual({ strict_match: 0, flexible_extract: 0, boxed_match: 1 });
    expect(boxed.reward('\\boxed{12} then \\boxed{\\frac{1}{2}}', gsm8kExample({ question: 'q', answer: '#### \\frac{1}{2}' }, 'x:2'))).toBe(1);
    expect(extractBoxed('\\boxed{ {a}{b} }')).toBe('{a}{b}');
    expect(extractBoxed('\\boxed{unclosed')).toBeUndefined();
    expect(extractGsm8kAnswer('no box here', 'boxed')).toBe(GSM8K_INVALID);
    expect(() => new Gsm8kTask({ match: 'loose' as 'strict' })).toThrow(/'strict', 'flexible' or 'boxed'/);
  });

  it('builds examples and refuses records without a final answer', () => {
    const ex = gsm8kExample({ question: 'What is 2 + 2?', answer: '2 + 2 = 4\n#### 4' }, 'x:1');
    expect(ex).toEqual({ id: 'x:1', prompt: 'Question: What is 2 + 2?\nAnswer:', target: '2 + 2 = 4\n#### 4', meta: { question: 'What is 2 + 2?', finalAnswer: '4' } });
    expect(() => gsm8kExample({ question: 'q', answer: '4' }, 'x:2')).toThrow(/x:2: "answer" has no final "#### N" line/);
    expect(() => gsm8kExample({ question: 3, answer: '#### 4' }, 'x:3')).toThrow(/field "question" must be a string/);
  });
});

describe('Gsm8kTask on the real test split', () => {
  const task = new Gsm8kTask({ train: `${DATA}gsm8k/train.jsonl`, eval: `${DATA}gsm8k/test.jsonl` });

  it('loads all 1319 test questions with lm-eval prompts, and the first N on request', async () => {
    const { train, eval: test } = await task.load();
    expect(test).toHaveLength(1319);
    expect(train).toHaveLength(7473);
    expect(test[0].id).toBe('test.jsonl:1');
    expect(test[0].prompt).toMatch(/^Question: Janet’s ducks lay 16 eggs per day\..*\nAnswer:$/s);
    expect(test[0].meta?.finalAnswer).toBe('18');
    expect(task.reward('She makes 9 * 2 = $18 every day.', test[0])).toBe(1);
    expect(task.reward('She makes $20.', test[0])).toBe(0);
    const limited = await task.load({ evalSize: 500, trainSize: 0 });
    expect(limited.eval).toHaveLength(500);
    expect(limited.train).toHaveLength(0);
    expect(limited.eval[499]).toEqual(test[499]);
  });

  it('gives every reference full marks against itself under both filters', async () => {
    const { eval: test } = await task.load();
    for (const ex of test) expect(scoreGsm8k(ex.target, ex.target)).toEqual({ strictMatch: 1, flexibleExtract: 1 });
  });

  it('builds a 5-shot prompt in lm-eval layout, plain or through a chat template', async () => {
    const { train, eval: test } = await task.load({ evalSize: 1 });
    const shots = selectShots(train, 5, { seed: 1234 });
    expect(selectShots(train, 5, { seed: 1234 })).toEqual(shots);
    const prompt = buildPrompt(test[0], { shots });
    expect(prompt.split('Question: ')).toHaveLength(7);
    expect(prompt.startsWith(`${shots[0].prompt} ${shots[0].target}\n\n${shots[1].prompt}`)).toBe(true);
    expect(prompt.endsWith(`\n\n${test[0].prompt}`)).toBe(true);

    const seen: ChatMessage[][] = [];
    const template = (messages: ChatMessage[]) => {
      seen.push(messages);
      return messages.map((m) => `<|${m.role}|>${m.content}`).join('') + '<|assistant|>';
    };
    const chat = buildPrompt(test[0], { shots: shots.slice(0, 2), chatTemplate: template, system: 'Solve.' });
    expect(seen[0].map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(seen[0][2].content).toBe(shots[0].target);
    expect(chat.endsWith(`<|user|>${test[0].prompt}<|assistant|>`)).toBe(true);
    buildPrompt(test[0], { shots: shots.slice(0, 2), chatTemplate: template, multiturn: false });
    expect(seen[1]).toEqual([{ role: 'user', content: buildPrompt(test[0], { shots: shots.slice(0, 2) }) }]);
  });

  it('names a broken file and line, never quoting it', async () => {
    const err = await new Gsm8kTask({ eval: `${DATA}gsm8k/LICENSE` }).load().catch((e: Error) => e);
    expect((err as Error).message).toMatch(/LICENSE:1: invalid JSON/);
    expect((err as Error).message).not.toMatch(/MIT|License/); // the file's first line is 'MIT License'
    await expect(new Gsm8kTask({ eval: '/nonexistent/test.jsonl' }).load()).rejects.toThrow(/cannot read \/nonexistent\/test.jsonl/);
    expect(() => new Gsm8kTask({ match: 'loose' as 'strict' })).toThrow(/match must be 'strict', 'flexible' or 'boxed'/);
  });
});
