/**
 * A tiny seeded PRNG for random search. Internal: not exported from the package.
 *
 * Why hand-written: Math.random cannot be seeded, and a sweep must sample the same trials from the
 * same spec on every machine and every run; ten lines of sfc32 (Chris Doty-Humphrey's Small Fast
 * Counting generator, 128-bit state, passes PractRand) do that without a dependency. The state is
 * initialised from the 32-bit seed with splitmix32, so nearby seeds give unrelated streams.
 */

/** A deterministic random stream. */
export interface Rng {
  /** A float in [0, 1) with 53 random bits. */
  next(): number;
  /** An integer in [0, n), for 1 ≤ n ≤ 2⁵³. */
  int(n: number): number;
}

/** sfc32 seeded from a 32-bit integer. */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const splitmix32 = (): number => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix32();
  let b = splitmix32();
  let c = splitmix32();
  let d = 1; // the counter
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32(); // mix the seed in
  const next = (): number => ((u32() >>> 5) * 67_108_864 + (u32() >>> 6)) / 9_007_199_254_740_992;
  return { next, int: (n) => Math.floor(next() * n) };
}
