/**
 * The board at scale: a 100,000-trial sweep seeded straight into Postgres (one INSERT … SELECT
 * generate_series), opened in Chromium. Plots are aggregated on the server and drawn on canvas,
 * so the page stays small. How fast it opens is measured by `npm run bench:board` (a timing on a
 * shared, noisy machine is a benchmark's figure, not a test's verdict); this test logs its times.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureSweepPage } from '../../bench/board/measure.mjs';
import { seedSweep } from '../../bench/board/seed-sweep.mjs';
import { Cluster } from '../e2e/cluster.js';
import { ensureBoardBuilt } from './board-cluster.js';
import { ensureChromium } from './support/chromium.mjs';

const TRIALS = Number(process.env.BOARD_SCALE_TRIALS ?? 100_000);

describe(`the board with a ${TRIALS.toLocaleString('en-US')}-trial sweep`, () => {
  let c: Cluster;
  let sweepId: string;

  beforeAll(async () => {
    ensureChromium();
    await ensureBoardBuilt();
    c = await Cluster.start({ trainers: 0, dispatchers: 0 });
    const db = new pg.Client({ connectionString: c.urls.databaseUrl });
    await db.connect();
    ({ sweepId } = await seedSweep(db, { trials: TRIALS }));
    await db.end();
  }, 600_000);

  afterAll(async () => {
    await c?.stop();
  });

  it('serves aggregates, not trials: every plot is a few hundred numbers', async () => {
    const sizes: Record<string, number> = {};
    for (const path of ['pareto', 'aggregate', 'series', 'configs?limit=15&values=true', 'curves', 'facets']) {
      const res = await c.request('GET', `/sweeps/${sweepId}/${path}`);
      expect(res.status, path).toBe(200);
      sizes[path] = JSON.stringify(res.body).length;
    }
    for (const [path, bytes] of Object.entries(sizes)) expect(bytes, `${path}: ${bytes} bytes`).toBeLessThan(200_000);
    const pareto = (await c.get(`/sweeps/${sweepId}/pareto`)) as { trainable: { binned: boolean; total: number } };
    expect(pareto.trainable.binned).toBe(true);
    expect(pareto.trainable.total).toBeGreaterThan(TRIALS * 0.95);
    const page = (await c.get(`/sweeps/${sweepId}/trials?limit=50&sort=metrics.accuracy&order=desc`)) as { total: number; items: unknown[] };
    expect(page).toMatchObject({ total: TRIALS });
    expect(page.items).toHaveLength(50);
  }, 120_000);

  it('opens in the browser with all plots drawn on canvas, pages the table on the server, and stays small', async () => {
    const r = await measureSweepPage({ apiUrl: c.urls.apiUrl, token: c.tokens.admin, sweepId, opens: 4, pages: 3, log: (m: string) => console.log(`scale: ${m}`) });
    expect(r.errors).toEqual([]);
    expect(r.canvases).toBeGreaterThanOrEqual(6);
    expect(r.dom_nodes).toBeLessThan(3000);
    console.log(`scale: first open ${r.first_open_ms} ms, sweep page ${r.sweep_page_ms} ms, table page ${r.table_page_ms} ms (figures, not verdicts: see bench:board)`);
  }, 300_000);
});
