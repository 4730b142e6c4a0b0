/**
 * Board snapshots (apps/api board-snapshots.ts): a finished sweep's first board answers are built in
 * the background and kept in Postgres, so its first visitor — after an API restart too — reads one
 * row instead of passes over every trial; a snapshot is never served once the sweep changed.
 * Real API, Postgres and Redis; sweeps seeded straight into Postgres (bench/board/seed-sweep.mjs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSweep } from '../../bench/board/seed-sweep.mjs';
import { Cluster } from '../e2e/cluster.js';

/** The answers the sweep page first asks for, as InsightsService keys them (kind and arguments). */
const KEYS = ['configs:[null,15,0,true]', 'facets:[]', 'grid:[null,null,null]', 'importance:[null]', 'leaders:[]', 'pareto:[null]', 'series:[null,null,8]'];

describe('board snapshots', () => {
  let c: Cluster;
  let big: string;
  let small: string;
  let running: string;
  let old: string;

  const snapshot = async (id: string) => (await c.query<{ version: string; answers: Record<string, unknown>; build_ms: number }>('SELECT version, answers, build_ms FROM board_snapshot WHERE sweep_id = $1', id))[0];
  /** The sweep row's version (libs/db sweep-version.ts): updated_at in epoch ms and xmin. */
  const versionOf = async (id: string) =>
    (await c.query<{ v: string }>(`SELECT (extract(epoch FROM updated_at) * 1000)::bigint::text || '.' || xmin::text AS v FROM sweep WHERE id = $1`, id))[0]!.v;

  beforeAll(async () => {
    c = await Cluster.start({ trainers: 0, dispatchers: 0, env: { TINYSWEEP_BOARD_SNAPSHOT_MS: '200', TINYSWEEP_BOARD_SNAPSHOT_MIN_TRIALS: '1000' } });
    // The builder skips sweeps that are still running: this one is marked running as soon as it exists.
    ({ sweepId: running } = await seedSweep(c.db, { trials: 1200, seeds: 2, steps: 0, name: 'running' }));
    await c.db.query(`UPDATE sweep SET status = 'running' WHERE id = $1`, [running]);
    ({ sweepId: small } = await seedSweep(c.db, { trials: 400, seeds: 2, steps: 0, name: 'small' }));
    // Finished long ago: the builder does not look for it (an upgrade would otherwise build them all).
    ({ sweepId: old } = await seedSweep(c.db, { trials: 1200, seeds: 2, steps: 0, name: 'old' }));
    await c.db.query(`UPDATE sweep SET updated_at = now() - interval '40 days' WHERE id = $1`, [old]);
    ({ sweepId: big } = await seedSweep(c.db, { trials: 2000, seeds: 2, steps: 2, name: 'big' }));
  }, 180_000);

  afterAll(async () => {
    await c?.stop();
  });

  it('builds a finished sweep’s first answers in the background, as the endpoints compute them', async () => {
    const version = await versionOf(big);
    await c.waitFor(async () => (await snapshot(big))?.version === version, 60_000, 'the big sweep’s snapshot');
    const s = (await snapshot(big))!;
    expect(Object.keys(s.answers).sort()).toEqual(KEYS);
    expect(s.build_ms).toBeGreaterThan(0);
    // What the page is served is the snapshot …
    const board = await c.get<Record<string, unknown>>(`/sweeps/${big}/board`);
    expect(board).toEqual({ facets: s.answers['facets:[]'], aggregate: s.answers['grid:[null,null,null]'], series: s.answers['series:[null,null,8]'], configs: s.answers['configs:[null,15,0,true]'] });
    // … and equal to what the same endpoints compute anew (the metric named: other keys, not in it).
    expect(await c.get(`/sweeps/${big}/pareto?metric=accuracy`)).toEqual(s.answers['pareto:[null]']);
    expect(await c.get(`/sweeps/${big}/importance?metric=accuracy`)).toEqual(s.answers['importance:[null]']);
    const importance = s.answers['importance:[null]'] as { configs: number; importance: unknown[] };
    expect(importance.configs, JSON.stringify(importance)).toBeGreaterThan(900);
    expect(importance.importance.length).toBeGreaterThan(3);
    // The best trials its summary and default learning curves show, best first.
    const leaders = s.answers['leaders:[]'] as { trialId: string; value: number }[];
    expect(leaders).toHaveLength(50);
    expect((await c.get<{ best: { trialId: string; value: number } }>(`/sweeps/${big}`)).best).toMatchObject({ trialId: leaders[0]!.trialId, value: leaders[0]!.value });
    expect((await c.get<{ trials: { trialId: string }[] }>(`/sweeps/${big}/curves?top=5`)).trials.map((t) => t.trialId).sort()).toEqual(leaders.slice(0, 5).map((l) => l.trialId).sort());
    // Too small to need one (its passes are quick): none.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await snapshot(small)).toBeUndefined();
    // Running, and finished 40 days ago: none of their versions (the builder may catch either in the
    // moment between its seeding and its marking).
    expect((await snapshot(running))?.version).not.toBe(await versionOf(running));
    expect((await snapshot(old))?.version).not.toBe(await versionOf(old));
  }, 120_000);

  it('serves the stored row to the first visitor after a restart, and never once the sweep changed', async () => {
    const s = (await snapshot(big))!;
    // Marked, so that an answer read from the row can be told from one computed.
    await c.db.query(
      `UPDATE board_snapshot SET answers = jsonb_set(jsonb_set(answers, '{pareto:[null],marker}', '"from the row"'), '{leaders:[],0,value}', '0.4242') WHERE sweep_id = $1`,
      [big],
    );
    await c.restartApi();
    expect(await c.get(`/sweeps/${big}/pareto`)).toMatchObject({ marker: 'from the row' });
    // The sweep's summary takes its best trial from the row too (no pass over its results).
    expect((await c.get<{ best: { value: number } }>(`/sweeps/${big}`)).best.value).toBe(0.4242);

    // A result arrives (a failed trial retried and succeeded): the sweep's version moves, the stale
    // row is passed over and rebuilt.
    const [retried] = await c.query<{ id: string }>(`SELECT id FROM trial WHERE sweep_id = $1 AND status = 'failed' ORDER BY ordinal LIMIT 1`, big);
    await c.db.query(
      `UPDATE trial SET status = 'succeeded', error = NULL, metrics = '{"accuracy": 0.9999, "loss": 0.0001}', trainable_params = 56, effective_params = 56 WHERE id = $1`,
      [retried!.id],
    );
    const now = await versionOf(big);
    expect(now).not.toBe(s.version);
    const pareto = await c.get<{ marker?: string; trainable: { front: { y: number }[] } }>(`/sweeps/${big}/pareto`);
    expect(pareto.marker).toBeUndefined();
    expect((await c.get<{ best: { value: number } }>(`/sweeps/${big}`)).best.value).toBe(0.9999);
    expect(Math.max(...pareto.trainable.front.map((f) => f.y))).toBe(0.9999);
    await c.waitFor(async () => (await snapshot(big))?.version === now, 60_000, 'the snapshot rebuilt at the sweep’s new version');
    const rebuilt = (await snapshot(big))!;
    expect(rebuilt.answers['pareto:[null]']).toEqual(await c.get(`/sweeps/${big}/pareto?metric=accuracy`));
  }, 120_000);

  it('keeps the snapshot of an old sweep once someone opened it', async () => {
    expect((await snapshot(old))?.version).not.toBe(await versionOf(old));
    const board = await c.get<Record<string, unknown>>(`/sweeps/${old}/board`);
    const version = await versionOf(old);
    await c.waitFor(async () => (await snapshot(old))?.version === version, 60_000, 'the opened old sweep’s snapshot');
    const s = (await snapshot(old))!;
    expect(Object.keys(s.answers).sort()).toEqual(KEYS);
    expect(s.answers['facets:[]']).toEqual(board.facets);
  }, 120_000);
});
