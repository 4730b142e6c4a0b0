#!/usr/bin/env node
/**
 * `npm run bench:board` — how fast the results board opens a 100,000-trial sweep in a real browser.
 *
 *   node scripts/setup.mjs && node bench/board/run.mjs
 *
 * What runs: one LocalStack (embedded Postgres, fsync off; redis-server) and the API (which serves
 * the board); a sweep of BENCH_TRIALS trials seeded straight into Postgres with one
 * INSERT … SELECT … FROM generate_series (bench/board/seed-sweep.mjs: 10,000 configs × 10 seeds,
 * 8 curve points each); Debian's Chromium through playwright-core (installed with apt-get when
 * missing), 1280×800.
 *
 * What is timed (bench/board/measure.mjs), in the page's own clock:
 *   sweep_page_ms   median of BENCH_OPENS fresh loads of /board/sweeps/:id, each until the summary,
 *                   the table's first page and all six plots (Pareto ×2, heatmap, curves, pruning
 *                   curve, replicates) have their data drawn. Before them the browser opens a small
 *                   warm-up sweep once, so the API process and the browser are warm but nothing of
 *                   the big sweep is cached: the first load builds its config table and first
 *                   passes (first_open_ms, also printed on its own).
 *   table_page_ms   median time from clicking "Next" until the next 50 rows are shown (paged and
 *                   sorted on the server), over BENCH_PAGES clicks; sort_ms: re-sorting all trials
 *                   by the metric.
 *
 * Environment: BENCH_TRIALS (100000), BENCH_OPENS (5), BENCH_PAGES (5), BENCH_KEEP=1 (keep the data).
 * The last line is JSON: {"trials", "sweep_page_ms", "table_page_ms", "first_open_ms", "sort_ms", "dom_nodes", "budget_ms", "within_budget"}.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { LocalStack, ProcessGroup, startApi } from '@tinysweep/stack';
import { buildBoard } from '../../apps/board/build.mjs';
import { ensureChromium } from '../../test/board/support/chromium.mjs';
import { measureSweepPage } from './measure.mjs';
import { seedSweep } from './seed-sweep.mjs';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 100_000);
const OPENS = Number(process.env.BENCH_OPENS ?? 5);
const PAGES = Number(process.env.BENCH_PAGES ?? 5);
const BUDGET_MS = 1500;
const log = (m) => process.stdout.write(`bench: ${m}\n`);

ensureChromium(log);
await buildBoard({ log });
const dir = mkdtempSync(join(tmpdir(), 'tinysweep-bench-board-'));
chmodSync(dir, 0o755); // Postgres runs as the postgres user when we are root
const group = new ProcessGroup({ logDir: join(dir, 'logs'), graceMs: 3000 });
const stack = new LocalStack();
let exitCode = 0;
try {
  const urls = await stack.start({ dataDir: dir, durable: false, databaseUrl: '', redisUrl: '' });
  await startApi(group, { urls }); // migrates the database, then serves the API and the board
  const db = new pg.Client({ connectionString: urls.databaseUrl });
  await db.connect();
  log(`seeding ${TRIALS.toLocaleString('en-US')} trials with one INSERT … SELECT generate_series …`);
  const seeded = await seedSweep(db, { trials: TRIALS });
  log(`seeded in ${seeded.seconds.toFixed(1)} s (sweep ${seeded.sweepId})`);
  const warmup = await seedSweep(db, { trials: 500, seeds: 5, name: 'warm-up' });
  await db.end();

  const r = await measureSweepPage({ apiUrl: urls.apiUrl, sweepId: seeded.sweepId, warmupSweepId: warmup.sweepId, opens: OPENS, pages: PAGES, log });
  if (r.errors.length > 0) log(`browser errors:\n  ${r.errors.join('\n  ')}`);
  log(`opens: ${r.opens.join(', ')} ms (median ${r.sweep_page_ms}, first ${r.first_open_ms}); table pages: median ${r.table_page_ms} ms; sort by metric ${r.sort_ms} ms`);
  log(`page: ${r.dom_nodes} DOM elements, ${r.canvases} canvases for ${TRIALS.toLocaleString('en-US')} trials`);
  const within = r.sweep_page_ms <= BUDGET_MS;
  log(within ? `sweep page within the ${BUDGET_MS} ms budget` : `sweep page OVER the ${BUDGET_MS} ms budget`);
  console.log(
    JSON.stringify({
      trials: TRIALS,
      sweep_page_ms: r.sweep_page_ms,
      table_page_ms: r.table_page_ms,
      first_open_ms: r.first_open_ms,
      sort_ms: r.sort_ms,
      dom_nodes: r.dom_nodes,
      budget_ms: BUDGET_MS,
      within_budget: within,
    }),
  );
} catch (err) {
  console.error(`bench: failed: ${err?.stack ?? err}`);
  exitCode = 1;
} finally {
  await group.stopAll().catch(() => undefined);
  await stack.stop().catch(() => undefined);
  if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  else log(`data kept in ${dir}`);
}
process.exit(exitCode);
