/**
 * SPSA, simultaneous perturbation stochastic approximation (Spall 1992, "Multivariate stochastic
 * approximation using a simultaneous perturbation gradient approximation"), in the form MeZO uses to
 * fine-tune language models with forward passes only (Malladi et al. 2023, arXiv 2305.17333).
 *
 * Each step k draws `directions` vectors z_i, keyed by (seed, generation, i), and asks for
 * θ + c_k z_i and θ − c_k z_i (candidates 2i and 2i+1). Then
 *
 *   g = 1/K Σ_i (f(θ + c_k z_i) − f(θ − c_k z_i)) / (2 c_k) · z_i    // [dim]; E[g] ≈ ∇f for E[zzᵀ] = I
 *   θ ← θ + a_k (g − λθ)                                            // plain SGD ascent
 *
 * Unlike ES it uses the raw fitness differences (no shaping), so the gain a_k must suit the
 * fitness scale; for a quadratic the central difference is exact and the steps are unbiased.
 */
import { withoutUndefined } from '../defaults.js';
import { NoiseDomain, gaussianVector, rademacherVector, streamSeed } from '../random.js';
import type { OptimizerState, SpsaState } from './interfaces/optimizer-state.js';
import type { SpsaDirections, SpsaOptions } from './interfaces/spsa-options.js';
import { OptimizerBase, checkDim, checkInteger, checkNonNegative, checkOneOf, checkPositive, checkSeed } from './optimizer-base.js';

type ResolvedOptions = Required<Omit<SpsaOptions, 'init'>>;

const DISTRIBUTIONS: readonly SpsaDirections[] = ['rademacher', 'gaussian'];

export class Spsa extends OptimizerBase {
  readonly kind = 'spsa' as const;
  /** The options in force, defaults applied. */
  readonly options: Readonly<ResolvedOptions>;
  /** This generation's directions, [K][dim]; set by sample(). */
  private dirs: Float64Array[] = [];

  constructor(opts: SpsaOptions) {
    const { init, ...rest } = opts;
    const o: ResolvedOptions = {
      seed: 0,
      directions: 1,
      epsilon: 0.02,
      lr: 0.001,
      distribution: 'rademacher',
      lrDecayExponent: 0,
      lrStability: 0,
      epsilonDecayExponent: 0,
      weightDecay: 0,
      ...withoutUndefined(rest),
      dim: opts.dim,
    };
    checkDim(o.dim);
    super(o.dim, init);
    checkSeed(o.seed);
    checkInteger('directions', o.directions, 1);
    checkPositive('epsilon', o.epsilon);
    checkPositive('lr', o.lr);
    checkOneOf('distribution', o.distribution, DISTRIBUTIONS);
    checkNonNegative('lrDecayExponent', o.lrDecayExponent);
    checkNonNegative('lrStability', o.lrStability);
    checkNonNegative('epsilonDecayExponent', o.epsilonDecayExponent);
    checkNonNegative('weightDecay', o.weightDecay);
    this.options = Object.freeze(o);
  }

  /** Step size a_k of generation k. */
  lrAt(k: number): number {
    const o = this.options;
    return o.lr / (k + 1 + o.lrStability) ** o.lrDecayExponent;
  }

  /** Perturbation scale c_k of generation k. */
  epsilonAt(k: number): number {
    const o = this.options;
    return o.epsilon / (k + 1) ** o.epsilonDecayExponent;
  }

  /** Direction z of `member` in `generation`, [dim] (what every worker can rebuild). */
  directionFor(generation: number, member: number): Float64Array {
    const seed = streamSeed(NoiseDomain.Spsa, this.options.seed, generation, member);
    return this.options.distribution === 'gaussian' ? gaussianVector(seed, this.dim) : rademacherVector(seed, this.dim);
  }

  protected sample(): Float32Array[] {
    const c = this.epsilonAt(this.gen);
    this.dirs = [];
    const candidates: Float32Array[] = [];
    for (let m = 0; m < this.options.directions; m++) {
      const z = this.directionFor(this.gen, m); // [dim]
      this.dirs.push(z);
      const plus = new Float32Array(this.dim);
      const minus = new Float32Array(this.dim);
      for (let i = 0; i < this.dim; i++) {
        const d = c * z[i];
        plus[i] = this.theta[i] + d;
        minus[i] = this.theta[i] - d;
      }
      candidates.push(plus, minus);
    }
    return candidates;
  }

  protected update(fitness: readonly number[]): void {
    const o = this.options;
    const c = this.epsilonAt(this.gen);
    const a = this.lrAt(this.gen);
    const grad = new Float64Array(this.dim); // [dim]
    for (let m = 0; m < this.dirs.length; m++) {
      const slope = (fitness[2 * m] - fitness[2 * m + 1]) / (2 * c) / this.dirs.length;
      if (slope === 0) continue;
      const z = this.dirs[m];
      for (let i = 0; i < this.dim; i++) grad[i] += slope * z[i];
    }
    for (let i = 0; i < this.dim; i++) this.theta[i] += a * (grad[i] - o.weightDecay * this.theta[i]);
  }

  state(): SpsaState {
    return { ...this.baseState(), kind: 'spsa' };
  }

  protected restoreOwn(_state: OptimizerState): void {
    // The gains are functions of the generation: nothing else to restore.
  }
}
