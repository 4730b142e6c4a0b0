/**
 * Adam on a gradient computed elsewhere — autograd in the torch worker (GRPO, SFT) — with the step rule
 * the ES optimizer uses (gradient-step.ts), so every optimizer's arithmetic stays in this folder. It
 * *ascends*: give it ∇J of the objective to maximise.
 *
 *   const adam = new Adam({ dim: 13, lr: 0.05 });
 *   adam.step(grad);          // θ ← θ + lr · m̂ / (√v̂ + ε)
 *   adam.mean;                // the current v (float32)
 */
import { applyAscentStep, type StepBuffers } from './gradient-step.js';
import type { AdamState } from './interfaces/optimizer-state.js';
import { readArray } from './optimizer-base.js';

/** Options of {@link Adam}. */
export interface AdamOptions {
  /** Length of v. */
  dim: number;
  /** @defaultValue 0.05 */
  lr?: number;
  /** @defaultValue 0.9 */
  beta1?: number;
  /** @defaultValue 0.999 */
  beta2?: number;
  /** @defaultValue 1e-8 */
  epsilon?: number;
  /** Starting point, length dim. @defaultValue zeros (the base model) */
  init?: ArrayLike<number>;
}

export class Adam {
  readonly dim: number;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Steps taken. */
  t = 0;
  private readonly theta: Float64Array;
  private readonly buffers: StepBuffers;

  constructor(opts: AdamOptions) {
    const o = { lr: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, ...opts };
    if (!Number.isInteger(o.dim) || o.dim < 1) throw new Error(`dim must be a positive integer (got ${o.dim})`);
    if (!(o.lr > 0)) throw new Error(`lr must be greater than 0 (got ${o.lr})`);
    if (!(o.beta1 >= 0 && o.beta1 < 1)) throw new Error(`beta1 must be in [0, 1) (got ${o.beta1})`);
    if (!(o.beta2 >= 0 && o.beta2 < 1)) throw new Error(`beta2 must be in [0, 1) (got ${o.beta2})`);
    if (o.init !== undefined && o.init.length !== o.dim) throw new Error(`init has length ${o.init.length}, dim is ${o.dim}`);
    this.dim = o.dim;
    this.lr = o.lr;
    this.beta1 = o.beta1;
    this.beta2 = o.beta2;
    this.epsilon = o.epsilon;
    this.theta = o.init ? Float64Array.from(o.init) : new Float64Array(o.dim);
    this.buffers = { adamM: new Float64Array(o.dim), adamV: new Float64Array(o.dim), velocity: new Float64Array(o.dim) };
  }

  /** One ascent step along `grad` (length dim). */
  step(grad: ArrayLike<number>): void {
    if (grad.length !== this.dim) throw new Error(`grad has length ${grad.length}, dim is ${this.dim}`);
    const g = Float64Array.from(grad);
    if (!g.every(Number.isFinite)) throw new Error('grad has a non-finite entry');
    this.t++;
    applyAscentStep(this.theta, g, this.buffers, { rule: 'adam', lr: this.lr, t: this.t, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, momentum: 0 });
  }

  /** The current v (a fresh float32 copy). */
  get mean(): Float32Array {
    return Float32Array.from(this.theta);
  }

  /** Everything needed to resume (plain data, exact through JSON): the step count, θ and both moments. */
  state(): AdamState {
    return { kind: 'adam', dim: this.dim, t: this.t, mean: Array.from(this.theta), adamM: Array.from(this.buffers.adamM), adamV: Array.from(this.buffers.adamV) };
  }

  /** Resumes from a {@link state} of an Adam with the same options; throws on a kind or dim mismatch. */
  restore(state: AdamState): void {
    if (state.kind !== 'adam') throw new Error(`cannot restore a ${String(state.kind)} state into adam`);
    if (state.dim !== this.dim) throw new Error(`cannot restore a state of dim ${state.dim} into an optimizer of dim ${this.dim}`);
    if (!Number.isInteger(state.t) || state.t < 0) throw new Error(`state.t must be a non-negative integer (got ${state.t})`);
    this.theta.set(readArray('mean', state.mean, this.dim));
    this.buffers.adamM.set(readArray('adamM', state.adamM, this.dim));
    this.buffers.adamV.set(readArray('adamV', state.adamV, this.dim));
    this.t = state.t;
  }
}
