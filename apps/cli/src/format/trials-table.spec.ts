import { describe, expect, it } from 'vitest';
import type { TrainerNode } from '@tinysweep/api-types';
import { trial } from '../testing/trials.js';
import { describeGpus, nodesTableData, renderNodesTable } from './nodes-table.js';
import { metricNames, paramsCell, rankByMetric, renderTrialsTable, statusCell, trialsTableData } from './trials-table.js';

const base = { model: { path: '/models/demo' }, optimizer: { kind: 'es' } };
const trials = [
  trial({ id: 'aaaaaaaa-1', params: { ...base, adapter: { rank: 2, u: 13 } }, seed: 1, metrics: { score: 0.9, loss: 0.1 }, trainableParams: 1300, effectiveParams: 900 }),
  trial({ id: 'bbbbbbbb-2', params: { ...base, adapter: { rank: 1, u: 13 } }, seed: 2, metrics: { score: 0.5 }, trainableParams: 13, effectiveParams: 13 }),
  trial({ id: 'cccccccc-3', status: 'failed', params: { ...base, adapter: { rank: 4, u: 13 } }, seed: 1 }),
];

describe('trialsTableData', () => {
  it('has rank, short id, status, seed, varying params, metrics and parameter counts', () => {
    const data = trialsTableData(trials, { metric: 'score' });
    expect(data.head).toEqual(['#', 'trial', 'status', 'seed', 'params', 'score', 'loss', 'trainable', 'effective']);
    expect(data.rows).toEqual([
      ['1', 'aaaaaaaa', 'succeeded', '1', 'adapter.rank=2', '0.9', '0.1', '1,300', '900'],
      ['2', 'bbbbbbbb', 'succeeded', '2', 'adapter.rank=1', '0.5', '', '13', '13'],
      ['3', 'cccccccc', 'failed', '1', 'adapter.rank=4', '', '', '', ''],
    ]);
  });

  it('shows every param for a single trial', () => {
    const data = trialsTableData(trials.slice(0, 1), { metric: 'score' });
    expect(data.rows[0]![4]).toBe('model.path=/models/demo optimizer.kind=es adapter.rank=2 adapter.u=13');
  });

  it('leaves out a seed parameter that repeats the seed column', () => {
    const seeded = [trial({ seed: 1, params: { lr: 0.1, seed: 1 } }), trial({ seed: 2, params: { lr: 0.2, seed: 2 } })];
    expect(trialsTableData(seeded).rows.map((r) => r[4])).toEqual(['lr=0.1', 'lr=0.2']);
    // …but keeps one that says something else.
    const other = [trial({ seed: 1, params: { seed: 7 } }), trial({ seed: 1, params: { seed: 8 } })];
    expect(trialsTableData(other).rows.map((r) => r[4])).toEqual(['seed=7', 'seed=8']);
  });

  it('drops the params column when nothing varies', () => {
    const same = [trial({ params: base }), trial({ params: base })];
    expect(trialsTableData(same).head).not.toContain('params');
  });

  it('honours explicit param keys, metric columns and rank start', () => {
    const data = trialsTableData(trials.slice(0, 2), { metrics: ['score'], paramKeys: ['adapter.u'], rankStart: 21 });
    expect(data.head).toEqual(['#', 'trial', 'status', 'seed', 'params', 'score', 'trainable', 'effective']);
    expect(data.rows.map((r) => [r[0], r[4]])).toEqual([
      ['21', 'adapter.u=13'],
      ['22', 'adapter.u=13'],
    ]);
  });
});

describe('renderTrialsTable', () => {
  it('draws one bordered line per trial without colour codes', () => {
    const text = renderTrialsTable(trials, { metric: 'score' });
    const lines = text.split('\n');
    expect(lines).toHaveLength(7); // top border, head, head rule, 3 rows, bottom border
    expect(text).not.toContain('\x1b[');
    expect(lines[0]).toMatch(/^┌─/);
    expect(lines[1]).toMatch(/│ # │ trial +│ status +│ seed │ params +│ score │ loss │ trainable │ effective │/);
    expect(lines[3]).toMatch(/│ 1 │ aaaaaaaa │ succeeded │ +1 │ adapter\.rank=2 │ +0\.9 │ +0\.1 │ +1,300 │ +900 │/);
    expect(lines[2]).toMatch(/^├─+┼/);
    expect(lines[6]).toMatch(/^└─/);
  });
});

describe('metricNames', () => {
  it('puts the primary metric first even when no trial has it, the rest sorted', () => {
    expect(metricNames(trials, 'score')).toEqual(['score', 'loss']);
    expect(metricNames(trials, 'reward')).toEqual(['reward', 'loss', 'score']);
    expect(metricNames(trials)).toEqual(['loss', 'score']);
  });
});

describe('paramsCell', () => {
  it('writes key=value pairs for the keys a trial has', () => {
    expect(paramsCell({ a: 1, 'b.c': 'x', d: ['q'] }, ['a', 'd', 'missing'])).toBe('a=1 d=["q"]');
  });
});

describe('rankByMetric', () => {
  const scored = [
    trial({ ordinal: 0, metrics: { score: 0.5 } }),
    trial({ ordinal: 1, metrics: { score: 0.9 } }),
    trial({ ordinal: 2, metrics: { score: 0.5 } }),
    trial({ ordinal: 3, status: 'failed', metrics: { score: 1 } }),
    trial({ ordinal: 4, metrics: { other: 1 } }),
  ];

  it('keeps succeeded trials with the metric, best first, ties by ordinal', () => {
    expect(rankByMetric(scored, 'score', true).map((t) => t.ordinal)).toEqual([1, 0, 2]);
    expect(rankByMetric(scored, 'score', false).map((t) => t.ordinal)).toEqual([0, 2, 1]);
  });
});

describe('nodes table', () => {
  const nodes: TrainerNode[] = [
    { id: 'gpu-1', address: '10.0.0.5:50051', device: 'cuda:0', slots: 4, running: 3, busy: 3, work: [
      { kind: 'training', id: '3fa2c1d0-0000-4000-8000-000000000000', sweepId: 's', sweepName: 'demo', trials: 2, step: 20, startedAt: null },
      { kind: 'evaluation', id: '8ab1c2d3-0000-4000-8000-000000000000', sweepId: 's', sweepName: 'demo', trials: 1, step: null, startedAt: null },
      { kind: 'trial', id: '77aa0000-0000-4000-8000-000000000000', sweepId: 's', sweepName: 'demo', trials: 1, step: 5, startedAt: null },
    ], backends: ['tinylora', 'command'], models: ['demo'], version: '0.1.0', lastHeartbeatAt: Date.parse('2026-01-01T00:00:00Z'), heartbeatAgeMs: 1500, alive: true },
    { id: 'cpu-1', address: '10.0.0.6:50051', device: 'cpu', slots: 2, running: 0, busy: 0, work: [], backends: ['tinylora'], models: [], version: '0.1.0', lastHeartbeatAt: Date.parse('2026-01-01T00:00:00Z'), heartbeatAgeMs: 125_000, alive: false },
  ];

  it('shows slots as busy/total, heartbeat age and liveness', () => {
    expect(nodesTableData(nodes).rows).toEqual([
      ['gpu-1', '10.0.0.5:50051', 'cuda:0', '-', '3/4', 'training 3fa2c1d0 (2 trials, step 20); evaluating 8ab1c2d3; trial 77aa0000 (step 5)', 'tinylora,command', '2s ago', 'yes'],
      ['cpu-1', '10.0.0.6:50051', 'cpu', '-', '0/2', '-', 'tinylora', '2m05s ago', 'no'],
    ]);
    expect(renderNodesTable(nodes)).toMatch(/│ id +│ address +│ device +│ gpus +│ slots │ doing +│ backends +│ heartbeat │ alive │/);
    const gpus = [0, 1, 2].map((index) => ({ index, name: index < 2 ? 'NVIDIA H100 80GB HBM3' : 'NVIDIA A100-SXM4-40GB', memoryMiB: index < 2 ? 81559 : 40960 }));
    expect(describeGpus(gpus)).toBe('2× NVIDIA H100 80GB HBM3 (79.6 GiB), 1× NVIDIA A100-SXM4-40GB (40.0 GiB)');
  });

  it("says why dispatchers refuse a node (a trainer of another protocol)", () => {
    const why = 'trainer cpu-1 (version 0.1.0) speaks trainer protocol 1; this dispatcher speaks protocol 2: upgrade the trainer';
    expect(nodesTableData([{ ...nodes[1]!, error: why }]).rows[0]!.at(-1)).toBe(`no: ${why}`);
  });
});

describe('statusCell', () => {
  it('shows a reused result with its source, and ASHA stops apart from failures and cancellations', () => {
    expect(statusCell(trial({ status: 'succeeded', reusedFromTrialId: '3fa2c1d0-0000-4000-8000-000000000000' }))).toBe('succeeded (reused 3fa2c1d0)');
    expect(statusCell(trial({ status: 'stopped' }))).toBe('stopped early');
    expect(statusCell(trial({ status: 'cancelled' }))).toBe('cancelled');
  });
});
