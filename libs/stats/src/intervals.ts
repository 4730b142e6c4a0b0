/**
 * Confidence intervals for what a sweep reports: held-out accuracy (a proportion) and the mean of a
 * metric over seed replicates.
 *
 *   proportionCi(50, 100)          // { estimate: 0.5, lo: 0.4038, hi: 0.5962, … }   Wilson score
 *   meanCi([0.61, 0.58, 0.64])     // mean ± t₀.₉₇₅,₂ · s/√3                         Student t
 *   summarise([0.61, 0.58, 0.64])  // { mean, std, n, ci95: [lo, hi] }
 *
 * Why Wilson for proportions: the textbook Wald interval p̂ ± z√(p̂(1−p̂)/n) collapses to [0, 0] at
 * 0/n and [1, 1] at n/n, and undercovers badly for small n or p near 0 or 1 — exactly where a tiny
 * adapter's accuracy on a 50-question eval subset lives. Wilson's interval (Wilson 1927; Agresti &
 * Coull 1998; Brown, Cai & DasGupta 2001 recommend it) inverts the score test: it stays inside
 * [0, 1], is never empty, and keeps close to nominal coverage down to n ≈ 10.
 *
 * Why t for means: replicate counts are small (3–5 seeds), where z would understate the width by
 * 30–60%; the t quantile is computed exactly (./distributions.ts).
 */
import { normalQuantile, studentTQuantile } from './distributions.js';

/** A confidence interval for a binomial proportion. */
export interface ProportionInterval {
  /** successes / n (NaN when n = 0). */
  estimate: number;
  lo: number;
  hi: number;
  successes: number;
  n: number;
  level: number;
}

/** A confidence interval for a mean. */
export interface MeanInterval {
  mean: number;
  /** NaN when n = 1: one value says nothing about spread. */
  lo: number;
  hi: number;
  n: number;
  level: number;
}

/** The usual summary of replicate values. */
export interface Summary {
  mean: number;
  /** Sample standard deviation (n − 1 denominator); NaN when n = 1. */
  std: number;
  n: number;
  /** 95% t interval for the mean; [NaN, NaN] when n = 1. */
  ci95: [number, number];
}

/** Wilson score interval for `successes` out of `n` at confidence `level`; n = 0 gives [0, 1]. */
export function proportionCi(successes: number, n: number, level = 0.95): ProportionInterval {
  if (!Number.isInteger(n) || n < 0) throw new Error(`n must be a non-negative integer (got ${n})`);
  if (!Number.isInteger(successes) || successes < 0 || successes > n) throw new Error(`successes must be an integer in [0, n = ${n}] (got ${successes})`);
  checkLevel(level);
  if (n === 0) return { estimate: Number.NaN, lo: 0, hi: 1, successes, n, level };
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  // At 0/n and n/n the bound is exactly 0 or 1 in exact arithmetic; do not let rounding move it.
  const lo = successes === 0 ? 0 : Math.max(0, centre - half);
  const hi = successes === n ? 1 : Math.min(1, centre + half);
  return { estimate: p, lo, hi, successes, n, level };
}

/** Student-t interval for the mean of `values` at confidence `level`. */
export function meanCi(values: readonly number[], level = 0.95): MeanInterval {
  checkLevel(level);
  const { mean, std, n } = moments(values);
  if (n === 1) return { mean, lo: Number.NaN, hi: Number.NaN, n, level };
  const half = (studentTQuantile(1 - (1 - level) / 2, n - 1) * std) / Math.sqrt(n);
  return { mean, lo: mean - half, hi: mean + half, n, level };
}

/** Mean, sample std, n and the 95% t interval of `values`. */
export function summarise(values: readonly number[]): Summary {
  const { mean, std, n } = moments(values);
  const { lo, hi } = meanCi(values, 0.95);
  return { mean, std, n, ci95: [lo, hi] };
}

function moments(values: readonly number[]): { mean: number; std: number; n: number } {
  const n = values.length;
  if (n === 0) throw new Error('values must not be empty');
  for (let i = 0; i < n; i++) if (!Number.isFinite(values[i])) throw new Error(`values[${i}] must be a finite number (got ${values[i]})`);
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  return { mean, std, n };
}

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new Error(`level must be in (0, 1) (got ${level})`);
}
