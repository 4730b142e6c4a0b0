import { describe, expect, it } from 'vitest';
import { parseSweepSpec, planSweep, SpecError, type SpecIssue } from './index.js';

const tiny = { name: 'tiny', model: { path: 'models/demo-arith' }, task: { kind: 'arithmetic' }, adapter: { rank: [1, 2, 4] } };
const command = { name: 'cmd', backend: { kind: 'command', command: ['python3', 'train.py', '{x}'] }, params: { x: [1, 2, 3, 4] } };

function issues(spec: unknown): SpecIssue[] {
  try {
    parseSweepSpec(spec);
  } catch (err) {
    if (err instanceof SpecError) return err.issues;
    throw err;
  }
  throw new Error('expected a SpecError');
}

describe('search.kind: asha', () => {
  it('takes maxIterations from optimizer.iterations and the metric from the backend, leaving the trials as a grid would run them', () => {
    const spec = parseSweepSpec({ ...tiny, optimizer: { iterations: 27 }, search: { kind: 'asha', minIterations: 3 } });
    expect(spec.search).toEqual({ kind: 'asha', seed: 0, minIterations: 3, maxIterations: 27, eta: 3, metric: 'eval_acc', mode: 'max', promotion: 'async' });
    // the dispatcher asks for eval_acc at the rungs per call: the params (and result keys) are the grid's
    expect(spec.params.evalEvery).toBeUndefined();
    const grid = planSweep(parseSweepSpec({ ...tiny, optimizer: { iterations: 27 } }));
    // a normalized spec parses to itself
    expect(parseSweepSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    // every configuration of the grid starts, with the iterations of a trial that is never stopped
    const plan = planSweep(spec);
    expect(plan.trials).toHaveLength(3);
    expect(plan.trials.map((t) => (t.params.optimizer as { iterations: number }).iterations)).toEqual([27, 27, 27]);
    expect(plan.trials.map((t) => t.configHash)).toEqual(grid.trials.map((t) => t.configHash));
  });

  it('maxIterations overrides a single optimizer.iterations; n samples like random search', () => {
    const spec = parseSweepSpec({ ...tiny, search: { kind: 'asha', n: 2, seed: 4, minIterations: 2, maxIterations: 18, eta: 2, metric: 'train_reward', mode: 'max' } });
    expect(spec.optimizer?.iterations).toEqual([18]);
    expect(spec.params.evalEvery).toBeUndefined();
    expect(planSweep(spec).trials).toHaveLength(2);
  });

  it('uses the objective metric for the command backend and needs maxIterations there', () => {
    const spec = parseSweepSpec({ ...command, objective: { metric: 'loss', mode: 'min' }, search: { kind: 'asha', minIterations: 1, maxIterations: 9 } });
    expect(spec.search).toMatchObject({ metric: 'loss', mode: 'min', promotion: 'async' });
    // a program that checkpoints may pause at the rungs too
    expect(parseSweepSpec({ ...command, search: { kind: 'asha', minIterations: 1, maxIterations: 9, promotion: 'pause' } }).search).toMatchObject({ promotion: 'pause' });
    expect(issues({ ...command, search: { kind: 'asha', minIterations: 1 } })).toEqual([
      { path: 'search.maxIterations', message: 'required for the command backend: the iterations a trial that is never stopped runs' },
    ]);
  });

  it('refuses rules it cannot keep, naming the field', () => {
    expect(issues({ ...tiny, optimizer: { iterations: [10, 20] }, search: { kind: 'asha', minIterations: 2 } })[0]).toMatchObject({ path: 'optimizer.iterations', message: expect.stringMatching(/give one value/) });
    expect(issues({ ...tiny, optimizer: { iterations: 9 }, search: { kind: 'asha', minIterations: 9 } })[0]).toMatchObject({ path: 'search.minIterations', message: expect.stringMatching(/less than maxIterations \(9\)/) });
    expect(issues({ ...tiny, search: { kind: 'asha', minIterations: 3, eta: 1 } })[0]).toMatchObject({ path: 'search.eta', message: expect.stringMatching(/from 2 to 1000/) });
    expect(issues({ ...tiny, params: { lr: { uniform: [0, 1] } }, search: { kind: 'asha', minIterations: 3 } })[0]).toMatchObject({ path: 'params.lr', message: expect.stringMatching(/give search.n/) });
    expect(issues({ ...tiny, search: { kind: 'asha', minIterations: 3, n: 4 } })[0]).toMatchObject({ path: 'search.n', message: expect.stringMatching(/more than the 3 configurations/) });
    expect(issues({ ...tiny, search: { kind: 'asha', minIterations: 3, rungs: 4 } })[0]).toMatchObject({ path: 'search.rungs', message: expect.stringMatching(/unknown key/) });
    expect(issues({ ...tiny, search: { kind: 'asha', minIterations: 3, promotion: 'wait' } })[0]).toMatchObject({ path: 'search.promotion', message: expect.stringMatching(/pause.*async/) });
  });
});

describe('search.kind: pareto', () => {
  const pareto = { ...tiny, budget: { maxTrials: 3 } };

  it('defaults the objectives to the sweep objective and effective params, and parallel to n', () => {
    const spec = parseSweepSpec({ ...pareto, search: { kind: 'pareto', n: 1 } });
    expect(spec.search).toEqual({
      kind: 'pareto',
      n: 1,
      seed: 0,
      parallel: 1,
      objectives: [
        { metric: 'score', mode: 'max' },
        { metric: 'effective_params', mode: 'min' },
      ],
    });
    expect(parseSweepSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    // only the initial sample is planned; the dispatcher proposes the rest
    expect(planSweep(spec).trials).toHaveLength(1);
  });

  it('needs budget.maxTrials spelled out, two distinct objectives and listed values', () => {
    expect(issues({ ...tiny, search: { kind: 'pareto', n: 1 } })[0]).toMatchObject({ path: 'budget.maxTrials', message: expect.stringMatching(/^required for search.kind: pareto/) });
    expect(issues({ ...pareto, search: { kind: 'pareto', n: 1, objectives: [{ metric: 'acc' }] } })[0]).toMatchObject({ path: 'search.objectives', message: expect.stringMatching(/at least two/) });
    expect(issues({ ...pareto, search: { kind: 'pareto', n: 1, objectives: [{ metric: 'acc' }, { metric: 'acc', mode: 'min' }] } })[0]).toMatchObject({ path: 'search.objectives[1].metric', message: "metric 'acc' is listed twice" });
    expect(issues({ ...pareto, params: { w: { uniform: [0, 1] } }, search: { kind: 'pareto', n: 1 } }).map((i) => i.path)).toContain('params.w');
    expect(issues({ ...pareto, search: { kind: 'pareto', n: 2 }, seeds: [1, 2] })[0]).toMatchObject({ path: 'budget.maxTrials', message: expect.stringMatching(/spec expands to 4 trials/) });
  });
});

describe('reuse', () => {
  it('defaults to true and takes a boolean', () => {
    expect(parseSweepSpec(tiny).reuse).toBe(true);
    expect(parseSweepSpec({ ...tiny, reuse: false }).reuse).toBe(false);
    expect(issues({ ...tiny, reuse: 'no' })[0]).toMatchObject({ path: 'reuse', message: 'must be true or false (got "no")' });
  });
});

describe('shared training for pruning thresholds', () => {
  it('gives trials that differ only in prune the same trainHash (tinylora grid)', () => {
    const plan = planSweep(parseSweepSpec({ ...tiny, adapter: { rank: [1, 2] }, prune: { threshold: [0, 0.3, 0.6] }, seeds: [1, 2] }));
    expect(plan.trials).toHaveLength(12);
    const groups = new Map<string, number[]>();
    for (const t of plan.trials) groups.set(t.trainHash!, [...(groups.get(t.trainHash!) ?? []), (t.params.prune as { threshold: number }).threshold]);
    expect([...groups.values()]).toEqual([
      [0, 0.3, 0.6],
      [0, 0.3, 0.6],
      [0, 0.3, 0.6],
      [0, 0.3, 0.6],
    ]);
  });

  it('leaves command sweeps alone; asha shares, pausing or not (ASHA judges, pauses and stops the training)', () => {
    expect(planSweep(parseSweepSpec({ ...command, prune: { threshold: [0, 0.5] } })).trials[0]!.trainHash).toBeUndefined();
    const asha = (promotion?: 'pause' | 'async') =>
      planSweep(parseSweepSpec({ ...tiny, prune: { threshold: [0, 0.5] }, optimizer: { iterations: 9 }, search: { kind: 'asha', minIterations: 3, ...(promotion ? { promotion } : {}) } }));
    for (const plan of [asha(), asha('async'), asha('pause')]) {
      expect(plan.trials[0]!.trainHash).toBeDefined();
      expect(plan.trainings.length).toBe(plan.trials.length / 2);
    }
  });
});

describe('ranges ({ min, max, log })', () => {
  it('any numeric field (and a param) takes one; a sampling search draws inside it, log-uniformly with log, whole numbers for integer fields', () => {
    const spec = parseSweepSpec({
      ...tiny,
      adapter: { rank: { min: 1, max: 8, log: true }, layers: ['all', 'last:1'] },
      optimizer: { lr: { min: 1e-3, max: 1e-1, log: true }, sigma: { min: 0.1, max: 0.5 } },
      params: { width: { min: 8, max: 64, int: true } },
      search: { kind: 'random', n: 40, seed: 3 },
    });
    expect(spec.optimizer!.lr).toEqual({ min: 1e-3, max: 1e-1, log: true, int: false });
    expect(spec.adapter!.rank).toEqual({ min: 1, max: 8, log: true, int: true });
    expect(spec.params.width).toEqual({ min: 8, max: 64, log: false, int: true });
    expect(parseSweepSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    const trials = planSweep(spec).trials;
    expect(trials).toHaveLength(40);
    for (const t of trials) {
      const { rank } = t.params.adapter as { rank: number };
      const { lr, sigma } = t.params.optimizer as { lr: number; sigma: number };
      expect(Number.isInteger(rank) && rank >= 1 && rank <= 8).toBe(true);
      expect(lr >= 1e-3 && lr <= 1e-1 && sigma >= 0.1 && sigma <= 0.5).toBe(true);
      expect(Number.isInteger(t.params.width) && (t.params.width as number) >= 8 && (t.params.width as number) <= 64).toBe(true);
    }
    // log-uniform: as many draws below the geometric middle (1e-2) as above it, roughly
    const low = trials.filter((t) => (t.params.optimizer as { lr: number }).lr < 1e-2).length;
    expect(low).toBeGreaterThan(10);
    expect(low).toBeLessThan(30);
  });

  it('refuses a bad range naming the bound, and a range where nothing samples', () => {
    expect(issues({ ...tiny, optimizer: { lr: { min: 0, max: 1, log: true } }, search: { kind: 'random', n: 2 } })[0]).toMatchObject({ path: 'optimizer.lr.min', message: 'must be a positive number (got 0)' });
    expect(issues({ ...tiny, optimizer: { sigma: { min: 0.5, max: 0.1 } }, search: { kind: 'random', n: 2 } })[0]).toMatchObject({ path: 'optimizer.sigma.min', message: expect.stringMatching(/must be less than max/) });
    expect(issues({ ...tiny, adapter: { rank: { min: 1.5, max: 4 } }, search: { kind: 'random', n: 2 } })[0]).toMatchObject({ path: 'adapter.rank.min' });
    expect(issues({ ...tiny, adapter: { u: { min: 1 } }, search: { kind: 'random', n: 2 } })[0]).toMatchObject({ path: 'adapter.u.max', message: expect.stringMatching(/^required/) });
    expect(issues({ ...tiny, optimizer: { lr: { min: 0.01, max: 0.1, scale: 'log' } }, search: { kind: 'random', n: 2 } })[0]).toMatchObject({ path: 'optimizer.lr.scale' });
    expect(issues({ ...tiny, optimizer: { lr: { min: 0.01, max: 0.1 } } })[0]).toMatchObject({ path: 'optimizer.lr', message: expect.stringMatching(/^a range needs a search that samples/) });
    expect(issues({ ...tiny, prune: { threshold: { min: 0, max: 0.5 } }, search: { kind: 'pareto', n: 2 }, budget: { maxTrials: 9 } })[0]).toMatchObject({ path: 'prune.threshold', message: expect.stringMatching(/list them instead of a range/) });
    expect(() => parseSweepSpec({ ...tiny, optimizer: { iterations: { min: 9, max: 27 } }, search: { kind: 'random', n: 2, seed: 1 } })).not.toThrow();
    expect(issues({ ...tiny, optimizer: { iterations: { min: 9, max: 27 } }, search: { kind: 'asha', n: 2, minIterations: 3 } })[0]).toMatchObject({ path: 'optimizer.iterations', message: expect.stringMatching(/ASHA decides how long/) });
  });
});

describe('search.kind: tpe', () => {
  it('plans its random start, budgets all n × seeds, and takes ASHA settings (BOHB)', () => {
    const spec = parseSweepSpec({ ...tiny, optimizer: { lr: { min: 1e-3, max: 1e-1, log: true }, iterations: 27 }, seeds: [1, 2], search: { kind: 'tpe', n: 30, seed: 5, asha: { minIterations: 3 } } });
    expect(spec.search).toEqual({ kind: 'tpe', n: 30, startup: 10, seed: 5, parallel: 10, asha: { minIterations: 3, maxIterations: 27, eta: 3, metric: 'eval_acc', mode: 'max', promotion: 'async' } });
    expect(parseSweepSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    expect(planSweep(spec).trials).toHaveLength(20); // 10 random configurations × 2 seeds
    expect(issues({ ...tiny, seeds: [1, 2], search: { kind: 'tpe', n: 600 }, optimizer: { lr: { min: 0.01, max: 0.1 } } })[0]).toMatchObject({ path: 'budget.maxTrials', message: expect.stringMatching(/1,200 trials/) });
    expect(issues({ ...tiny, search: { kind: 'tpe', n: 2, startup: 3 } })[0]).toMatchObject({ path: 'search.startup', message: expect.stringMatching(/at most search.n/) });
    expect(issues({ ...tiny, search: { kind: 'tpe', n: 3, asha: { minIterations: 300 } } })[0]).toMatchObject({ path: 'search.asha.minIterations' });
  });
});
