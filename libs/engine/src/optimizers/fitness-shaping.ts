/**
 * Fitness shaping for ES: turn raw fitness into the weights of the gradient estimate.
 *
 * Centred ranks (Salimans et al. 2017, "Evolution Strategies as a Scalable Alternative to
 * Reinforcement Learning", §2.2; OpenAI's `compute_centered_ranks`): rank the P values 0…P−1 and map
 * them linearly onto [−0.5, 0.5]. The update then depends on the *order* of the fitness values
 * only, so it is invariant to any strictly increasing transform of the fitness (f and exp f give the
 * same trajectory) and one outlier cannot blow up a step.
 *
 * One deliberate difference from OpenAI's code: tied values get the **average** of their ranks
 * (fractional ranking) instead of argsort's arbitrary order. Exact-match rewards tie constantly (a
 * mean of 0/1 rewards over a small batch); with average ranks an antithetic pair whose two sides tie
 * contributes exactly nothing, where argsort order would inject a direction chosen by index.
 */

/** How raw fitness becomes ES weights. */
export type FitnessShaping = 'centered-rank' | 'z-score' | 'raw';

export const FITNESS_SHAPINGS: readonly FitnessShaping[] = ['centered-rank', 'z-score', 'raw'];

/** Centred ranks in [−0.5, 0.5] (ties share their average rank); [0] for a single value. */
export function centeredRanks(fitness: readonly number[]): Float64Array {
  const n = fitness.length;
  const out = new Float64Array(n);
  if (n < 2) return out;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => fitness[a] - fitness[b] || a - b);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && fitness[order[end]] === fitness[order[start]]) end++;
    const rank = (start + end - 1) / 2; // average of ranks start … end−1
    for (let k = start; k < end; k++) out[order[k]] = rank / (n - 1) - 0.5;
    start = end;
  }
  return out;
}

/** (f − mean) / std (population std); all zeros when every value is the same. */
export function zScores(fitness: readonly number[]): Float64Array {
  const n = fitness.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const mean = fitness.reduce((s, x) => s + x, 0) / n;
  const variance = fitness.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
  const std = Math.sqrt(variance);
  if (!(std > 0)) return out;
  for (let i = 0; i < n; i++) out[i] = (fitness[i] - mean) / std;
  return out;
}

/** Applies a shaping. */
export function shapeFitness(fitness: readonly number[], shaping: FitnessShaping): Float64Array {
  switch (shaping) {
    case 'centered-rank':
      return centeredRanks(fitness);
    case 'z-score':
      return zScores(fitness);
    case 'raw':
      return Float64Array.from(fitness);
  }
}
