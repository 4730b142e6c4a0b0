/**
 * The board's Pareto front (GET /sweeps/:id/pareto, effective parameters) and GET /sweeps/:id/front
 * on a sweep built to tie: configurations equal in both objectives, equal in one only, several at
 * one parameter count, one at 0 parameters, and every configuration's two seeds alike (a program
 * that ignores its seed). Both run as the API runs them (scatterPass + withFronts; SweepFrontService
 * over SearchRepository) on real Postgres, and must name the same trials' configurations: the
 * first by ordinal of each tied set (libs/search's paretoFront rule).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateRepository, Database, migrate, SearchRepository } from '@tinysweep/db';
import { parseSweepSpec, planSweep, type SweepSpec } from '@tinysweep/spec';
import { withFronts } from '../../apps/api/src/board/scatter-fronts.js';
import { SweepFrontService } from '../../apps/api/src/sweeps/sweep-front.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

/** By the trial's `x`: its effective parameters and score (dyadic, so means of equal seeds are exact). */
const RESULTS: Record<number, [effective: number, score: number]> = {
  1: [8, 0.75],
  2: [8, 0.75], // equal to x=1 in both: x=1 (lower ordinal) stands for it
  3: [4, 0.625],
  4: [16, 0.625], // as good as x=3 with more parameters: dominated
  5: [4, 0.5], // x=3's count, worse: dominated
  6: [0, 0.25], // 0 parameters: on the front, though a log axis cannot draw it
  7: [2, 0.25], // as good as x=6 with more parameters: dominated
  8: [32, 0.875],
  9: [32, 0.875], // equal to x=8
};

describe('the board front and GET /sweeps/:id/front on tied trials', () => {
  let tpg: TestPostgres;
  let db: Database;
  let spec: SweepSpec;
  let sweepId: string;
  let xOf: Map<string, number>; // trial id → x
  let ordinalOf: Map<string, number>;

  beforeAll(async () => {
    tpg = await startTestPostgres();
    const url = await tpg.freshDatabase('fronts');
    await migrate(url);
    spec = parseSweepSpec({
      name: 'tied-fronts',
      backend: { kind: 'command', command: ['node', 'train.mjs'] },
      params: { x: Object.keys(RESULTS).map(Number) },
      seeds: [1, 2],
      objective: { metric: 'score', mode: 'max' },
      budget: { maxTrials: 100 },
    });
    const plan = planSweep(spec);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    sweepId = (
      await client.query<{ id: string }>(
        `INSERT INTO sweep (id, name, spec, spec_source, status, trial_count, metric, maximize, created_at, updated_at, finished_at)
         VALUES (gen_random_uuid(), 'tied-fronts', $1, $2, 'completed', $3, 'score', true, now(), now(), now()) RETURNING id`,
        [JSON.stringify(spec), JSON.stringify(spec), plan.trials.length],
      )
    ).rows[0]!.id;
    xOf = new Map();
    ordinalOf = new Map();
    for (const t of plan.trials) {
      const x = t.params.x as number;
      const [effective, score] = RESULTS[x]!;
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO trial (id, sweep_id, ordinal, config_hash, group_hash, params, seed, status, attempts, result_attempt, metrics, trainable_params, effective_params, finished_at)
         VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 'succeeded', 1, 1, $7, 64, $8, now()) RETURNING id`,
        [sweepId, t.ordinal, t.configHash, t.groupHash, JSON.stringify(t.params), t.seed, JSON.stringify({ score }), effective],
      );
      xOf.set(rows[0]!.id, x);
      ordinalOf.set(rows[0]!.id, t.ordinal);
    }
    await client.end();
    db = new Database(url);
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await tpg?.stop();
  });

  it('lists the same configurations, the first of each tie, at the same values', async () => {
    const agg = new AggregateRepository(db);
    const board = (await withFronts(agg, await agg.scatterPass(sweepId, 'score', { maximize: true }), true)).effective;
    const listed = await new SweepFrontService(new SearchRepository(db)).front(sweepId, spec, 'score', true);

    const drawn = board.front.map((f) => ({ x: xOf.get(f.trialId), values: { score: f.y, effective_params: f.x } }));
    const front = listed.front.map((f) => ({ x: f.params.x as number, values: f.values }));
    expect(drawn.sort((a, b) => a.x! - b.x!)).toEqual(front.sort((a, b) => a.x - b.x));
    expect(front.map((f) => f.x)).toEqual([1, 3, 6, 8]);
    // The trial that stands for a tie is the earliest: the board's is its configuration's first trial.
    for (const f of board.front) {
      const sameConfig = [...xOf].filter(([, x]) => x === xOf.get(f.trialId)).map(([id]) => ordinalOf.get(id)!);
      expect(ordinalOf.get(f.trialId)).toBe(Math.min(...sameConfig));
    }
    // One adapter method: no per-method fronts.
    expect(board.methods).toEqual([]);
  });
});
