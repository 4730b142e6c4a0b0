/* global document, localStorage, window, requestAnimationFrame */
/**
 * Opens a sweep's board page in Chromium and times it, the way a person meets it: a fresh page
 * load until every section (summary, table, six plots) has its data drawn; then the table's next
 * page until its rows are shown. Shared by bench/board/run.mjs and test/board/scale.test.ts.
 *
 * Three kinds of load are timed apart:
 *   first load   a sweep this API process has not served yet (nothing of it in its memory): each of
 *                `freshSweepIds` is opened once, and `sweepId` when it is not among them; a finished
 *                sweep's answers come from its board snapshot when it has one;
 *   cold load    each of `coldSweepIds` opened once: a sweep with no snapshot either, whose answers
 *                are computed by this load (passes over all its trials);
 *   repeat load  `sweepId` opened again (`opens` times) once it has been opened: what the API
 *                keeps (until the sweep changes) is reused.
 * A load ends at the first animation frame at which the page reports ready with no request out and
 * six charts drawn, by the page's own clock (a frame callback in the page checks each frame, so the
 * time does not include the driver's polling and round trips).
 * For each first load the page's own resource timings say when each API request was sent, how
 * long it waited for a connection, how long the server took (to the first byte) and when it was
 * done, so a slow first load can be traced to its endpoint.
 */
import { launchBoardBrowser, waitForBoard, watchErrors } from '../../test/board/support/chromium.mjs';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs in the page before its scripts: records, at the first animation frame where the sweep page is
 * ready, no request is out and six charts are drawn, that frame's time (ms since navigation start).
 */
function watchReady() {
  const check = (t) => {
    const ready = document.querySelector('[data-page="sweep"][data-state="ready"]') && (window.__boardInflight?.() ?? 1) === 0 && document.querySelectorAll('.chart[data-drawn="true"]').length >= 6;
    if (ready) window.__boardReadyAt = t;
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

/** Waits until the sweep page is ready and every chart has drawn; returns ms since navigation start. */
async function openedAfter(page, timeout, watch) {
  try {
    await waitForBoard(page, 'sweep', timeout);
    await page.waitForFunction(() => document.querySelectorAll('.chart[data-drawn="true"]').length >= 6, undefined, { timeout });
    await page.waitForFunction(() => window.__boardReadyAt !== undefined, undefined, { timeout });
  } catch (err) {
    // Say which section never arrived.
    const state = await page
      .evaluate(() => [...document.querySelectorAll('.card')].map((c) => `${c.id}: ${c.querySelector('.chart[data-drawn="true"]') ? 'drawn' : c.querySelector('.chart') ? 'chart not drawn' : c.querySelector('.note-error')?.textContent ?? 'no chart'}`))
      .catch(() => ['(page gone)']);
    throw new Error(`${err.message}\nsections: ${state.join('; ')}\nbrowser errors: ${watch.errors.join('; ') || 'none'}`, { cause: err });
  }
  return page.evaluate(() => window.__boardReadyAt);
}

/**
 * The page's API requests so far: path (the sweep id replaced by `:id`), and in ms since
 * navigation start when it was asked for (`at`), sent (`sent`, later when the browser's six
 * connections per host were busy), answered (`ttfb`: the first byte) and done (`end`).
 */
function apiRequests(page, sweepId) {
  return page.evaluate(
    (id) =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.initiatorType === 'fetch' || e.initiatorType === 'xmlhttprequest')
        .map((e) => {
          const u = new URL(e.name);
          return {
            path: `${u.pathname.replace(id, ':id')}${u.search}`,
            at: Math.round(e.startTime),
            sent: Math.round(e.requestStart || e.startTime),
            ttfb: Math.round(e.responseStart || e.responseEnd),
            end: Math.round(e.responseEnd),
          };
        }),
    sweepId,
  );
}

/**
 * @param {{ apiUrl: string, token?: string, sweepId: string, freshSweepIds?: string[], coldSweepIds?: string[], warmupSweepId?: string, opens?: number, pages?: number, timeoutMs?: number, log?: (m: string) => void }} o
 */
export async function measureSweepPage({ apiUrl, token, sweepId, freshSweepIds = [], coldSweepIds = [], warmupSweepId, opens = 5, pages = 5, timeoutMs = 60_000, log = () => {} }) {
  const browser = await launchBoardBrowser();
  await browser.context.addInitScript(watchReady);
  // the board's token, in its storage before any of its scripts runs
  if (token) await browser.context.addInitScript((t) => { try { localStorage.setItem('tinysweep.token', t); } catch { /* about:blank */ } }, token);
  try {
    const page = await browser.context.newPage();
    const watch = watchErrors(page);
    if (warmupSweepId) {
      // Another sweep first: the API process and the browser are warm, this sweep's caches are not.
      await page.goto(`${apiUrl}/board/sweeps/${warmupSweepId}`, { waitUntil: 'commit' });
      await openedAfter(page, timeoutMs, watch);
    }
    const open = async (id) => {
      await page.goto('about:blank');
      await page.goto(`${apiUrl}/board/sweeps/${id}`, { waitUntil: 'commit' });
      const ms = Math.round(await openedAfter(page, timeoutMs, watch));
      return { ms, requests: await apiRequests(page, id) };
    };

    const firsts = [];
    for (const id of [...freshSweepIds, ...(freshSweepIds.includes(sweepId) ? [] : [sweepId])]) {
      const r = await open(id);
      firsts.push(r);
      log(`first load ${firsts.length} (sweep ${id.slice(0, 8)}): ${r.ms} ms`);
    }
    const colds = [];
    for (const id of coldSweepIds) {
      const r = await open(id);
      colds.push(r);
      log(`cold load ${colds.length} (sweep ${id.slice(0, 8)}): ${r.ms} ms`);
    }
    const repeats = [];
    for (let i = 0; i < opens; i++) {
      const r = await open(sweepId);
      repeats.push(r);
      log(`repeat load ${i + 1} (sweep ${sweepId.slice(0, 8)}): ${r.ms} ms`);
    }
    const domNodes = await page.evaluate(() => document.querySelectorAll('*').length);
    const canvases = await page.evaluate(() => document.querySelectorAll('.chart canvas').length);

    const range = () => page.textContent('#trials-range');
    const pageTimes = [];
    for (let i = 0; i < pages; i++) {
      const before = await range();
      const t0 = performance.now();
      await page.click('#trials button[data-page="next"]');
      await page.waitForFunction((b) => document.querySelector('#trials-range')?.textContent !== b && document.querySelector('#trials')?.getAttribute('data-state') === 'ready', before, { timeout: timeoutMs });
      pageTimes.push(Math.round(performance.now() - t0));
    }
    log(`table pages: ${pageTimes.join(', ')} ms`);

    // Sorting 100,000 trials by a metric, on the server.
    const t0 = performance.now();
    const firstBefore = await page.$eval('#trials tbody tr', (tr) => tr.getAttribute('data-trial'));
    await page.click('#trials button[data-sort^="metrics."]');
    await page.waitForFunction((b) => document.querySelector('#trials tbody tr')?.getAttribute('data-trial') !== b && document.querySelector('#trials')?.getAttribute('data-state') === 'ready', firstBefore, { timeout: timeoutMs });
    const sortMs = Math.round(performance.now() - t0);
    log(`sort by metric: ${sortMs} ms`);

    const firstOpens = firsts.map((f) => f.ms);
    return {
      first_opens: firstOpens,
      /** Median of the first loads. */
      first_open_ms: Math.round(median(firstOpens)),
      repeat_opens: repeats.map((r) => r.ms),
      /** Median of the repeat loads. */
      sweep_page_ms: Math.round(median(repeats.map((r) => r.ms))),
      first_requests: firsts.map((f) => f.requests),
      cold_opens: colds.map((c) => c.ms),
      cold_requests: colds.map((c) => c.requests),
      repeat_requests: repeats.map((r) => r.requests),
      table_pages: pageTimes,
      table_page_ms: Math.round(median(pageTimes)),
      sort_ms: sortMs,
      dom_nodes: domNodes,
      canvases,
      errors: watch.errors,
    };
  } finally {
    await browser.close();
  }
}

/**
 * Per endpoint, the median over first loads of when it was asked for, sent, answered and done
 * (ms since navigation start), slowest done last; for the bench's table.
 * @param {{ path: string, at: number, sent: number, ttfb: number, end: number }[][]} loads
 */
export function requestMedians(loads) {
  const by = new Map();
  for (const load of loads) {
    for (const r of load) {
      const list = by.get(r.path) ?? [];
      list.push(r);
      by.set(r.path, list);
    }
  }
  return [...by]
    .map(([path, rs]) => ({ path, count: rs.length, ...Object.fromEntries(['at', 'sent', 'ttfb', 'end'].map((k) => [k, Math.round(median(rs.map((r) => r[k])))])) }))
    .sort((a, b) => a.end - b.end);
}
