import { describe, expect, it } from 'vitest';
import { Adam } from '../optimizers/adam.js';
import type { GradientRequest, Policy, SampleOptions } from '../policy.js';
import { groupAdvantages, grpoStep, sftStep } from './gradient-steps.js';

describe('groupAdvantages', () => {
  it('standardises rewards within each group; a group with equal rewards carries no signal', () => {
    const a = groupAdvantages([1, 0, 0, 0, 1, 1, 1, 1], 4);
    expect(a.slice(0, 4).map((x) => Number(x.toFixed(3)))).toEqual([1.732, -0.577, -0.577, -0.577]);
    expect(a.slice(4)).toEqual([0, 0, 0, 0]);
    expect(() => groupAdvantages([1, 0, 1], 2)).toThrow(/do not split into groups of 2/);
  });
});

describe('Adam', () => {
  it('ascends: on J(v) = −|v − 3|², v moves to 3', () => {
    const adam = new Adam({ dim: 2, lr: 0.1 });
    for (let i = 0; i < 500; i++) adam.step(Array.from(adam.mean, (x) => -2 * (x - 3)));
    expect(Array.from(adam.mean, (x) => Number(x.toFixed(2)))).toEqual([3, 3]);
    expect(() => adam.step([1])).toThrow(/grad has length 1, dim is 2/);
    expect(() => adam.step([1, Number.NaN])).toThrow(/non-finite/);
  });
});

/**
 * TEST DOUBLE — a policy whose samples are fixed per prompt ('a' completions for even rows, 'b' for odd)
 * and whose gradient records what it was asked: checks the weights GRPO and SFT send to the worker.
 */
function scriptedPolicy(): Policy & { asked: GradientRequest[]; sampled: SampleOptions[] } {
  const asked: GradientRequest[] = [];
  const sampled: SampleOptions[] = [];
  return {
    asked,
    sampled,
    generate: async () => [],
    logprobs: async () => [],
    sample: async (prompts, opts) => {
      sampled.push(opts);
      return prompts.map((_, i) => (i % 2 === 0 ? [1, 1, 9] : [2, 9])); // 9 = the stop id, kept
    },
    gradient: async (req) => {
      asked.push(req);
      return { grad: Float32Array.of(0.5, -0.5), logprobs: req.contexts.map(() => -2), kl: req.contexts.map(() => 0.1) };
    },
  };
}
const codec = { encode: (t: string) => [...t].map((c) => c.charCodeAt(0)), decode: (ids: number[]) => ids.map((i) => (i === 1 ? 'a' : i === 2 ? 'b' : '?')).join('') };

describe('grpoStep and sftStep', () => {
  it('GRPO: G samples per prompt, rewards scored here, weights A_i / (N·|o_i|) with the stop token counted', async () => {
    const policy = scriptedPolicy();
    const task = { reward: (text: string) => (text === 'aa' ? 1 : 0), stopStrings: [] };
    const examples = [{ id: 'x', prompt: 'p', target: '' }];
    const step = await grpoStep(Float32Array.of(0.1, 0.2), examples, { policy, codec, task, maxNewTokens: 4, stopIds: [9], group: 4, temperature: 0.7, kl: 0.5, seed: 42 });
    expect(policy.sampled[0]).toMatchObject({ temperature: 0.7, seed: 42, stopIds: [9], adapterV: Float32Array.of(0.1, 0.2) });
    expect(step.metrics).toMatchObject({ train_reward: 0.5, best_reward: 0.5, sample_tokens: 2.5 });
    const req = policy.asked[0]!;
    expect(req.continuations).toEqual([[1, 1, 9], [2, 9], [1, 1, 9], [2, 9]]);
    expect(req.weights.map((w) => Number(w.toFixed(4)))).toEqual([0.0833, -0.125, 0.0833, -0.125]); // ±1 / (4 · |o|)
    expect(req.klWeights!.map((w) => Number(w.toFixed(4)))).toEqual([0.0417, 0.0625, 0.0417, 0.0625]);
    expect(step.grad).toEqual(Float32Array.of(0.5, -0.5));
    expect(step.metrics.kl).toBeCloseTo(0.4 / 10);
  });

  it('GRPO: groups whose samples all score the same carry nothing to differentiate (no call without KL)', async () => {
    const policy = scriptedPolicy();
    const step = await grpoStep(new Float32Array(2), [{ id: 'x', prompt: 'p', target: '' }], {
      policy, codec, task: { reward: () => 1, stopStrings: [] }, maxNewTokens: 4, stopIds: [9], group: 2, temperature: 1, kl: 0, seed: 1,
    });
    expect(step.grad).toBeUndefined();
    expect(policy.asked).toHaveLength(0);
  });

  it('SFT: the mean per-token log-likelihood of the references, 1 / (B·|y|) per row', async () => {
    const policy = scriptedPolicy();
    const step = await sftStep(new Float32Array(2), [{ id: 'x', prompt: 'ab', target: 'cd' }, { id: 'y', prompt: 'ab', target: 'c' }], { policy, codec, bosId: 0 });
    const req = policy.asked[0]!;
    expect(req.contexts[0]![0]).toBe(0);
    expect(req.weights).toEqual([1 / (2 * 3), 1 / (2 * 2)]); // ' cd' and ' c' after the delimiter
    expect(step.metrics.train_nll).toBeCloseTo((2 / 3 + 2 / 2) / 2);
  });
});
