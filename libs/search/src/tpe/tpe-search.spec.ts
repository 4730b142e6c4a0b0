import { createRng, parseSweepSpec, type SweepSpec } from '@tinysweep/spec';
import { describe, expect, it } from 'vitest';
import { parameterImportance } from '../importance.js';
import { fitEstimator } from './parzen-estimator.js';
import { tpeHistory, type HistoryTrial } from './tpe-history.js';
import { TpeSearch, tpeGamma, type Observation } from './tpe-search.js';
import type { Point } from './tpe-space.js';

/** A mixed space: a categorical layer selector, a log-scaled lr, a whole-number rank, a plain float. */
function spec(search: Record<string, unknown> = {}): SweepSpec {
  return parseSweepSpec({
    name: 'tpe',
    backend: { kind: 'command', command: ['node', 'x.mjs'] },
    params: { layers: ['all', 'last:1', 'last:2', 'every:2'], lr: { min: 1e-4, max: 1, log: true }, rank: { min: 1, max: 16, int: true }, x: { min: -1, max: 1 } },
    search: { kind: 'tpe', n: 40, startup: 8, seed: 1, ...search },
    budget: { maxTrials: 100 },
  });
}

/** The synthetic objective (larger is better): best at layers last:2, lr 1e-2, rank 6, x 0.3. */
function f(search: TpeSearch, p: Point): number {
  const q = search.space.params(p) as { layers: string; lr: number; rank: number; x: number };
  return -((Math.log10(q.lr) + 2) ** 2) - 2 * (q.x - 0.3) ** 2 - Math.abs(q.rank - 6) / 8 + (q.layers === 'last:2' ? 0.8 : 0);
}

/** Runs a search one proposal at a time for `n` evaluations; returns the best value found. */
function run(search: TpeSearch, n: number, model: boolean): number {
  const done: Observation[] = [];
  const seen: string[] = [];
  const rng = createRng(search.search.seed + 1000);
  while (done.length < n) {
    const [p] = model ? search.propose(done, [], 1, seen) : [search.space.random(rng)];
    done.push({ point: p!, value: f(search, p!) });
    seen.push(search.space.key(p!));
  }
  return Math.max(...done.map((d) => d.value));
}

describe('TpeSearch', () => {
  it('plans its random start, turns points into params hashed as planSweep hashes them, and reads them back', () => {
    const search = new TpeSearch(spec());
    const planned = search.plan().trials;
    expect(planned).toHaveLength(8);
    for (const t of planned) {
      const point = search.space.pointOf(t.params)!;
      const [again] = search.space.trials(point, [t.seed]);
      expect(again).toMatchObject({ configHash: t.configHash, groupHash: t.groupHash });
    }
    expect(search.space.dims.map((d) => d.kind)).toEqual(['categorical', 'numeric', 'numeric', 'numeric']);
    expect(search.space.paths).toEqual(['params.layers', 'params.lr', 'params.rank', 'params.x']);
  });

  it('is seeded: the same history gives the same proposals, another seed others', () => {
    const a = new TpeSearch(spec());
    const rng = createRng(3);
    const history = Array.from({ length: 12 }, () => a.space.random(rng)).map((point) => ({ point, value: f(a, point) }));
    const seen = history.map((h) => a.space.key(h.point));
    expect(a.propose(history, [], 3, seen)).toEqual(new TpeSearch(spec()).propose(history, [], 3, seen));
    expect(new TpeSearch(spec({ seed: 2 })).propose(history, [], 3, seen)).not.toEqual(a.propose(history, [], 3, seen));
  });

  it('proposes untried, distinct points near the good ones, and spreads a round out (constant liar)', () => {
    const search = new TpeSearch(spec());
    const rng = createRng(4);
    const history = Array.from({ length: 30 }, () => search.space.random(rng)).map((point) => ({ point, value: f(search, point) }));
    const seen = history.map((h) => search.space.key(h.point));
    const round = search.propose(history, [], 6, seen);
    expect(round).toHaveLength(6);
    const keys = round.map((p) => search.space.key(p));
    expect(new Set(keys).size).toBe(6);
    for (const k of keys) expect(seen).not.toContain(k);
    // the proposals score better on average than the history they came from
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(round.map((p) => f(search, p)))).toBeGreaterThan(mean(history.map((h) => h.value)));
  });

  it('finds a better optimum than random search with the same number of evaluations (median of 7 seeds)', () => {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const seeds = [1, 2, 3, 4, 5, 6, 7];
    const tpe = median(seeds.map((seed) => run(new TpeSearch(spec({ seed })), 40, true)));
    const random = median(seeds.map((seed) => run(new TpeSearch(spec({ seed })), 40, false)));
    expect(tpe).toBeGreaterThan(random);
  });

  it('splits at Optuna’s γ: ⌈n/10⌉ good ones, at most 25', () => {
    expect([1, 10, 11, 100, 300].map(tpeGamma)).toEqual([1, 1, 2, 10, 25]);
  });
});

describe('Parzen estimators', () => {
  it('a numeric one is a density on its range (integrates to 1), samples inside it and peaks at the data', () => {
    const e = fitEstimator({ kind: 'numeric', low: 0, high: 10, log: false, int: false }, [2, 2.5, 3]);
    let area = 0;
    for (let x = 0.005; x < 10; x += 0.01) area += Math.exp(e.logDensity(x)) * 0.01;
    expect(area).toBeCloseTo(1, 2);
    expect(e.logDensity(2.5)).toBeGreaterThan(e.logDensity(8));
    const rng = createRng(1);
    for (let k = 0; k < 200; k++) {
      const x = e.sample(rng);
      expect(x >= 0 && x <= 10).toBe(true);
    }
  });

  it('a whole-number one puts its mass on the integers, a log one works on the log scale, a categorical one counts', () => {
    const ints = fitEstimator({ kind: 'numeric', low: 1, high: 8, log: false, int: true }, [3, 3, 4]);
    const mass = [1, 2, 3, 4, 5, 6, 7, 8].reduce((s, x) => s + Math.exp(ints.logDensity(x)), 0);
    expect(mass).toBeCloseTo(1, 6);
    const rng = createRng(2);
    expect(Number.isInteger(ints.sample(rng))).toBe(true);
    const logs = fitEstimator({ kind: 'numeric', low: 1e-4, high: 1, log: true, int: false }, [1e-3, 2e-3]);
    expect(logs.logDensity(1.5e-3)).toBeGreaterThan(logs.logDensity(0.5));
    const cats = fitEstimator({ kind: 'categorical', k: 4 }, [1, 1, 2]);
    // (2 + ¼) / (3 + 1), with the prior's weight 1 spread over the 4 categories
    expect(Math.exp(cats.logDensity(1))).toBeCloseTo(2.25 / 4, 10);
    expect(Math.exp(cats.logDensity(0))).toBeCloseTo(0.25 / 4, 10);
  });
});

describe('tpeHistory', () => {
  const trial = (id: string, search: TpeSearch, point: Point, seed: number, status: string, score?: number): HistoryTrial => {
    const [t] = search.space.trials(point, [seed]);
    return { id, status, params: t!.params, groupHash: t!.groupHash, metrics: score === undefined ? null : { score } };
  };

  it('pools replicates into one observation per configuration; running ones are in flight, not observed', () => {
    const search = new TpeSearch(spec());
    const a: Point = [0, 0.01, 6, 0.3];
    const b: Point = [1, 0.1, 2, -0.5];
    const h = tpeHistory(search, { metric: 'score', mode: 'max' }, [
      trial('1', search, a, 1, 'succeeded', 0.5),
      trial('2', search, a, 2, 'succeeded', 0.7),
      trial('3', search, b, 1, 'succeeded', 0.2),
      trial('4', search, b, 2, 'running'),
    ]);
    expect(h.observations).toEqual([{ point: a, value: expect.closeTo(0.6, 10) }]);
    expect(h.running).toEqual([b]);
    expect(h.configs).toBe(2);
    expect(h.level).toBe('final');
    // min mode: values are turned so that larger is better
    expect(tpeHistory(search, { metric: 'score', mode: 'min' }, [trial('1', search, a, 1, 'succeeded', 0.5)]).observations[0]!.value).toBe(-0.5);
  });

  it('with ASHA (BOHB), fits at the highest rung with enough configurations while too few have finished', () => {
    const search = new TpeSearch(spec({ startup: 2, asha: { minIterations: 1, maxIterations: 9 } }));
    const points: Point[] = [
      [0, 0.01, 6, 0.3],
      [1, 0.1, 2, -0.5],
      [2, 0.001, 9, 0.9],
    ];
    const trials = points.map((p, i) => trial(String(i), search, p, 1, i === 0 ? 'running' : 'stopped'));
    const rungs = [
      { trialId: '0', rung: 1, value: 0.4 },
      { trialId: '1', rung: 1, value: 0.1 },
      { trialId: '2', rung: 1, value: 0.2 },
      { trialId: '0', rung: 3, value: 0.5 },
    ];
    const h = tpeHistory(search, { metric: 'score', mode: 'max' }, trials, rungs);
    expect(h.level).toBe(1); // rung 3 has one value, rung 1 three (≥ startup 2)
    expect(h.observations.map((o) => o.value).sort()).toEqual([0.1, 0.2, 0.4]);
  });
});

describe('parameterImportance', () => {
  it('puts the parameters the objective depends on first, and one it ignores near zero', () => {
    const search = new TpeSearch(spec());
    const rng = createRng(9);
    // the objective depends on lr strongly, on layers a little, on nothing else
    const g = (p: Point) => {
      const q = search.space.params(p) as { layers: string; lr: number };
      return -((Math.log10(q.lr) + 2) ** 2) + (q.layers === 'last:2' ? 0.5 : 0);
    };
    const observations = Array.from({ length: 120 }, () => search.space.random(rng)).map((point) => ({ point, value: g(point) }));
    const r = parameterImportance(search.space, observations, { seed: 1 });
    expect(r.configs).toBe(120);
    expect(r.importance.map((x) => x.path).slice(0, 2)).toEqual(['params.lr', 'params.layers']);
    expect(r.importance[0]!.importance).toBeGreaterThan(0.5);
    expect(r.importance.find((x) => x.path === 'params.x')!.importance).toBeLessThan(0.05);
    expect(parameterImportance(search.space, observations, { seed: 1 })).toEqual(r);
    expect(() => parameterImportance(search.space, observations.slice(0, 3))).toThrow(/at least 4 finished configurations/);
  });
});
