import { describe, expect, it } from 'vitest';
import { AshaPruner } from './asha-pruner.js';
import { promotions } from './asha-promotions.js';

describe('ASHA with pausing: promotions', () => {
  /** Rungs 1 and 3 (η 3, 9 iterations). */
  const pruner = (values: Array<[string, number, number]>) => {
    const asha = new AshaPruner({ minIterations: 1, maxIterations: 9, eta: 3 });
    for (const [id, rung, v] of values) asha.record(id, rung, v);
    return asha;
  };

  it('promotes the top ⌊n/η⌋ at a rung — none of the first η − 1 arrivals while others may come', () => {
    const two = pruner([['a', 1, 0.9], ['b', 1, 0.5]]);
    expect(two.topAt(1)).toEqual(new Set());
    expect(promotions(two, { paused: [{ id: 'a', rung: 1 }, { id: 'b', rung: 1 }], open: [{ id: 'c', reached: 0 }] })).toEqual({ promote: [], stop: [] });
    // a third arrives (worse): the best of three goes on, the others keep waiting
    const three = pruner([['a', 1, 0.9], ['b', 1, 0.5], ['c', 1, 0.1]]);
    expect(promotions(three, { paused: [{ id: 'a', rung: 1 }, { id: 'b', rung: 1 }, { id: 'c', rung: 1 }], open: [{ id: 'd', reached: 0 }] })).toEqual({ promote: ['a'], stop: [] });
  });

  it('a complete rung promotes its best max(1, ⌊n/η⌋) and stops the rest, with the cutoff they missed', () => {
    const asha = pruner([['a', 1, 0.9], ['b', 1, 0.5], ['c', 1, 0.1], ['d', 1, 0.7], ['e', 1, 0.3], ['f', 1, 0.2], ['g', 1, 0.8]]);
    // a went on earlier (open, reached 1); nothing else can arrive at rung 1: ⌊7/3⌋ = 2 → a and g
    const r = promotions(asha, { paused: ['b', 'c', 'd', 'e', 'f', 'g'].map((id) => ({ id, rung: 1 })), open: [{ id: 'a', reached: 1 }] });
    expect(r.promote).toEqual(['g']);
    expect(r.stop.map((s) => s.id).sort()).toEqual(['b', 'c', 'd', 'e', 'f']);
    expect(r.stop[0]!.cutoff).toBe(0.8);
    // two trials only: the better one still finishes
    expect(promotions(pruner([['x', 1, 0.2], ['y', 1, 0.6]]), { paused: [{ id: 'x', rung: 1 }, { id: 'y', rung: 1 }], open: [] })).toEqual({ promote: ['y'], stop: [{ id: 'x', rung: 1, cutoff: 0.6 }] });
  });

  it('a rung is not complete while a trial below it may still be promoted to it', () => {
    const asha = pruner([['a', 1, 0.9], ['b', 1, 0.5], ['c', 1, 0.6], ['a', 3, 0.4]]);
    // a went on from rung 1 (the best of three) and waits alone at rung 3; b and c wait at rung 1. With
    // nothing open, rung 1 is complete: its top ⌊3/3⌋ = 1 is a, so b and c stop; rung 3, complete too,
    // promotes its best: a finishes
    const r = promotions(asha, { paused: [{ id: 'a', rung: 3 }, { id: 'b', rung: 1 }, { id: 'c', rung: 1 }], open: [] });
    expect(r.stop.map((s) => s.id).sort()).toEqual(['b', 'c']);
    expect(r.promote).toEqual(['a']);
    // with d still training towards rung 1, neither rung is complete: everyone waits
    expect(promotions(asha, { paused: [{ id: 'a', rung: 3 }, { id: 'b', rung: 1 }, { id: 'c', rung: 1 }], open: [{ id: 'd', reached: 0 }] })).toEqual({ promote: [], stop: [] });
  });

  it('never promotes NaN, and minimizes in min mode', () => {
    const asha = new AshaPruner({ minIterations: 1, maxIterations: 9, eta: 2, mode: 'min' });
    for (const [id, v] of [['a', Number.NaN], ['b', 0.3], ['c', 0.1], ['d', 0.2]] as const) asha.record(id, 1, v);
    expect(asha.topAt(1)).toEqual(new Set(['c', 'd']));
    expect(new AshaPruner({ minIterations: 1, maxIterations: 9 }).topAt(1, true)).toEqual(new Set());
    const nan = new AshaPruner({ minIterations: 1, maxIterations: 9 });
    nan.record('z', 1, Number.NaN);
    expect(promotions(nan, { paused: [{ id: 'z', rung: 1 }], open: [] })).toEqual({ promote: [], stop: [{ id: 'z', rung: 1, cutoff: undefined }] });
  });
});
