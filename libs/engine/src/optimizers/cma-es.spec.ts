import { describe, expect, it } from 'vitest';
import { CmaEs } from './cma-es.js';
import { distanceSq, negatedRosenbrock, negatedRotatedEllipsoid, negatedSphere, optimise, shiftedCenter } from './test-functions.js';

describe('CmaEs', () => {
  it("derives Hansen's default strategy parameters", () => {
    const { params } = new CmaEs({ dim: 10 });
    expect(params.populationSize).toBe(10); // 4 + ⌊3 ln 10⌋
    expect(params.parents).toBe(5);
    expect(params.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 15);
    expect(params.weights).toEqual([...params.weights].sort((a, b) => b - a));
    expect(params.muEff).toBeCloseTo(3.1673, 4);
    expect(params.cSigma).toBeCloseTo((params.muEff + 2) / (10 + params.muEff + 5), 15);
    expect(params.c1).toBeCloseTo(2 / (11.3 ** 2 + params.muEff), 15);
    expect(params.chiN).toBeCloseTo(3.0844, 3); // E‖N(0, I₁₀)‖ = √2 Γ(5.5)/Γ(5) = 3.0844…; the approximation is within 4e-4
    expect(new CmaEs({ dim: 100 }).params.populationSize).toBe(17);
  });

  it.each([
    [13, 1_500],
    [100, 6_000],
  ])('finds the maximum of a shifted negative quadratic in d = %i within %i evaluations', (d, evals) => {
    const center = shiftedCenter(d);
    const opt = new CmaEs({ dim: d, seed: 1, sigma: 0.3 });
    optimise(opt, negatedSphere(center), evals);
    expect(distanceSq(opt.mean, center)).toBeLessThan(1e-3 * distanceSq(new Float64Array(d), center));
  });

  it('solves a rotated ellipsoid (condition 10⁶) in d = 10', () => {
    const center = shiftedCenter(10);
    const f = negatedRotatedEllipsoid(10, center);
    const opt = new CmaEs({ dim: 10, seed: 1, sigma: 0.5 });
    optimise(opt, f, 8_000);
    expect(f(opt.mean)).toBeGreaterThan(-1e-8);
    // The learned covariance has the ellipsoid's shape: axis ratio ≈ √(10⁶) = 1000.
    const axes = opt.axisLengths;
    expect(Math.max(...axes) / Math.min(...axes)).toBeGreaterThan(300);
  });

  it('solves Rosenbrock in d = 10', () => {
    const opt = new CmaEs({ dim: 10, seed: 1, sigma: 0.5 });
    optimise(opt, negatedRosenbrock, 20_000);
    expect(negatedRosenbrock(opt.mean)).toBeGreaterThan(-1e-6);
    expect(distanceSq(opt.mean, new Float64Array(10).fill(1))).toBeLessThan(1e-4);
  });

  it('is deterministic and resumes bit-identically from a JSON checkpoint (across eigendecompositions)', () => {
    const f = negatedRotatedEllipsoid(6, shiftedCenter(6));
    const make = () => new CmaEs({ dim: 6, seed: 8, sigma: 0.4, eigenInterval: 3 });
    const straight = make();
    const seen: Float32Array[] = [];
    for (let it = 0; it < 30; it++) {
      const c = straight.ask();
      seen.push(...c);
      straight.tell(c.map(f));
    }
    const again = make();
    const lambda = again.params.populationSize;
    for (let it = 0; it < 13; it++) {
      const c = again.ask();
      c.forEach((x, k) => expect(x).toEqual(seen[it * lambda + k]));
      again.tell(c.map(f));
    }
    const resumed = make();
    resumed.restore(JSON.parse(JSON.stringify(again.state())));
    for (let it = 13; it < 30; it++) resumed.tell(resumed.ask().map(f));
    expect(resumed.state()).toEqual(straight.state());
    expect(resumed.mean).toEqual(straight.mean);
  });

  it('refuses a dim above maxDim with a clear error', () => {
    expect(() => new CmaEs({ dim: 501 })).toThrow('dim must be at most maxDim = 500 (got 501)');
    expect(() => new CmaEs({ dim: 600, maxDim: 1000 })).not.toThrow();
  });

  it.each([
    [{ populationSize: 1 }, /populationSize must be an integer ≥ 2/],
    [{ populationSize: 6, parents: 7 }, /parents must be at most populationSize = 6/],
    [{ sigma: -0.1 }, /sigma must be/],
    [{ eigenInterval: 0 }, /eigenInterval must be an integer ≥ 1/],
  ])('rejects %j naming the option', (bad, message) => {
    expect(() => new CmaEs({ dim: 4, ...(bad as object) })).toThrow(message);
  });
});
