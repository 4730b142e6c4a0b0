import { describe, expect, it } from 'vitest';
import { AntitheticEs } from './antithetic-es.js';
import { CmaEs } from './cma-es.js';
import { OPTIMIZER_KINDS, createOptimizer, restoreOptimizer } from './create-optimizer.js';
import type { OptimizerKind } from './interfaces/optimizer-state.js';
import { Spsa } from './spsa.js';

describe('createOptimizer', () => {
  it("maps the spec's population, sigma and lr onto each kind", () => {
    const es = createOptimizer({ kind: 'es', dim: 4, population: 8, sigma: 0.1, lr: 0.3 }) as AntitheticEs;
    expect(es).toBeInstanceOf(AntitheticEs);
    expect([es.options.populationSize, es.options.sigma, es.options.lr]).toEqual([8, 0.1, 0.3]);
    const spsa = createOptimizer({ kind: 'spsa', dim: 4, population: 8, sigma: 0.1, lr: 0.3 }) as Spsa;
    expect(spsa).toBeInstanceOf(Spsa);
    expect([spsa.options.directions, spsa.options.epsilon, spsa.ask().length]).toEqual([4, 0.1, 8]);
    const cma = createOptimizer({ kind: 'cmaes', dim: 4, population: 8, sigma: 0.1, lr: 0.3 }) as CmaEs;
    expect(cma).toBeInstanceOf(CmaEs);
    expect([cma.params.populationSize, cma.currentSigma]).toEqual([8, 0.1]);
    expect(OPTIMIZER_KINDS).toEqual(['es', 'spsa', 'cmaes']);
  });

  it('uses the defaults for absent settings', () => {
    expect((createOptimizer({ kind: 'es', dim: 2 }) as AntitheticEs).options.populationSize).toBe(32);
  });

  it('throws on an unknown kind, naming it', () => {
    expect(() => createOptimizer({ kind: 'adam' as OptimizerKind, dim: 2 })).toThrow('unknown optimizer kind "adam" (known: es, spsa, cmaes)');
    expect(() => createOptimizer({ kind: 'toString' as OptimizerKind, dim: 2 })).toThrow(/unknown optimizer kind "toString"/);
  });

  it('restores from a checkpoint', () => {
    const a = createOptimizer({ kind: 'cmaes', dim: 3, seed: 4 });
    a.tell(a.ask().map((v) => -(v[0] ** 2)));
    const b = restoreOptimizer({ kind: 'cmaes', dim: 3, seed: 4 }, JSON.parse(JSON.stringify(a.state())));
    expect(b.ask()).toEqual(a.ask());
  });
});
