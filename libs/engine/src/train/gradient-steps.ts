/**
 * One step of the gradient optimizers (`optimizer.kind: grpo`), for a policy that can sample and
 * differentiate (the torch device); the rewards are scored here, in TypeScript, as for ES:
 *
 *   GRPO (objective reward, the TinyLoRA paper's optimizer; Shao et al. 2024):
 *     B prompts × G samples at `temperature`  ──▶  rewards r [B·G]  (task.reward, exact match)
 *     advantages A_i = (r_i − mean_g) / (std_g + ε) within each prompt's group
 *     J(v) = Σ_i A_i/(B·G·|o_i|) · Σ_t log p_v(o_it)  −  kl · Σ_i 1/(B·G·|o_i|) · Σ_t k3_it
 *   SFT (objective nll, the same gradient path):
 *     J(v) = Σ_b 1/(B·|y_b|) · Σ_t log p_v(y_bt)          (− the mean per-token NLL of the references)
 *
 * The worker returns ∇_v J by autograd; Adam (optimizers/adam.ts) ascends it. On-policy (one gradient
 * step per sample batch), so GRPO's ratio is 1 and its clip never binds.
 */
import type { GradientResult } from '../policy.js';
import { truncateAtStop } from '../tasks/prompt.js';
import type { Example, Task } from '../tasks/task.js';
import { encodePair, encodePrompt, type ObjectiveOptions } from './objectives.js';

/** What a step reports: the gradient and the metrics a progress event carries. */
export interface GradientStep {
  /** ∇_v J, [dim]; undefined when the batch carried no signal (every group's rewards equal and no KL term). */
  grad?: Float32Array;
  metrics: Record<string, number>;
}

/** Options of {@link grpoStep}. */
export interface GrpoStepOptions extends ObjectiveOptions {
  task: Pick<Task, 'reward' | 'stopStrings'>;
  maxNewTokens: number;
  /** Ids that end a sample (kept as its last token: the gradient needs log p of stopping). */
  stopIds: number[];
  /** Samples per prompt, G ≥ 2. */
  group: number;
  temperature: number;
  /** KL coefficient β against the base model (v = 0); 0 = none. */
  kl: number;
  /** Sampling seed of this step. */
  seed: number;
}

/** (r − mean) / (std + ε) within each consecutive group of `group` rewards; a group of equal rewards gets zeros. */
export function groupAdvantages(rewards: readonly number[], group: number, epsilon = 1e-4): number[] {
  if (!Number.isInteger(group) || group < 1 || rewards.length % group !== 0) throw new Error(`${rewards.length} rewards do not split into groups of ${group}`);
  const out: number[] = [];
  for (let g = 0; g < rewards.length; g += group) {
    const rs = rewards.slice(g, g + group);
    const mean = rs.reduce((s, r) => s + r, 0) / group;
    const std = Math.sqrt(rs.reduce((s, r) => s + (r - mean) ** 2, 0) / group);
    for (const r of rs) out.push(std === 0 ? 0 : (r - mean) / (std + epsilon));
  }
  return out;
}

/** One GRPO step at `v`: sample, score, weight, differentiate. */
export async function grpoStep(v: Float32Array, examples: readonly Example[], opts: GrpoStepOptions): Promise<GradientStep> {
  const { policy } = opts;
  if (!policy.sample || !policy.gradient) throw new Error('GRPO needs a policy that can sample and differentiate (the torch device)');
  const G = opts.group;
  const prompts = examples.map((ex) => encodePrompt(opts, ex)); // [B][T_b]
  const rows = prompts.flatMap((p) => Array.from({ length: G }, () => p)); // [B·G], prompt-major
  const samples = await policy.sample(rows, { maxNewTokens: opts.maxNewTokens, adapterV: v, stopIds: opts.stopIds, temperature: opts.temperature, seed: opts.seed });
  const rewards = samples.map((ids, i) => {
    const end = ids.findIndex((id) => opts.stopIds.includes(id));
    const text = truncateAtStop(opts.codec.decode(end < 0 ? ids : ids.slice(0, end)), opts.task.stopStrings);
    return opts.task.reward(text, examples[Math.floor(i / G)]!);
  });
  const advantages = groupAdvantages(rewards, G);
  const n = rows.length;
  const groupMeans = examples.map((_, b) => rewards.slice(b * G, (b + 1) * G).reduce((s, r) => s + r, 0) / G);
  const metrics: Record<string, number> = {
    train_reward: rewards.reduce((s, r) => s + r, 0) / n,
    best_reward: Math.max(...groupMeans),
    sample_tokens: samples.reduce((s, o) => s + o.length, 0) / n,
  };
  // rows with an empty sample (max 0 tokens) carry nothing to differentiate
  const used = samples.map((o, i) => i).filter((i) => samples[i]!.length > 0 && (advantages[i] !== 0 || opts.kl > 0));
  if (used.length === 0) return { metrics };
  const result: GradientResult = await policy.gradient({
    contexts: used.map((i) => rows[i]!),
    continuations: used.map((i) => samples[i]!),
    weights: used.map((i) => advantages[i]! / (n * samples[i]!.length)),
    klWeights: used.map((i) => opts.kl / (n * samples[i]!.length)),
    v,
  });
  if (opts.kl > 0) metrics.kl = result.kl.reduce((s, k) => s + k, 0) / used.reduce((s, i) => s + samples[i]!.length, 0);
  metrics.grad_norm = Math.hypot(...result.grad);
  return { grad: result.grad, metrics };
}

/** One SFT step at `v`: ∇ of the mean per-token log-likelihood of each example's reference (`ex.target`). */
export async function sftStep(v: Float32Array, examples: readonly Example[], opts: ObjectiveOptions & { targetDelimiter?: string }): Promise<GradientStep> {
  const { policy } = opts;
  if (!policy.gradient) throw new Error('SFT by autograd needs a policy that can differentiate (the torch device)');
  const delimiter = opts.targetDelimiter ?? ' ';
  const pairs = examples.map((ex) => {
    const pair = encodePair(opts.codec, (opts.formatPrompt ?? ((e: Example) => e.prompt))(ex), delimiter + ex.target);
    if (pair.continuation.length === 0) throw new Error(`${ex.id}: the reference encodes to no tokens`);
    return { context: opts.bosId === undefined ? pair.context : [opts.bosId, ...pair.context], continuation: pair.continuation };
  });
  const B = pairs.length;
  const result = await policy.gradient({
    contexts: pairs.map((p) => p.context),
    continuations: pairs.map((p) => p.continuation),
    weights: pairs.map((p) => 1 / (B * p.continuation.length)),
    v,
  });
  const nll = -result.logprobs.reduce((s, lp, b) => s + lp / pairs[b]!.continuation.length, 0) / B;
  return { grad: result.grad, metrics: { train_nll: nll, grad_norm: Math.hypot(...result.grad) } };
}
