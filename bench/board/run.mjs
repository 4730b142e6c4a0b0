#!/usr/bin/env node
/**
 * `npm run bench:board` — how fast the results board opens a 100,000-trial sweep in a real browser.
 *
 *   node scripts/setup.mjs && node bench/board/run.mjs
 *
 * What runs: one LocalStack (embedded Postgres, fsync off; redis-server) and the API (which serves
 * the board); a sweep of BENCH_TRIALS trials seeded straight into Postgres with one
 * INSERT … SELECT … FROM generate_series (bench/board/seed-sweep.mjs: 10,000 configs × 10 seeds,
 * 8 curve points each), BENCH_FRESH times; Debian's Chromium through playwright-core (installed
 * with apt-get when missing), 1280×800.
 *
 * What is timed (bench/board/measure.mjs), in the page's own clock, each load until the summary,
 * the table's first page and all six plots (Pareto ×2, heatmap, curves, pruning curve,
 * replicates) have their data drawn. Before them the browser opens a small warm-up sweep once, so
 * the API process and the browser are warm:
 *   first load      BENCH_FRESH fresh sweeps of BENCH_TRIALS trials, each opened once: nothing of
 *                   it cached in the API (its config table, passes and answers are built by this
 *                   load); the median is first_load_ms. Each first load's API requests are timed
 *                   (asked for, sent, first byte, done) and their medians printed, slowest last.
 *   repeat load     the last fresh sweep opened BENCH_OPENS more times; the median is repeat_load_ms.
 *   sweep_page_ms   the worse of the two medians: what the 1.5 s budget is checked against.
 *   table_page_ms   median time from clicking "Next" until the next 50 rows are shown (paged and
 *                   sorted on the server), over BENCH_PAGES clicks; sort_ms: re-sorting all trials
 *                   by the metric.
 *
 * Environment: BENCH_TRIALS (100000), BENCH_FRESH (3), BENCH_OPENS (5), BENCH_PAGES (5),
 * BENCH_KEEP=1 (keep the data), BENCH_SETTLED=1 (VACUUM the seeded rows first, as autovacuum would
 * soon after they were written: the first reader of freshly inserted rows otherwise also pays for
 * setting their hint bits, which no sweep written by dispatchers over hours leaves to its viewer).
 * The last line is JSON: {"trials", "sweep_page_ms", "table_page_ms", "first_load_ms", "repeat_load_ms",
 * "first_loads", "repeat_loads", "sort_ms", "dom_nodes", "settled", "budget_ms", "within_budget"}.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { LocalStack, ProcessGroup, startApi } from '@tinysweep/stack';
import { buildBoard } from '../../apps/board/build.mjs';
import { ensureChromium } from '../../test/board/support/chromium.mjs';
import { measureSweepPage, requestMedians } from './measure.mjs';
import { seedSweep } from './seed-sweep.mjs';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 100_000);
const FRESH = Math.max(1, Number(process.env.BENCH_FRESH ?? 3));
/** VACUUM each seeded sweep's rows, as autovacuum would soon after they were written (see seed-sweep.mjs). */
const SETTLED = process.env.BENCH_SETTLED === '1';
const OPENS = Number(process.env.BENCH_OPENS ?? 5);
const PAGES = Number(process.env.BENCH_PAGES ?? 5);
const BUDGET_MS = 1500;
const log = (m) => process.stdout.write(`bench: ${m}\n`);

ensureChromium();
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
  const fresh = [];
  for (let i = 0; i < FRESH; i++) {
    log(`seeding ${TRIALS.toLocaleString('en-US')} trials with one INSERT … SELECT generate_series … (sweep ${i + 1} of ${FRESH})`);
    const seeded = await seedSweep(db, { trials: TRIALS, name: `seeded-${TRIALS}-${i + 1}`, settled: SETTLED });
    log(`seeded in ${seeded.seconds.toFixed(1)} s (sweep ${seeded.sweepId}${SETTLED ? ', vacuumed' : ''})`);
    fresh.push(seeded.sweepId);
  }
  const warmup = await seedSweep(db, { trials: 500, seeds: 5, name: 'warm-up' });
  await db.end();

  const r = await measureSweepPage({ apiUrl: urls.apiUrl, token: urls.secrets.apiToken, sweepId: fresh.at(-1), freshSweepIds: fresh, warmupSweepId: warmup.sweepId, opens: OPENS, pages: PAGES, log });
  if (r.errors.length > 0) log(`browser errors:\n  ${r.errors.join('\n  ')}`);
  const firstMs = r.first_open_ms;
  const repeatMs = r.sweep_page_ms;
  const col = (a, b) => `${String(a).padEnd(34)}${b}`;
  log(col('', 'first load (nothing cached)') + ' | repeat load');
  log(`${col(`loads (ms)`, r.first_opens.join(', ')).padEnd(62)} | ${r.repeat_opens.join(', ')}`);
  log(`${col(`median (ms)`, firstMs).padEnd(62)} | ${repeatMs}`);
  log(`first-load API requests (median ms since navigation start over ${r.first_opens.length} loads; server = first byte − sent):`);
  for (const q of requestMedians(r.first_requests)) {
    log(`  ${q.path.padEnd(58)} asked ${String(q.at).padStart(5)}  sent ${String(q.sent).padStart(5)}  server ${String(q.ttfb - q.sent).padStart(5)}  done ${String(q.end).padStart(5)}`);
  }
  log(`table pages: median ${r.table_page_ms} ms; sort by metric ${r.sort_ms} ms`);
  log(`page: ${r.dom_nodes} DOM elements, ${r.canvases} canvases for ${TRIALS.toLocaleString('en-US')} trials`);
  const sweepPageMs = Math.max(firstMs, repeatMs);
  const within = sweepPageMs <= BUDGET_MS;
  log(within ? `sweep page within the ${BUDGET_MS} ms budget (first and repeat loads)` : `sweep page OVER the ${BUDGET_MS} ms budget (${firstMs > BUDGET_MS ? 'first' : 'repeat'} load)`);
  console.log(
    JSON.stringify({
      trials: TRIALS,
      sweep_page_ms: sweepPageMs,
      table_page_ms: r.table_page_ms,
      first_load_ms: firstMs,
      repeat_load_ms: repeatMs,
      first_loads: r.first_opens,
      repeat_loads: r.repeat_opens,
      sort_ms: r.sort_ms,
      dom_nodes: r.dom_nodes,
      settled: SETTLED,
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
