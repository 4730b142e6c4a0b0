/**
 * The project's one seeded random stream: sfc32 for uniforms, Box–Muller for standard normals.
 * libs/spec samples random searches with it (re-exported there), libs/engine derives its noise from
 * it, and this lib its adapter tensors; here because this lib has no dependencies, so every lib can
 * import it without a cycle.
 *
 * Why hand-written: `Math.random` cannot be seeded, and every random tensor of an adapter (the
 * projections P, the SVD's starting block) must be rebuilt bit for bit from a seed on any trainer
 * node, so that nodes exchange seeds instead of tensors. sfc32 (Chris Doty-Humphrey's Small Fast
 * Counting generator: 128-bit state, passes PractRand) is ten lines. Its state is filled from the
 * 32-bit seed by splitmix32, so nearby seeds (`baseSeed + t`) give unrelated streams.
 *
 * Reproducibility across machines: the uniforms are exact integer arithmetic; the normals use
 * `Math.log`, `Math.sqrt`, `Math.cos` and `Math.sin`, which V8 implements with its own port of fdlibm
 * (not the platform libm), so Node on any OS/CPU gives the same doubles. Tensors are then rounded to
 * float32, which hides any last-bit difference another engine might make.
 */

/** A deterministic random stream. */
export interface Rng {
  /** A float in [0, 1) with 53 random bits. */
  next(): number;
  /** An integer in [0, n), for 1 ≤ n ≤ 2⁵³. */
  int(n: number): number;
  /** A uniform 32-bit unsigned integer. */
  u32(): number;
  /** A standard normal draw (mean 0, variance 1). */
  normal(): number;
}

const TWO_POW_32 = 4_294_967_296;

/**
 * Reduces any safe integer to a 32-bit seed (modulo 2³²), so `baseSeed + t` may run past 2³² − 1.
 * Throws when `seed` is not a safe integer.
 */
export function seed32(seed: number, name = 'seed'): number {
  if (!Number.isSafeInteger(seed)) throw new Error(`${name} must be an integer (got ${String(seed)})`);
  return ((seed % TWO_POW_32) + TWO_POW_32) % TWO_POW_32;
}

/** An sfc32 stream seeded from `seed` (any safe integer, taken modulo 2³²). */
export function createRng(seed: number): Rng {
  let s = seed32(seed);
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
  // Box–Muller gives normals in pairs; the second one waits here for the next call.
  let spare = 0;
  let hasSpare = false;
  const normal = (): number => {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    const u1 = 1 - next(); // (0, 1]: log(0) never happens
    const u2 = next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    spare = radius * Math.sin(angle);
    hasSpare = true;
    return radius * Math.cos(angle);
  };
  return { next, int: (n) => Math.floor(next() * n), u32, normal };
}
