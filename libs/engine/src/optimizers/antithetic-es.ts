/**
 * Antithetic evolution strategies (OpenAI-ES): Salimans, Ho, Chen, Sidor & Sutskever 2017,
 * "Evolution Strategies as a Scalable Alternative to Reinforcement Learning" (arXiv 1703.03864).
 *
 * Each generation draws P/2 noise vectors ε_j ~ N(0, I), keyed by (seed, generation, j), and asks for
 * the mirrored pairs mean + σε_j, mean − σε_j (candidates 2j and 2j+1). With shaped fitness s:
 *
 *   g = 1/(Pσ) Σ_j (s_{2j} − s_{2j+1}) ε_j            // [dim], an estimate of ∇ E[f(mean + σε)]
 *   g ← g − λ·mean                                    // optional L2 (weightDecay)
 *   mean ← mean + Adam(g) or SGD(g)                   // ascent
 *
 * Mirroring cancels the even part of f's Taylor expansion from the estimate (lower variance for the
 * same forward passes), and because the noise is rebuilt from keys, workers exchange only seeds and
 * fitness scalars.
 */
import { withoutUndefined } from '../defaults.js';
import { NoiseDomain, gaussianVector, streamSeed } from '../random.js';
import { FITNESS_SHAPINGS, shapeFitness } from './fitness-shaping.js';
import { STEP_RULES, applyAscentStep, type StepBuffers } from './gradient-step.js';
import type { AntitheticEsOptions } from './interfaces/antithetic-es-options.js';
import type { AntitheticEsState, OptimizerState } from './interfaces/optimizer-state.js';
import {
  OptimizerBase,
  checkDecay,
  checkDim,
  checkInteger,
  checkNonNegative,
  checkOneOf,
  checkPositive,
  checkSeed,
  checkUnitInterval,
  readArray,
} from './optimizer-base.js';

type ResolvedOptions = Required<Omit<AntitheticEsOptions, 'init'>>;

export class AntitheticEs extends OptimizerBase {
  readonly kind = 'es' as const;
  /** The options in force, defaults applied. */
  readonly options: Readonly<ResolvedOptions>;
  private sigma: number;
  private lr: number;
  private readonly buffers: StepBuffers;
  /** This generation's noise, [P/2][dim]; set by sample(). */
  private noise: Float64Array[] = [];

  constructor(opts: AntitheticEsOptions) {
    const { init, ...rest } = opts;
    const o: ResolvedOptions = {
      seed: 0,
      populationSize: 32,
      sigma: 0.02,
      lr: 0.05,
      stepRule: 'adam',
      fitnessShaping: 'centered-rank',
      weightDecay: 0,
      momentum: 0,
      beta1: 0.9,
      beta2: 0.999,
      adamEpsilon: 1e-8,
      sigmaDecay: 1,
      sigmaLimit: 0,
      lrDecay: 1,
      lrLimit: 0,
      ...withoutUndefined(rest),
      dim: opts.dim,
    };
    checkDim(o.dim);
    super(o.dim, init);
    checkSeed(o.seed);
    checkInteger('populationSize', o.populationSize, 2);
    if (o.populationSize % 2 !== 0) throw new Error(`populationSize must be even: candidates come in mirrored pairs (got ${o.populationSize})`);
    checkPositive('sigma', o.sigma);
    checkPositive('lr', o.lr);
    checkOneOf('stepRule', o.stepRule, STEP_RULES);
    checkOneOf('fitnessShaping', o.fitnessShaping, FITNESS_SHAPINGS);
    checkNonNegative('weightDecay', o.weightDecay);
    checkUnitInterval('momentum', o.momentum);
    checkUnitInterval('beta1', o.beta1);
    checkUnitInterval('beta2', o.beta2);
    checkPositive('adamEpsilon', o.adamEpsilon);
    checkDecay('sigmaDecay', o.sigmaDecay);
    checkNonNegative('sigmaLimit', o.sigmaLimit);
    checkDecay('lrDecay', o.lrDecay);
    checkNonNegative('lrLimit', o.lrLimit);
    this.options = Object.freeze(o);
    this.sigma = o.sigma;
    this.lr = o.lr;
    this.buffers = { adamM: new Float64Array(o.dim), adamV: new Float64Array(o.dim), velocity: new Float64Array(o.dim) };
  }

  /** The noise vector ε of pair `member` in `generation`, [dim] (what every worker can rebuild). */
  noiseFor(generation: number, member: number): Float64Array {
    return gaussianVector(streamSeed(NoiseDomain.Es, this.options.seed, generation, member), this.dim);
  }

  /** Current perturbation scale. */
  get currentSigma(): number {
    return this.sigma;
  }

  /** Current learning rate. */
  get currentLr(): number {
    return this.lr;
  }

  protected sample(): Float32Array[] {
    const pairs = this.options.populationSize / 2;
    this.noise = [];
    const candidates: Float32Array[] = [];
    for (let j = 0; j < pairs; j++) {
      const eps = this.noiseFor(this.gen, j); // [dim]
      this.noise.push(eps);
      const plus = new Float32Array(this.dim);
      const minus = new Float32Array(this.dim);
      for (let i = 0; i < this.dim; i++) {
        const d = this.sigma * eps[i];
        plus[i] = this.theta[i] + d;
        minus[i] = this.theta[i] - d;
      }
      candidates.push(plus, minus);
    }
    return candidates;
  }

  protected update(fitness: readonly number[]): void {
    const o = this.options;
    const shaped = shapeFitness(fitness, o.fitnessShaping); // [P]
    const grad = new Float64Array(this.dim); // [dim]
    for (let j = 0; j < this.noise.length; j++) {
      const w = shaped[2 * j] - shaped[2 * j + 1];
      if (w === 0) continue;
      const eps = this.noise[j];
      for (let i = 0; i < this.dim; i++) grad[i] += w * eps[i];
    }
    const scale = 1 / (o.populationSize * this.sigma);
    for (let i = 0; i < this.dim; i++) grad[i] = grad[i] * scale - o.weightDecay * this.theta[i];
    applyAscentStep(this.theta, grad, this.buffers, {
      rule: o.stepRule,
      lr: this.lr,
      t: this.gen + 1,
      beta1: o.beta1,
      beta2: o.beta2,
      epsilon: o.adamEpsilon,
      momentum: o.momentum,
    });
    this.sigma = Math.max(o.sigmaLimit, this.sigma * o.sigmaDecay);
    this.lr = Math.max(o.lrLimit, this.lr * o.lrDecay);
  }

  state(): AntitheticEsState {
    return {
      ...this.baseState(),
      kind: 'es',
      sigma: this.sigma,
      lr: this.lr,
      adamM: Array.from(this.buffers.adamM),
      adamV: Array.from(this.buffers.adamV),
      velocity: Array.from(this.buffers.velocity),
    };
  }

  protected restoreOwn(state: OptimizerState): void {
    const s = state as AntitheticEsState;
    checkPositive('state.sigma', s.sigma);
    checkPositive('state.lr', s.lr);
    this.sigma = s.sigma;
    this.lr = s.lr;
    this.buffers.adamM.set(readArray('adamM', s.adamM, this.dim));
    this.buffers.adamV.set(readArray('adamV', s.adamV, this.dim));
    this.buffers.velocity.set(readArray('velocity', s.velocity, this.dim));
  }
}
