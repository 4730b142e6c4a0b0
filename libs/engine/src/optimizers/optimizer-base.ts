/**
 * Plumbing the optimizers share: the ask/tell bookkeeping (cache the generation's candidates, check
 * the fitness, advance the generation) and option checks whose errors name the option.
 * Internal: not exported from the package.
 */
import type { Optimizer } from './optimizer.js';
import type { OptimizerKind, OptimizerState, OptimizerStateBase } from './interfaces/optimizer-state.js';

export abstract class OptimizerBase implements Optimizer {
  abstract readonly kind: OptimizerKind;
  readonly dim: number;
  /** The current estimate, float64. */
  protected theta: Float64Array;
  protected gen = 0;
  private pending: Float32Array[] | null = null;

  protected constructor(dim: number, init: ArrayLike<number> | undefined) {
    this.dim = dim;
    this.theta = initialMean(init, dim);
  }

  ask(): Float32Array[] {
    this.pending ??= this.sample();
    return this.pending;
  }

  tell(fitness: readonly number[]): void {
    if (this.pending === null) throw new Error('tell() called before ask(): ask for the candidates first');
    checkFitness(fitness, this.pending.length);
    this.update(fitness);
    this.pending = null;
    this.gen++;
  }

  get mean(): Float32Array {
    return Float32Array.from(this.theta);
  }

  get generation(): number {
    return this.gen;
  }

  abstract state(): OptimizerState;

  restore(state: OptimizerState): void {
    checkState(state, this.kind, this.dim);
    this.theta = Float64Array.from(state.mean);
    this.gen = state.generation;
    this.pending = null;
    this.restoreOwn(state);
  }

  protected baseState(): OptimizerStateBase {
    return { kind: this.kind, dim: this.dim, generation: this.gen, mean: Array.from(this.theta) };
  }

  /** Draws this generation's candidates (and keeps whatever `update` needs). */
  protected abstract sample(): Float32Array[];
  /** Applies one generation's fitness (already checked). */
  protected abstract update(fitness: readonly number[]): void;
  /** Restores the optimizer-specific fields (`kind`, `dim`, `generation`, `mean` are done). */
  protected abstract restoreOwn(state: OptimizerState): void;
}

// ---- checks ---------------------------------------------------------------------------------------

/** Checks `dim` and returns it. */
export function checkDim(dim: number, maxDim = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`dim must be a positive integer (got ${dim})`);
  if (dim > maxDim) throw new Error(`dim must be at most maxDim = ${maxDim} (got ${dim})`);
  return dim;
}

/** The starting point: `init` (checked against dim) or zeros, as float64. */
export function initialMean(init: ArrayLike<number> | undefined, dim: number): Float64Array {
  if (init === undefined) return new Float64Array(dim);
  if (init.length !== dim) throw new Error(`init must have length dim = ${dim} (got ${init.length})`);
  const out = Float64Array.from(init);
  const bad = out.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new Error(`init[${bad}] must be a finite number (got ${out[bad]})`);
  return out;
}

/** Throws unless `value` is a finite number > 0. */
export function checkPositive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`${name} must be a finite number greater than 0 (got ${value})`);
}

/** Throws unless `value` is a finite number ≥ 0. */
export function checkNonNegative(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) throw new Error(`${name} must be a finite number ≥ 0 (got ${value})`);
}

/** Throws unless `value` is in [0, 1). */
export function checkUnitInterval(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0 && value < 1)) throw new Error(`${name} must be in [0, 1) (got ${value})`);
}

/** Throws unless `value` is in (0, 1]. */
export function checkDecay(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0 && value <= 1)) throw new Error(`${name} must be in (0, 1] (got ${value})`);
}

/** Throws unless `value` is an integer ≥ `min`. */
export function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min} (got ${value})`);
}

/** Throws unless `value` is one of `allowed`. */
export function checkOneOf<T extends string>(name: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) throw new Error(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${JSON.stringify(value)})`);
}

/** Throws unless `seed` is an integer in [0, 2³²). */
export function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`seed must be an integer in [0, 2^32) (got ${seed})`);
}

/** Throws unless `fitness` has one finite number per candidate. */
export function checkFitness(fitness: readonly number[], expected: number): void {
  if (!Array.isArray(fitness) || fitness.length !== expected) {
    throw new Error(`tell() needs one fitness per candidate: expected ${expected}, got ${Array.isArray(fitness) ? fitness.length : typeof fitness}`);
  }
  for (let i = 0; i < fitness.length; i++) {
    if (typeof fitness[i] !== 'number' || !Number.isFinite(fitness[i])) throw new Error(`fitness[${i}] must be a finite number (got ${fitness[i]})`);
  }
}

/** Throws unless a checkpoint belongs to an optimizer of this kind and dim. */
export function checkState(state: OptimizerStateBase, kind: OptimizerKind, dim: number): void {
  if (state.kind !== kind) throw new Error(`cannot restore a ${state.kind} state into a ${kind} optimizer`);
  if (state.dim !== dim) throw new Error(`cannot restore a state of dim ${state.dim} into an optimizer of dim ${dim}`);
  if (!Number.isInteger(state.generation) || state.generation < 0) throw new Error(`state.generation must be a non-negative integer (got ${state.generation})`);
  readArray('mean', state.mean, dim);
}

/** An array read back from a checkpoint, checked for length and finiteness. */
export function readArray(name: string, x: readonly number[] | undefined, length: number): Float64Array {
  if (!Array.isArray(x) || x.length !== length) throw new Error(`state.${name} must be an array of length ${length}`);
  const out = Float64Array.from(x);
  if (out.some((v) => !Number.isFinite(v))) throw new Error(`state.${name} must hold finite numbers only`);
  return out;
}
