import { describe, expect, it } from 'vitest';
import { AntitheticEs } from '../optimizers/antithetic-es.js';
import type { GenerateOptions, Policy, TextCodec } from '../policy.js';
import { ArithmeticTask } from '../tasks/arithmetic.js';
import { buildPrompt } from '../tasks/prompt.js';
import type { Example } from '../tasks/task.js';
import { evaluateGeneration, evaluateMultipleChoice } from './evaluate.js';
import { encodePair, nllObjective, repeatCandidates, rewardObjective } from './objectives.js';

/** One id per character (its code point); no special tokens. */
const charCodec: TextCodec = {
  encode: (text) => [...text].map((ch) => ch.codePointAt(0) ?? 0),
  decode: (ids) => String.fromCodePoint(...ids),
};
const EOS = 0;
const BOS = 1;

/**
 * TEST DOUBLE — an injected stand-in for libs/model's DecoderSession, for unit tests of the
 * objectives' batching and plumbing only. It is not a model: "generation" looks the prompt up in a
 * table and answers correctly iff the row's adapter v lies within that prompt's radius of `vStar`
 * (so a batch's mean reward grows as v approaches vStar), then pads with EOS; "log-probabilities" are
 * a per-continuation table value minus ‖v − vStar‖² per continuation token. Every call is recorded.
 */
class LookupTablePolicy implements Policy {
  readonly generateCalls: { prompts: number[][]; opts: GenerateOptions }[] = [];
  readonly logprobCalls: { contexts: number[][]; continuations: number[][]; adapterV?: Float32Array }[] = [];

  constructor(
    private readonly vStar: Float32Array,
    private readonly answers: ReadonlyMap<string, { answer: string; radius: number }> = new Map(),
    private readonly continuationLogprob: (continuation: string) => number = () => 0,
  ) {}

  async generate(prompts: number[][], opts: GenerateOptions): Promise<number[][]> {
    this.generateCalls.push({ prompts, opts });
    return prompts.map((ids, r) => {
      const prompt = charCodec.decode(ids[0] === BOS ? ids.slice(1) : ids);
      const entry = this.answers.get(prompt);
      if (!entry) throw new Error(`LookupTablePolicy has no entry for ${JSON.stringify(prompt)}`);
      const correct = this.distanceSq(opts.adapterV, r) <= entry.radius ** 2;
      const text = correct ? ` ${entry.answer}` : ` ${entry.answer}9`;
      return [...charCodec.encode(text), EOS, EOS, EOS].slice(0, opts.maxNewTokens);
    });
  }

  async logprobs(contexts: number[][], continuations: number[][], adapterV?: Float32Array): Promise<number[]> {
    this.logprobCalls.push({ contexts, continuations, adapterV });
    return continuations.map((ids, r) => this.continuationLogprob(charCodec.decode(ids)) - ids.length * this.distanceSq(adapterV, r));
  }

  private distanceSq(adapterV: Float32Array | undefined, row: number): number {
    const d = this.vStar.length;
    let s = 0;
    for (let i = 0; i < d; i++) s += ((adapterV?.[row * d + i] ?? 0) - this.vStar[i]) ** 2;
    return s;
  }
}

const examples: Example[] = [
  { id: 'a', prompt: '2 + 2 =', target: '4' },
  { id: 'b', prompt: '3 * 3 =', target: '9' },
  { id: 'c', prompt: '7 - 5 =', target: '2' },
];
const table = new Map(examples.map((e, i) => [e.prompt, { answer: e.target, radius: 0.5 * (i + 1) }]));
const exactMatch = { reward: (completion: string, ex: Example) => (completion.trim() === ex.target ? 1 : 0), stopStrings: ['\n'] };

describe('repeatCandidates', () => {
  it('repeats each candidate over the batch, candidate-major: [P·B, dim]', () => {
    const cands = [Float32Array.from([1, 2]), Float32Array.from([3, 4])];
    expect(Array.from(repeatCandidates(cands, 3, 2))).toEqual([1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4]);
    expect(Array.from(repeatCandidates(cands, 3, 2, 2, 4))).toEqual([1, 2, 3, 4]);
  });
});

describe('rewardObjective', () => {
  it('evaluates the whole population in one batched call and scores mean reward per candidate', async () => {
    const policy = new LookupTablePolicy(Float32Array.from([0, 0]), table);
    const objective = rewardObjective({ policy, codec: charCodec, task: exactMatch, maxNewTokens: 8, stopIds: [EOS], bosId: BOS });
    // Distances from vStar: 0, 0.8, 1.2, 2 → correct on 3, 2, 1, 0 of the examples (radii 0.5, 1, 1.5).
    const candidates = [[0, 0], [0.8, 0], [0, 1.2], [2, 0]].map((v) => Float32Array.from(v));
    const { fitness, scores, completions } = await objective(candidates, examples);

    expect(policy.generateCalls).toHaveLength(1);
    const call = policy.generateCalls[0];
    expect(call.prompts).toHaveLength(12); // P · B rows
    call.prompts.forEach((ids, r) => expect(ids).toEqual([BOS, ...charCodec.encode(examples[r % 3].prompt)]));
    expect(call.opts.adapterV).toEqual(repeatCandidates(candidates, 3, 2));
    expect(call.opts).toMatchObject({ maxNewTokens: 8, stopIds: [EOS] });

    expect(scores).toEqual([
      [1, 1, 1],
      [0, 1, 1],
      [0, 0, 1],
      [0, 0, 0],
    ]);
    expect(fitness).toEqual([1, 2 / 3, 1 / 3, 0]);
    expect(completions?.[0]).toEqual([' 4', ' 9', ' 2']); // cut before the first EOS
    expect(completions?.[3]).toEqual([' 49', ' 99', ' 29']);
  });

  it('splits rows over several calls under maxRowsPerCall, with the same result', async () => {
    const candidates = [[0, 0], [0.8, 0], [0, 1.2], [2, 0]].map((v) => Float32Array.from(v));
    const one = await rewardObjective({ policy: new LookupTablePolicy(new Float32Array(2), table), codec: charCodec, task: exactMatch, maxNewTokens: 8 })(candidates, examples);
    const policy = new LookupTablePolicy(new Float32Array(2), table);
    const split = await rewardObjective({ policy, codec: charCodec, task: exactMatch, maxNewTokens: 8, maxRowsPerCall: 5 })(candidates, examples);
    expect(policy.generateCalls.map((c) => c.prompts.length)).toEqual([5, 5, 2]);
    expect(policy.generateCalls[1].opts.adapterV).toEqual(repeatCandidates(candidates, 3, 2, 5, 10));
    expect(split).toEqual(one);
  });

  it('formats prompts with the caller’s few-shot / chat builder and cuts at the task’s stop strings', async () => {
    const shots = [{ id: 's', prompt: '1 + 1 =', target: '2' }];
    const format = (ex: Example) => buildPrompt(ex, { shots });
    const fewShotTable = new Map(examples.map((e) => [format(e), { answer: `${e.target}\nnext question`, radius: 1 }]));
    const policy = new LookupTablePolicy(new Float32Array(1), fewShotTable);
    const { completions, fitness } = await rewardObjective({ policy, codec: charCodec, task: exactMatch, maxNewTokens: 64, formatPrompt: format })([new Float32Array(1)], examples);
    expect(charCodec.decode(policy.generateCalls[0].prompts[0])).toBe('1 + 1 = 2\n\n2 + 2 =');
    expect(completions?.[0]).toEqual([' 4', ' 9', ' 2']);
    expect(fitness).toEqual([1]);
  });

  it('refuses mismatched candidates and empty batches', async () => {
    const objective = rewardObjective({ policy: new LookupTablePolicy(new Float32Array(2), table), codec: charCodec, task: exactMatch, maxNewTokens: 4 });
    await expect(objective([new Float32Array(2), new Float32Array(3)], examples)).rejects.toThrow(/candidate 1 has length 3/);
    await expect(objective([new Float32Array(2)], [])).rejects.toThrow(/at least one example/);
    expect(() => rewardObjective({ policy: new LookupTablePolicy(new Float32Array(2)), codec: charCodec, task: exactMatch, maxNewTokens: 0 })).toThrow(/maxNewTokens/);
  });

  it('drives an optimizer end to end: ES on the reward climbs to the region the double rewards', async () => {
    const task = new ArithmeticTask({ seed: 1, trainSize: 16, evalSize: 8, ops: ['+'] });
    const { train, eval: held } = task.load();
    const vStar = Float32Array.from([0.6, -0.4, 0.2, 0.5]); // ‖vStar‖ ≈ 0.9
    // Radii 0.15 … 1.2 spread over the prompts (train and eval interleaved): at v = 0 only the widest
    // few are answered, and the fraction answered grows as v nears vStar.
    const radii = new Map([...train, ...held].map((e, i, all) => [e.prompt, { answer: e.target, radius: 0.15 + (1.05 * ((i * 7) % all.length)) / (all.length - 1) }]));
    const policy = new LookupTablePolicy(vStar, radii);
    const objective = rewardObjective({ policy, codec: charCodec, task, maxNewTokens: 8, stopIds: [EOS] });
    const evaluate = (v: Float32Array) => evaluateGeneration(v, held, { policy, codec: charCodec, task, maxNewTokens: 8, stopIds: [EOS] });

    const before = await evaluate(new Float32Array(4));
    const opt = new AntitheticEs({ dim: 4, seed: 2, populationSize: 16, sigma: 0.1, lr: 0.03 });
    for (let it = 0; it < 60; it++) {
      const candidates = opt.ask();
      const { fitness } = await objective(candidates, train.slice((it * 8) % 16, (it * 8) % 16 + 8));
      opt.tell(fitness);
    }
    const after = await evaluate(opt.mean);
    expect(policy.generateCalls.slice(1, 61).every((c) => c.prompts.length === 16 * 8)).toBe(true); // one call per generation
    expect(before.mean).toBeLessThan(0.5);
    expect(after.mean).toBe(1);
    expect(after.ci).toEqual([expect.closeTo(0.6756, 4), 1]); // Wilson at 8/8
    expect(after.n).toBe(8);
  });
});

describe('nllObjective', () => {
  it('scores −(mean per-token NLL of the reference) per candidate from one logprobs call', async () => {
    const policy = new LookupTablePolicy(Float32Array.from([1, 0]));
    const objective = nllObjective({ policy, codec: charCodec, bosId: BOS });
    const candidates = [Float32Array.from([1, 0]), Float32Array.from([0, 0]), Float32Array.from([1, 2])];
    const { fitness, scores } = await objective(candidates, examples);
    expect(policy.logprobCalls).toHaveLength(1);
    const call = policy.logprobCalls[0];
    expect(call.contexts).toHaveLength(9);
    expect(call.contexts[4]).toEqual([BOS, ...charCodec.encode('3 * 3 =')]);
    expect(charCodec.decode(call.continuations[4])).toBe(' 9'); // target delimiter + target
    expect(call.adapterV).toEqual(repeatCandidates(candidates, 3, 2));
    // Per-token NLL = ‖v − vStar‖² here: 0, 1, 4.
    expect(scores).toEqual([
      [0, 0, 0],
      [1, 1, 1],
      [4, 4, 4],
    ]);
    expect(fitness).toEqual([0, -1, -4]);
    const summed = await nllObjective({ policy, codec: charCodec, normalise: 'sum' })(candidates.slice(1, 2), examples.slice(0, 1));
    expect(summed.scores).toEqual([[2]]); // 2 tokens × 1
  });

  it("encodes (context, continuation) like lm-eval's _encode_pair", () => {
    // A word-level codec whose tokens carry their leading space, like BPE: " 42" is one token.
    const vocab = new Map<string, number>();
    const words: TextCodec = {
      encode: (text) => (text.match(/ ?\S+| +$/g) ?? []).map((w) => vocab.get(w) ?? vocab.set(w, vocab.size + 10).get(w) ?? 0),
      decode: (ids) => ids.map((id) => [...vocab].find(([, v]) => v === id)?.[0] ?? '?').join(''),
    };
    const pair = encodePair(words, 'Answer: ', '42');
    expect(words.decode(pair.context)).toBe('Answer:');
    expect(words.decode(pair.continuation)).toBe(' 42');
    expect(pair.continuation).toHaveLength(1);
  });
});

describe('evaluateMultipleChoice', () => {
  it('reports acc and acc_norm with Wilson intervals from one logprobs call', async () => {
    const mc: Example[] = [
      { id: 'q1', prompt: 'Question: Which is longer?\nAnswer:', target: 'a much longer choice', choices: ['no', 'a much longer choice'], answerIndex: 1 },
      { id: 'q2', prompt: 'Question: Pick yes.\nAnswer:', target: 'yes', choices: ['yes', 'nope'], answerIndex: 0 },
    ];
    // Sums: q1 'no' −3 vs long −8 (acc picks 'no'; per char −1.5 vs −0.4 → acc_norm picks the long one).
    const lp = new Map([
      [' no', -3],
      [' a much longer choice', -8],
      [' yes', -1],
      [' nope', -5],
    ]);
    const policy = new LookupTablePolicy(new Float32Array(3), new Map(), (c) => lp.get(c) ?? -100);
    const result = await evaluateMultipleChoice(Float32Array.from([0, 0, 0]), mc, { policy, codec: charCodec });
    expect(policy.logprobCalls).toHaveLength(1);
    expect(policy.logprobCalls[0].contexts).toHaveLength(4);
    expect(result.logprobs).toEqual([
      [-3, -8],
      [-1, -5],
    ]);
    expect(result.predictions.map((p) => [p.pred, p.predNorm])).toEqual([
      [0, 1],
      [0, 0],
    ]);
    expect(result.acc).toMatchObject({ estimate: 0.5, successes: 1, n: 2 });
    expect(result.accNorm).toMatchObject({ estimate: 1, successes: 2, n: 2, hi: 1 });
  });
});
