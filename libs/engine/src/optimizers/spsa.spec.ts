import { describe, expect, it } from 'vitest';
import { Spsa } from './spsa.js';
import { distanceSq, negatedSphere, optimise, shiftedCenter } from './test-functions.js';

describe('Spsa', () => {
  it.each([
    [13, 1_000],
    [100, 4_000],
  ])('finds the maximum of a shifted negative quadratic in d = %i within %i evaluations', (d, evals) => {
    const center = shiftedCenter(d);
    // lr = 1/(2d) is the best constant gain for −‖v − c‖² with Rademacher directions (E‖e‖² shrinks by 1 − 1/d a step).
    const opt = new Spsa({ dim: d, seed: 1, lr: 1 / (2 * d), epsilon: 0.01 });
    optimise(opt, negatedSphere(center), evals);
    expect(distanceSq(opt.mean, center)).toBeLessThan(1e-3 * distanceSq(new Float64Array(d), center));
  });

  it('converges with Gaussian (MeZO) directions and several directions per step', () => {
    const center = shiftedCenter(13);
    const opt = new Spsa({ dim: 13, seed: 4, lr: 0.02, epsilon: 0.01, distribution: 'gaussian', directions: 4 });
    expect(opt.ask()).toHaveLength(8);
    optimise(opt, negatedSphere(center), 3_000);
    expect(distanceSq(opt.mean, center)).toBeLessThan(1e-3 * distanceSq(new Float64Array(13), center));
  });

  it('asks θ ± εz and steps by lr · (f⁺ − f⁻)/(2ε) · z (exact for a linear fitness)', () => {
    const a = [0.5, -1, 2, 0.25, 3];
    const linear = (v: ArrayLike<number>) => a.reduce((s, ai, i) => s + ai * v[i], 0);
    const opt = new Spsa({ dim: 5, seed: 9, lr: 0.1, epsilon: 0.5, init: [1, 1, 1, 1, 1] });
    const [plus, minus] = opt.ask();
    const z = opt.directionFor(0, 0);
    expect(Array.from(z).every((x) => x === 1 || x === -1)).toBe(true);
    expect(Array.from(plus)).toEqual(Array.from(z, (zi) => 1 + 0.5 * zi));
    expect(Array.from(minus)).toEqual(Array.from(z, (zi) => 1 - 0.5 * zi));
    opt.tell([linear(plus), linear(minus)]);
    const slope = a.reduce((s, ai, i) => s + ai * z[i], 0); // the directional derivative a·z
    const expected = Array.from(z, (zi) => 1 + 0.1 * slope * zi);
    opt.state().mean.forEach((m, i) => expect(m).toBeCloseTo(expected[i], 12));
  });

  it("follows Spall's gain schedules a_k = lr/(k+1+A)^α and c_k = ε/(k+1)^γ", () => {
    const opt = new Spsa({ dim: 2, lr: 0.2, epsilon: 0.1, lrDecayExponent: 0.602, lrStability: 10, epsilonDecayExponent: 0.101 });
    expect(opt.lrAt(0)).toBeCloseTo(0.2 / 11 ** 0.602, 15);
    expect(opt.epsilonAt(99)).toBeCloseTo(0.1 / 100 ** 0.101, 15);
    const constant = new Spsa({ dim: 2, lr: 0.2, epsilon: 0.1 });
    expect([constant.lrAt(0), constant.lrAt(1000), constant.epsilonAt(1000)]).toEqual([0.2, 0.2, 0.1]);
  });

  it('is deterministic and resumes bit-identically from a JSON checkpoint', () => {
    const f = negatedSphere(shiftedCenter(30));
    const make = () => new Spsa({ dim: 30, seed: 3, directions: 3, lr: 0.01, lrDecayExponent: 0.602, epsilonDecayExponent: 0.101 });
    const straight = make();
    const seen: Float32Array[] = [];
    for (let it = 0; it < 25; it++) {
      const c = straight.ask();
      seen.push(...c);
      straight.tell(c.map(f));
    }
    const again = make();
    for (let it = 0; it < 10; it++) {
      const c = again.ask();
      c.forEach((x, k) => expect(x).toEqual(seen[it * 6 + k]));
      again.tell(c.map(f));
    }
    const resumed = make();
    resumed.restore(JSON.parse(JSON.stringify(again.state())));
    for (let it = 10; it < 25; it++) resumed.tell(resumed.ask().map(f));
    expect(resumed.state()).toEqual(straight.state());
  });

  it.each([
    [{ directions: 0 }, /directions must be an integer ≥ 1/],
    [{ epsilon: 0 }, /epsilon must be/],
    [{ distribution: 'uniform' }, /distribution must be one of 'rademacher', 'gaussian'/],
    [{ lrDecayExponent: -1 }, /lrDecayExponent must be/],
  ])('rejects %j naming the option', (bad, message) => {
    expect(() => new Spsa({ dim: 3, ...(bad as object) })).toThrow(message);
  });
});
