import { describe, expect, it } from 'vitest';
import { AntitheticEs } from './antithetic-es.js';
import { distanceSq, negatedSphere, optimise, shiftedCenter } from './test-functions.js';

describe('AntitheticEs', () => {
  it.each([
    [13, 5_000],
    [100, 12_000],
  ])('finds the maximum of a shifted negative quadratic in d = %i within %i evaluations', (d, evals) => {
    const center = shiftedCenter(d);
    const f = negatedSphere(center);
    const opt = new AntitheticEs({ dim: d, seed: 1, sigma: 0.05, lr: 0.05, lrDecay: 0.995 });
    expect(optimise(opt, f, evals)).toBeLessThanOrEqual(evals);
    // Within 0.1% of the starting squared distance (f(0) ≈ −d/7 here; f(mean) ≥ 0.001·f(0)).
    expect(distanceSq(opt.mean, center)).toBeLessThan(1e-3 * distanceSq(new Float64Array(d), center));
  });

  it('also climbs with plain SGD and raw fitness', () => {
    const center = shiftedCenter(13);
    const opt = new AntitheticEs({ dim: 13, seed: 3, sigma: 0.05, lr: 0.02, stepRule: 'sgd', momentum: 0.5, fitnessShaping: 'raw' });
    optimise(opt, negatedSphere(center), 8_000);
    expect(distanceSq(opt.mean, center)).toBeLessThan(1e-3 * distanceSq(new Float64Array(13), center));
  });

  it('asks for exactly mirrored pairs: candidate 2j = mean + σε_j, 2j+1 = mean − σε_j', () => {
    const opt = new AntitheticEs({ dim: 50, seed: 7, populationSize: 8, sigma: 0.1 });
    const first = opt.ask();
    expect(first).toHaveLength(8);
    for (let j = 0; j < 4; j++) {
      const eps = opt.noiseFor(0, j);
      for (let i = 0; i < 50; i++) {
        // From mean 0 the mirror is exact in float32, bit for bit.
        expect(first[2 * j + 1][i]).toBe(-first[2 * j][i]);
        expect(first[2 * j][i]).toBe(Math.fround(0.1 * eps[i]));
      }
    }
    // Away from 0: plus − mean and mean − minus are the same σε up to float32 rounding of the candidates.
    opt.tell(first.map(negatedSphere(shiftedCenter(50))));
    const mean = Float64Array.from(opt.state().mean);
    const next = opt.ask();
    for (let j = 0; j < 4; j++) {
      const eps = opt.noiseFor(1, j);
      for (let i = 0; i < 50; i++) {
        const ulp = 2 ** -23 * Math.max(1, Math.abs(next[2 * j][i]));
        expect(Math.abs(next[2 * j][i] - mean[i] - 0.1 * eps[i])).toBeLessThanOrEqual(ulp);
        expect(Math.abs(mean[i] - next[2 * j + 1][i] - 0.1 * eps[i])).toBeLessThanOrEqual(ulp);
      }
    }
  });

  it('follows the same trajectory for f and exp(f) with centred ranks (and not with z-scores)', () => {
    const f = negatedSphere(shiftedCenter(13));
    const trajectory = (g: (v: Float32Array) => number, shaping: 'centered-rank' | 'z-score') => {
      const opt = new AntitheticEs({ dim: 13, seed: 11, sigma: 0.05, fitnessShaping: shaping });
      const means: Float32Array[] = [];
      for (let it = 0; it < 40; it++) {
        opt.tell(opt.ask().map(g));
        means.push(opt.mean);
      }
      return means;
    };
    expect(trajectory((v) => Math.exp(f(v)), 'centered-rank')).toEqual(trajectory(f, 'centered-rank'));
    expect(trajectory((v) => Math.exp(f(v)), 'z-score')).not.toEqual(trajectory(f, 'z-score'));
  });

  it('is deterministic: the same seed gives bit-identical candidates and means, another seed does not', () => {
    const f = negatedSphere(shiftedCenter(20));
    const record = (seed: number) => {
      const opt = new AntitheticEs({ dim: 20, seed, populationSize: 10 });
      const out: Float32Array[] = [];
      for (let it = 0; it < 15; it++) {
        const c = opt.ask();
        out.push(...c);
        opt.tell(c.map(f));
        out.push(opt.mean);
      }
      return out;
    };
    const a = record(5);
    const b = record(5);
    expect(a.length).toBe(b.length);
    a.forEach((x, i) => expect(Buffer.from(x.buffer).equals(Buffer.from(b[i].buffer))).toBe(true));
    expect(record(6)[0]).not.toEqual(a[0]);
  });

  it('resumes bit-identically from a JSON checkpoint', () => {
    const f = negatedSphere(shiftedCenter(9));
    const make = () => new AntitheticEs({ dim: 9, seed: 2, populationSize: 6, sigmaDecay: 0.99, lrDecay: 0.99 });
    const straight = make();
    for (let it = 0; it < 20; it++) straight.tell(straight.ask().map(f));

    const first = make();
    for (let it = 0; it < 8; it++) first.tell(first.ask().map(f));
    first.ask(); // an unanswered ask does not matter: the noise is keyed, not stored
    const resumed = make();
    resumed.restore(JSON.parse(JSON.stringify(first.state())));
    expect(resumed.generation).toBe(8);
    for (let it = 8; it < 20; it++) resumed.tell(resumed.ask().map(f));
    expect(resumed.state()).toEqual(straight.state());
    expect(resumed.mean).toEqual(straight.mean);
  });

  it('does not move when every candidate ties (an exact-match plateau)', () => {
    const opt = new AntitheticEs({ dim: 5, seed: 1, init: [0.1, 0.2, 0.3, 0.4, 0.5] });
    for (let it = 0; it < 5; it++) opt.tell(opt.ask().map(() => 0.25));
    expect(Array.from(opt.mean)).toEqual(Array.from(Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5])));
  });

  it('weight decay pulls v towards 0 when the fitness is flat', () => {
    const opt = new AntitheticEs({ dim: 3, seed: 1, init: [1, -1, 0.5], weightDecay: 0.5, stepRule: 'sgd', lr: 0.1 });
    for (let it = 0; it < 10; it++) opt.tell(opt.ask().map(() => 1));
    expect(Array.from(opt.mean).map(Math.abs).every((x, i) => x < [1, 1, 0.5][i])).toBe(true);
  });

  it.each([
    [{ populationSize: 7 }, /populationSize must be even/],
    [{ populationSize: 0 }, /populationSize must be an integer ≥ 2/],
    [{ sigma: 0 }, /sigma must be/],
    [{ lr: -1 }, /lr must be/],
    [{ stepRule: 'rmsprop' }, /stepRule must be one of 'adam', 'sgd'/],
    [{ fitnessShaping: 'softmax' }, /fitnessShaping must be one of/],
    [{ beta2: 1 }, /beta2 must be in \[0, 1\)/],
    [{ sigmaDecay: 1.5 }, /sigmaDecay must be in \(0, 1\]/],
    [{ seed: -1 }, /seed must be an integer/],
    [{ dim: 0 }, /dim must be a positive integer/],
    [{ init: [1, 2] }, /init must have length dim = 4/],
  ])('rejects %j naming the option', (bad, message) => {
    expect(() => new AntitheticEs({ dim: 4, ...(bad as object) })).toThrow(message);
  });

  it('enforces the ask/tell protocol', () => {
    const opt = new AntitheticEs({ dim: 2, populationSize: 4 });
    expect(() => opt.tell([1, 2, 3, 4])).toThrow(/before ask/);
    expect(opt.ask()).toBe(opt.ask()); // same generation, same candidates
    expect(() => opt.tell([1, 2, 3])).toThrow(/expected 4, got 3/);
    expect(() => opt.tell([1, Number.NaN, 3, 4])).toThrow(/fitness\[1\] must be a finite number/);
    opt.tell([1, 2, 3, 4]);
    expect(opt.generation).toBe(1);
    expect(() => opt.restore({ kind: 'spsa', dim: 2, generation: 0, mean: [0, 0] })).toThrow(/cannot restore a spsa state into a es optimizer/);
  });
});
