/**
 * CMA-ES, the (μ/μ_w, λ) covariance matrix adaptation evolution strategy, as in Hansen's tutorial
 * ("The CMA Evolution Strategy: A Tutorial", arXiv 1604.00772, Table 1 and Appendix A/C), with
 * positive recombination weights only (no active CMA). Maximises.
 *
 * Each generation samples, for member k, z_k ~ N(0, I) keyed by (seed, generation, k) and
 *
 *   y_k = B (D ∘ z_k)        x_k = m + σ y_k          // [dim]; C = B D² Bᵀ
 *
 * then, with the μ best y's (by fitness, descending) and weights w_i:
 *
 *   y_w = Σ w_i y_i:λ                 m ← m + σ y_w
 *   p_σ ← (1−c_σ) p_σ + √(c_σ(2−c_σ)μ_eff) · C^{−1/2} y_w
 *   h_σ = [‖p_σ‖ / √(1 − (1−c_σ)^{2(g+1)}) < (1.4 + 2/(n+1)) E‖N(0,I)‖]
 *   p_c ← (1−c_c) p_c + h_σ √(c_c(2−c_c)μ_eff) · y_w
 *   C   ← (1 − c₁ − c_μ + (1−h_σ) c₁ c_c (2−c_c)) C + c₁ p_c p_cᵀ + c_μ Σ w_i y_i:λ y_i:λᵀ
 *   σ   ← σ · exp(min(1, (c_σ/d_σ)(‖p_σ‖ / E‖N(0,I)‖ − 1)))
 *
 * and re-decomposes C (Jacobi, ./symmetric-eigen.ts) every `eigenInterval` generations.
 * For d up to a few hundred; `maxDim` (default 500) refuses more.
 *
 * Why by hand: we know of no maintained JavaScript CMA-ES (or eigensolver) worth a dependency for
 * d ≤ a few hundred; the algorithm is ~100 lines over one symmetric eigensolver, and owning it lets
 * the noise be keyed by (seed, generation, member) like the other optimizers, the population be
 * asked for and told as one batch, and the state be checkpointed as plain JSON.
 *
 * Candidates are float32 (the adapter input's type) while the update uses the float64 y_k, so the
 * search resolves v down to σ ≈ 1e-7·|m|, far below any useful adapter precision.
 */
import { withoutUndefined } from '../defaults.js';
import { NoiseDomain, gaussianVector, streamSeed } from '../random.js';
import type { CmaEsOptions } from './interfaces/cma-es-options.js';
import type { CmaEsState, OptimizerState } from './interfaces/optimizer-state.js';
import { OptimizerBase, checkDim, checkInteger, checkPositive, checkSeed, readArray } from './optimizer-base.js';
import { symmetricEigen } from './symmetric-eigen.js';

/** The strategy parameters derived from dim, λ and μ (Hansen's defaults). */
export interface CmaEsParameters {
  populationSize: number;
  parents: number;
  /** Recombination weights, [μ], positive, summing to 1. */
  weights: number[];
  /** Variance-effective selection mass (Σw)² / Σw². */
  muEff: number;
  /** Learning rate of p_σ. */
  cSigma: number;
  /** Damping of σ's update. */
  dSigma: number;
  /** Learning rate of p_c. */
  cC: number;
  /** Rank-one learning rate. */
  c1: number;
  /** Rank-μ learning rate. */
  cMu: number;
  /** E‖N(0, I)‖ ≈ √n (1 − 1/(4n) + 1/(21n²)). */
  chiN: number;
  eigenInterval: number;
}

/** Below this an eigenvalue of C is treated as this (keeps D invertible after rounding). */
const MIN_EIGENVALUE = 1e-300;

export class CmaEs extends OptimizerBase {
  readonly kind = 'cmaes' as const;
  /** The options in force, defaults applied. */
  readonly options: Readonly<Required<Omit<CmaEsOptions, 'init'>>>;
  /** Derived strategy parameters. */
  readonly params: Readonly<CmaEsParameters>;
  private sigma: number;
  private pSigma: Float64Array; // [n]
  private pC: Float64Array; // [n]
  private C: Float64Array; // [n × n]
  private B: Float64Array; // [n × n], eigenvectors as columns
  private D: Float64Array; // [n], √eigenvalues
  private eigenGen = 0;
  /** This generation's y_k, [λ][n]; set by sample(). */
  private ys: Float64Array[] = [];

  constructor(opts: CmaEsOptions) {
    const { init, ...rest } = opts;
    const maxDim = opts.maxDim ?? 500;
    checkInteger('maxDim', maxDim, 1);
    const n = checkDim(opts.dim, maxDim);
    super(n, init);
    const lambda = opts.populationSize ?? 4 + Math.floor(3 * Math.log(n));
    checkInteger('populationSize', lambda, 2);
    const mu = opts.parents ?? Math.floor(lambda / 2);
    checkInteger('parents', mu, 1);
    if (mu > lambda) throw new Error(`parents must be at most populationSize = ${lambda} (got ${mu})`);

    const raw = Array.from({ length: mu }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
    // With μ ≤ λ/2 every raw weight is positive; for larger μ, keep the positive ones' shape anyway.
    const positive = raw.map((w) => Math.max(w, 0));
    const sum = positive.reduce((s, w) => s + w, 0);
    if (!(sum > 0)) throw new Error(`parents = ${mu} leaves no positive recombination weight for populationSize = ${lambda}`);
    const weights = positive.map((w) => w / sum);
    const muEff = 1 / weights.reduce((s, w) => s + w * w, 0);
    const cSigma = (muEff + 2) / (n + muEff + 5);
    const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
    const cC = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
    const c1 = 2 / ((n + 1.3) ** 2 + muEff);
    const cMu = Math.min(1 - c1, (2 * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + muEff));
    const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    const eigenInterval = opts.eigenInterval ?? Math.max(1, Math.floor(lambda / ((c1 + cMu) * n * 10)));
    checkInteger('eigenInterval', eigenInterval, 1);

    const o = { seed: 0, sigma: 0.02, ...withoutUndefined(rest), populationSize: lambda, parents: mu, maxDim, eigenInterval, dim: n };
    checkSeed(o.seed);
    checkPositive('sigma', o.sigma);
    this.options = Object.freeze(o);
    this.params = Object.freeze({ populationSize: lambda, parents: mu, weights, muEff, cSigma, dSigma, cC, c1, cMu, chiN, eigenInterval });

    this.sigma = o.sigma;
    this.pSigma = new Float64Array(n);
    this.pC = new Float64Array(n);
    this.C = new Float64Array(n * n);
    this.B = new Float64Array(n * n);
    for (let i = 0; i < n; i++) this.C[i * n + i] = this.B[i * n + i] = 1;
    this.D = new Float64Array(n).fill(1);
  }

  /** Current step size σ. */
  get currentSigma(): number {
    return this.sigma;
  }

  /** Square roots of C's eigenvalues at the last decomposition (axis lengths of the search ellipsoid / σ). */
  get axisLengths(): Float64Array {
    return Float64Array.from(this.D);
  }

  protected sample(): Float32Array[] {
    const n = this.dim;
    this.ys = [];
    const candidates: Float32Array[] = [];
    for (let k = 0; k < this.params.populationSize; k++) {
      const z = gaussianVector(streamSeed(NoiseDomain.CmaEs, this.options.seed, this.gen, k), n); // [n]
      for (let j = 0; j < n; j++) z[j] *= this.D[j]; // D ∘ z
      const y = new Float64Array(n); // B (D ∘ z)
      for (let i = 0; i < n; i++) {
        let s = 0;
        const row = i * n;
        for (let j = 0; j < n; j++) s += this.B[row + j] * z[j];
        y[i] = s;
      }
      this.ys.push(y);
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = this.theta[i] + this.sigma * y[i];
      candidates.push(x);
    }
    return candidates;
  }

  protected update(fitness: readonly number[]): void {
    const n = this.dim;
    const { weights, muEff, cSigma, dSigma, cC, c1, cMu, chiN, parents } = this.params;
    // Best first; ties keep the lower index (a stable, deterministic order).
    const order = Array.from({ length: fitness.length }, (_, i) => i).sort((a, b) => fitness[b] - fitness[a] || a - b);
    const selected = order.slice(0, parents).map((k) => this.ys[k]); // [μ][n]

    const yw = new Float64Array(n); // [n]
    for (let i = 0; i < parents; i++) {
      const y = selected[i];
      for (let j = 0; j < n; j++) yw[j] += weights[i] * y[j];
    }
    for (let j = 0; j < n; j++) this.theta[j] += this.sigma * yw[j];

    // C^{-1/2} y_w = B D⁻¹ Bᵀ y_w
    const bty = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += this.B[i * n + j] * yw[i];
      bty[j] = s / this.D[j];
    }
    const csn = Math.sqrt(cSigma * (2 - cSigma) * muEff);
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) s += this.B[row + j] * bty[j];
      this.pSigma[i] = (1 - cSigma) * this.pSigma[i] + csn * s;
    }
    let psSq = 0;
    for (let i = 0; i < n; i++) psSq += this.pSigma[i] * this.pSigma[i];
    const psNorm = Math.sqrt(psSq);
    const hSigma = psNorm / Math.sqrt(1 - (1 - cSigma) ** (2 * (this.gen + 1))) / chiN < 1.4 + 2 / (n + 1) ? 1 : 0;
    const ccn = hSigma * Math.sqrt(cC * (2 - cC) * muEff);
    for (let i = 0; i < n; i++) this.pC[i] = (1 - cC) * this.pC[i] + ccn * yw[i];

    const decay = 1 - c1 - cMu + (1 - hSigma) * c1 * cC * (2 - cC);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let rankMu = 0;
        for (let k = 0; k < parents; k++) rankMu += weights[k] * selected[k][i] * selected[k][j];
        const v = decay * this.C[i * n + j] + c1 * this.pC[i] * this.pC[j] + cMu * rankMu;
        this.C[i * n + j] = this.C[j * n + i] = v;
      }
    }

    this.sigma *= Math.exp(Math.min(1, (cSigma / dSigma) * (psNorm / chiN - 1)));
    if (!(Number.isFinite(this.sigma) && this.sigma > 0)) throw new Error(`CMA-ES step size diverged (sigma = ${this.sigma})`);

    if (this.gen + 1 - this.eigenGen >= this.params.eigenInterval) {
      this.decompose();
      this.eigenGen = this.gen + 1;
    }
  }

  private decompose(): void {
    const { values, vectors } = symmetricEigen(this.C, this.dim);
    this.B = vectors;
    this.D = values.map((v) => Math.sqrt(Math.max(v, MIN_EIGENVALUE)));
  }

  state(): CmaEsState {
    return {
      ...this.baseState(),
      kind: 'cmaes',
      sigma: this.sigma,
      pathSigma: Array.from(this.pSigma),
      pathC: Array.from(this.pC),
      cov: Array.from(this.C),
      eigenvectors: Array.from(this.B),
      eigenSqrt: Array.from(this.D),
      eigenGeneration: this.eigenGen,
    };
  }

  protected restoreOwn(state: OptimizerState): void {
    const s = state as CmaEsState;
    const n = this.dim;
    checkPositive('state.sigma', s.sigma);
    if (!Number.isInteger(s.eigenGeneration) || s.eigenGeneration < 0 || s.eigenGeneration > s.generation) {
      throw new Error(`state.eigenGeneration must be an integer in [0, generation] (got ${s.eigenGeneration})`);
    }
    this.sigma = s.sigma;
    this.pSigma = readArray('pathSigma', s.pathSigma, n);
    this.pC = readArray('pathC', s.pathC, n);
    this.C = readArray('cov', s.cov, n * n);
    this.B = readArray('eigenvectors', s.eigenvectors, n * n);
    this.D = readArray('eigenSqrt', s.eigenSqrt, n);
    this.eigenGen = s.eigenGeneration;
  }
}
