/* global document */
/**
 * Opens a sweep's board page in Chromium and times it, the way a person meets it: a fresh page
 * load until every section (summary, table, six plots) has its data drawn; then the table's next
 * page until its rows are shown. Shared by bench/board/run.mjs and test/board/scale.test.ts.
 */
import { launchBoardBrowser, waitForBoard, watchErrors } from '../../test/board/support/chromium.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Waits until the sweep page is ready and every chart has drawn; returns ms since navigation start. */
async function openedAfter(page, timeout, watch) {
  try {
    await waitForBoard(page, 'sweep', timeout);
    await page.waitForFunction(() => document.querySelectorAll('.chart[data-drawn="true"]').length >= 6, undefined, { timeout });
  } catch (err) {
    // Say which section never arrived.
    const state = await page
      .evaluate(() => [...document.querySelectorAll('.card')].map((c) => `${c.id}: ${c.querySelector('.chart[data-drawn="true"]') ? 'drawn' : c.querySelector('.chart') ? 'chart not drawn' : c.querySelector('.note-error')?.textContent ?? 'no chart'}`))
      .catch(() => ['(page gone)']);
    throw new Error(`${err.message}\nsections: ${state.join('; ')}\nbrowser errors: ${watch.errors.join('; ') || 'none'}`, { cause: err });
  }
  return page.evaluate(() => performance.now());
}

/**
 * @param {{ apiUrl: string, sweepId: string, warmupSweepId?: string, opens?: number, pages?: number, timeoutMs?: number, log?: (m: string) => void }} o
 * @returns {Promise<{ opens: number[], first_open_ms: number, sweep_page_ms: number, table_pages: number[], table_page_ms: number, sort_ms: number, dom_nodes: number, canvases: number, errors: string[] }>}
 */
export async function measureSweepPage({ apiUrl, sweepId, warmupSweepId, opens = 5, pages = 5, timeoutMs = 60_000, log = () => {} }) {
  const browser = await launchBoardBrowser();
  try {
    const page = await browser.context.newPage();
    const watch = watchErrors(page);
    if (warmupSweepId) {
      // Another sweep first: the API process and the browser are warm, this sweep's caches are not.
      await page.goto(`${apiUrl}/board/sweeps/${warmupSweepId}`, { waitUntil: 'commit' });
      await openedAfter(page, timeoutMs, watch);
    }
    const url = `${apiUrl}/board/sweeps/${sweepId}`;
    const openTimes = [];
    for (let i = 0; i < opens; i++) {
      await page.goto('about:blank');
      await page.goto(url, { waitUntil: 'commit' });
      const ms = await openedAfter(page, timeoutMs, watch);
      openTimes.push(Math.round(ms));
      log(`open ${i + 1}: ${Math.round(ms)} ms${i === 0 ? " (this sweep's API caches cold)" : ''}`);
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

    return {
      opens: openTimes,
      first_open_ms: openTimes[0],
      sweep_page_ms: Math.round(median(openTimes)),
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
