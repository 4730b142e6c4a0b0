import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile } from './distributions.js';
import { meanCi, proportionCi, summarise } from './intervals.js';
import { incompleteBeta, lnGamma } from './special-functions.js';

describe('special functions', () => {
  it('matches known values', () => {
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(lnGamma(10)).toBeCloseTo(Math.log(362_880), 12);
    expect(lnGamma(0.1)).toBeCloseTo(2.252712651734206, 12);
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 14);
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14); // uniform
    expect(incompleteBeta(0.2, 2, 3)).toBeCloseTo(0.1808, 12); // 1 − (1 − x)³(1 + 3x)
  });
});

describe('distributions', () => {
  it('gives the standard normal quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 14);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489, 11);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(normalCdf(-8)).toBeCloseTo(6.22096057427178e-16, 28);
    expect([normalQuantile(0), normalQuantile(1)]).toEqual([-Infinity, Infinity]);
  });

  it.each([
    [1, 12.706204736174698],
    [2, 4.302652729749464],
    [4, 2.7764451051977934],
    [9, 2.262157162798205],
    [29, 2.045229642132703],
    [1000, 1.9623390808264078],
  ])('gives t₀.₉₇₅ with %i degrees of freedom = %f', (df, t) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 9);
    expect(studentTCdf(t, df)).toBeCloseTo(0.975, 10);
  });

  it('is symmetric and tends to the normal', () => {
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.7764451051977934, 9);
    expect(studentTQuantile(0.995, 3)).toBeCloseTo(5.8409093, 6);
    expect(studentTQuantile(0.975, Infinity)).toBe(normalQuantile(0.975));
    expect(studentTCdf(0, 7)).toBe(0.5);
  });
});

describe('proportionCi (Wilson)', () => {
  it('matches known intervals', () => {
    const ci = proportionCi(50, 100);
    expect(ci.estimate).toBe(0.5);
    expect(ci.lo).toBeCloseTo(0.4038, 4);
    expect(ci.hi).toBeCloseTo(0.5962, 4);
    // 0/10: the Wald interval would be [0, 0]; Wilson gives [0, 0.2775].
    const zero = proportionCi(0, 10);
    expect(zero.lo).toBe(0);
    expect(zero.hi).toBeCloseTo(0.2775, 4);
    const all = proportionCi(10, 10);
    expect(all.hi).toBe(1);
    expect(all.lo).toBeCloseTo(0.7225, 4);
    // 1/5 at 95%: [0.0362, 0.6245].
    expect(proportionCi(1, 5).lo).toBeCloseTo(0.0362, 4);
    expect(proportionCi(1, 5).hi).toBeCloseTo(0.6245, 4);
    // 81/263 at 90%.
    const ninety = proportionCi(81, 263, 0.9);
    expect(ninety.lo).toBeCloseTo(0.2629, 3);
    expect(ninety.hi).toBeCloseTo(0.3567, 3);
  });

  it('says nothing for n = 0 and rejects impossible counts', () => {
    expect(proportionCi(0, 0)).toMatchObject({ lo: 0, hi: 1, n: 0 });
    expect(() => proportionCi(11, 10)).toThrow(/successes must be an integer in \[0, n = 10\]/);
    expect(() => proportionCi(1.5, 10)).toThrow(/successes/);
    expect(() => proportionCi(1, 10, 1)).toThrow(/level must be in \(0, 1\)/);
  });
});

describe('meanCi and summarise', () => {
  it('uses t quantiles for small n', () => {
    // mean 2, s = 1, n = 3: half-width t₀.₉₇₅,₂ / √3 = 4.302652729749464 / √3.
    const ci = meanCi([1, 2, 3]);
    expect(ci.mean).toBe(2);
    expect(ci.hi - ci.mean).toBeCloseTo(4.302652729749464 / Math.sqrt(3), 9);
    expect(ci.mean - ci.lo).toBeCloseTo(ci.hi - ci.mean, 12);
    const s = summarise([0.61, 0.58, 0.64, 0.6]);
    expect(s.n).toBe(4);
    expect(s.mean).toBeCloseTo(0.6075, 12);
    expect(s.std).toBeCloseTo(0.025, 12);
    expect(s.ci95[0]).toBeCloseTo(0.6075 - (3.182446305284263 * 0.025) / 2, 9);
  });

  it('has no interval for a single value and refuses empty or non-finite input', () => {
    expect(summarise([0.7])).toEqual({ mean: 0.7, std: Number.NaN, n: 1, ci95: [Number.NaN, Number.NaN] });
    expect(() => summarise([])).toThrow('values must not be empty');
    expect(() => meanCi([1, Number.NaN])).toThrow(/values\[1\] must be a finite number/);
  });
});
