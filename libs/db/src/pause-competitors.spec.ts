import { describe, expect, it } from 'vitest';
import { collapseTrainings, type OpenTrialRow } from './pause-competitors.js';

const trial = (id: string, ordinal: number, status: OpenTrialRow['status'] = 'queued', training: [string, OpenTrialRow['trainingStatus']] | null = null): OpenTrialRow => ({
  id,
  ordinal,
  status,
  trainingId: training?.[0] ?? null,
  trainingStatus: training?.[1] ?? null,
});

describe('collapseTrainings', () => {
  it('makes a shared training one competitor, represented by its first trial by ordinal, with the training state', () => {
    const { competitors } = collapseTrainings(
      [trial('b2', 3, 'queued', ['B', 'running']), trial('a1', 0, 'running'), trial('b1', 2, 'queued', ['B', 'running']), trial('c1', 4, 'paused', ['C', 'paused']), trial('c2', 5, 'paused', ['C', 'paused'])],
      [],
      new Map([['b1', 'B'], ['b2', 'B'], ['c1', 'C'], ['c2', 'C']]),
    );
    expect(competitors.map((c) => [c.id, c.status, c.trainingId])).toEqual([
      ['a1', 'running', null],
      ['b1', 'running', 'B'],
      ['c1', 'paused', 'C'],
    ]);
  });

  it("counts one value per training per rung, under its representative, whichever of its trials it was recorded for", () => {
    const { competitors, values } = collapseTrainings(
      [trial('b2', 3, 'paused', ['B', 'paused']), trial('a1', 0, 'running')],
      [
        { rung: 1, trialId: 'b1', value: 0.5 }, // b1 represented B at rung 1, and has ended since (cancelled by hand)
        { rung: 1, trialId: 'a1', value: 0.2 },
        { rung: 3, trialId: 'b2', value: 0.7 },
        { rung: 3, trialId: 'b1', value: 0.1 }, // a second value of B at rung 3: not counted
      ],
      new Map([['b1', 'B'], ['b2', 'B']]),
    );
    expect(values).toEqual([
      { rung: 1, trialId: 'b2', value: 0.5 },
      { rung: 1, trialId: 'a1', value: 0.2 },
      { rung: 3, trialId: 'b2', value: 0.7 },
    ]);
    const b = competitors.find((c) => c.id === 'b2')!;
    expect([...b.rungs]).toEqual([
      [1, 0.5],
      [3, 0.7],
    ]);
  });

  it("leaves out a training's other trials, and the trials of a training done competing (they only prune and evaluate), keeping its values", () => {
    const { competitors, values } = collapseTrainings(
      [trial('d1', 6, 'queued', ['D', 'succeeded']), trial('d2', 7, 'running', ['D', 'succeeded']), trial('e1', 8, 'queued', ['E', 'queued']), trial('e2', 9, 'queued', ['E', 'queued'])],
      [{ rung: 1, trialId: 'd1', value: 0.9 }],
      new Map([['d1', 'D'], ['d2', 'D'], ['e1', 'E'], ['e2', 'E']]),
    );
    // E has not started: one competitor below every rung; D's trials compete no more, its value stays for the cutoffs.
    expect(competitors.map((c) => [c.id, c.status, c.rungs.size])).toEqual([['e1', 'queued', 0]]);
    expect(values).toEqual([{ rung: 1, trialId: 'd1', value: 0.9 }]);
  });
});
