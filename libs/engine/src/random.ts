/**
 * Seeded randomness for the engine: every random tensor is derived from integer keys, never from
 * hidden state, so a trainer node can rebuild any perturbation from (seed, generation, member) alone
 * and nodes exchange seeds and fitness scalars instead of tensors (STYLE "What tinysweep should take" #7).
 *
 *   const eps = gaussianVector(streamSeed(NoiseDomain.Es, seed, generation, member), dim); // [dim]
 *
 * Why hand-written: Math.random cannot be seeded. The generator is sfc32 (Chris Doty-Humphrey's Small
 * Fast Counting generator, 128-bit state, passes PractRand), libs/tinylora's createRng, the project's
 * only one; keys are combined with MurmurHash3's 32-bit word mixing, so neighbouring keys (member 7
 * and 8, generation 99 and 100) give unrelated streams. Gaussians come from its Box–Muller.
 * Reproducibility holds bit for bit within one JavaScript engine (V8 computes Math.log/cos/sin
 * with its own fdlibm port, identical on every platform).
 */

import { createRng } from '@tinysweep/tinylora';

/**
 * Domain tags mixed into every stream seed, so the streams for different purposes never coincide
 * even when their other keys do (ES noise for member 0 is not SPSA's direction 0).
 */
export enum NoiseDomain {
  Es = 0x45530001,
  Spsa = 0x53500002,
  CmaEs = 0x434d0003,
  Shots = 0x53480004,
  Arithmetic = 0x41520005,
  /** GRPO's sampling seeds, per (seed, step). */
  Grpo = 0x47520007,
  /** The retraining of a pruned adapter's survivors, per trial seed. */
  Retrain = 0x52540008,
}

// The generator itself (sfc32 seeded by splitmix32) is libs/tinylora's: one implementation for
// every stream the engine and the adapter math derive from seeds.
export { createRng, type Rng } from '@tinysweep/tinylora';

/**
 * One 32-bit seed from several integer keys (each in [0, 2³²)), by MurmurHash3_x86_32 over the
 * keys as 32-bit words. Throws when a key is not such an integer: a fractional or negative
 * generation is a bug upstream, and silently truncating it would alias two streams.
 */
export function mixSeed(...keys: number[]): number {
  let h = 0x9747b28c;
  for (const [i, key] of keys.entries()) {
    if (!Number.isInteger(key) || key < 0 || key > 0xffffffff) {
      throw new Error(`seed key ${i} must be an integer in [0, 2^32) (got ${key})`);
    }
    let k = Math.imul(key >>> 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= keys.length * 4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The seed of one stream: a domain tag plus keys such as (seed, generation, member). */
export function streamSeed(domain: NoiseDomain, ...keys: number[]): number {
  return mixSeed(domain, ...keys);
}

/** `n` independent N(0, 1) draws from the stream `seed` (the generator's Box–Muller, both outputs used). */
export function gaussianVector(seed: number, n: number): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/** `n` independent ±1 draws (Rademacher) from the stream `seed`, one random bit each. */
export function rademacherVector(seed: number, n: number): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(n);
  let bits = 0;
  for (let i = 0; i < n; i++) {
    if (i % 32 === 0) bits = rng.u32();
    out[i] = (bits >>> i % 32) & 1 ? 1 : -1;
  }
  return out;
}

/** A seeded Fisher–Yates permutation of 0…n−1. */
export function permutation(seed: number, n: number): number[] {
  const rng = createRng(seed);
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
