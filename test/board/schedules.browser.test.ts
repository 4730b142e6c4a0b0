/**
 * The board's schedules view in a real browser (Debian's Chromium via playwright-core) against a
 * real cluster: a schedule ticking every 2 s reproduces a deterministic command sweep; the board
 * lists it with its last run's verdict and the verdict history per config; pausing from the UI
 * asks for the token and the API then reports it paused; a second schedule fired with "Run now"
 * on a node whose results moved shows up drifted, and drift stands out on every view.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slowSpec } from '../e2e/cluster.js';
import { BoardCluster, ensureBoardBuilt } from './board-cluster.js';
import { ensureChromium, launchBoardBrowser, waitForBoard, watchErrors } from './support/chromium.mjs';

const TOKEN = 'schedules-test-token';
/** The 401 of pausing before the token is set, asked for on purpose. */
const PROVOKED = [/status of 401/, /status of 403/];

interface Run {
  id: string;
  verdict: string | null;
  status: string;
}
interface ScheduleView {
  id: string;
  paused: boolean;
  nextRunAt: string | null;
  lastRun: Run | null;
}

describe('schedules and drift on the board, in Chromium', () => {
  let bc: BoardCluster;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  let watch: ReturnType<typeof watchErrors>;
  let original: string;
  let nightly: string;
  let drifting: string;

  const get = async <T>(path: string) => bc.cluster.get<T>(path);
  const runsOf = async (id: string) => (await get<{ items: Run[] }>(`/schedules/${id}/runs`)).items;
  const createSchedule = async (body: Record<string, unknown>) => {
    const r = await bc.request('POST', '/schedules', { sweepId: original, ...body });
    if (r.status !== 201) throw new Error(`POST /schedules → ${r.status}: ${JSON.stringify(r.body)}`);
    return (r.body as { id: string }).id;
  };
  const lastRunVerdict = (id: string) => page.getAttribute(`tr[data-schedule="${id}"] td[data-cell="last-run"] [data-verdict]`, 'data-verdict').catch(() => null);

  beforeAll(async () => {
    ensureChromium();
    await ensureBoardBuilt();
    bc = await BoardCluster.start({ trainers: 1, slotsPerTrainer: 4, token: TOKEN, env: { TINYSWEEP_VERDICT_MS: '300', TINYSWEEP_MIN_CRON_SECONDS: '1' } });
    browser = await launchBoardBrowser();
    page = await browser.context.newPage();
    watch = watchErrors(page);
    // score = 10·x + seed: the same every time, on any node without DRIFT.
    original = await bc.submit(slowSpec('nightly-original', { xs: [1, 2], seeds: [1, 2], steps: 1, stepMs: 1 }));
    await bc.cluster.waitForSweep(original);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await bc?.stop();
  });

  it('lists a schedule ticking every 2 s with its last run reproduced', async () => {
    nightly = await createSchedule({ name: 'every-2s', cron: '*/2 * * * * *', timeZone: 'Europe/Paris', tolerance: 0.001 });
    await bc.cluster.waitFor(async () => (await runsOf(nightly)).some((r) => r.verdict === 'reproduced'), 60_000, 'a reproduced run');

    await page.goto(`${bc.url}/#token=${bc.readToken}`); // a token to look with
    await waitForBoard(page, 'sweeps');
    await page.click('nav >> text=Schedules');
    await waitForBoard(page, 'schedules');
    const row = `tr[data-schedule="${nightly}"]`;
    const text = await page.textContent(row);
    expect(text).toContain('every-2s');
    expect(text).toContain('nightly-original');
    expect(text).toContain('*/2 * * * * *');
    expect(text).toContain('Europe/Paris');
    expect(text).toContain('full sweep');
    expect(text).toContain('±0.001');
    expect(await page.textContent(`${row} .badge`)).toBe('active');
    // A newer run may be between tick and verdict at any moment; it settles on reproduced.
    await expect.poll(() => lastRunVerdict(nightly), { timeout: 20_000, interval: 250 }).toBe('reproduced');
    expect(await page.getAttribute(`${row} td[data-cell="last-run"] a`, 'href')).toMatch(/^\/board\/sweeps\/[0-9a-f-]{36}$/);
  }, 120_000);

  it('pauses from the UI: asks for a token that may, keeps it, and the API reports the schedule paused', async () => {
    const pause = `tr[data-schedule="${nightly}"] button[data-action="pause-schedule"]`;
    await page.click(pause);
    await page.waitForSelector('dialog[open]');
    expect(await page.textContent('dialog[open]')).toContain('Pausing a schedule needs a token that may do it');
    await page.fill('#token-input', TOKEN);
    await page.click('dialog[open] button[type="submit"]');
    expect(await page.evaluate(() => localStorage.getItem('tinysweep.token'))).toBe(TOKEN);
    await page.click(pause);
    await page.waitForSelector(`tr[data-schedule="${nightly}"][data-paused="true"] button[data-action="resume-schedule"]`, { timeout: 10_000 });
    expect(await page.textContent(`tr[data-schedule="${nightly}"] .badge`)).toBe('paused');
    // a paused schedule skips its cron ticks, but "Run now" still fires once on request
    expect(await page.getAttribute(`tr[data-schedule="${nightly}"] button[data-action="run-schedule"]`, 'title')).toMatch(/stays paused/);
    const api = await get<ScheduleView>(`/schedules/${nightly}`);
    expect(api.paused).toBe(true);
    expect(api.nextRunAt).toBeNull();
    // Runs fired before the pause finish and are judged; then it stays quiet.
    await bc.cluster.waitFor(async () => (await runsOf(nightly)).every((r) => r.verdict), 30_000, 'every run judged');
    await expect.poll(() => lastRunVerdict(nightly), { timeout: 10_000 }).toBe('reproduced');
  }, 60_000);

  it('fires a second schedule with Run now on a drifting node; drift stands out on the list and the schedule page', async () => {
    drifting = await createSchedule({ name: 'nightly-at-3', cron: '0 0 3 * * *', tolerance: 0.1 });
    // The node's environment changes: the same program now scores 0.5 higher.
    await bc.cluster.group.stop('trainer-1');
    await bc.cluster.startTrainer('trainer-drift', { DRIFT: '0.5', TINYSWEEP_COMMAND_ENV: 'DRIFT' });
    await page.reload();
    await waitForBoard(page, 'schedules');
    expect(await page.textContent(`tr[data-schedule="${drifting}"] td[data-cell="last-run"]`)).toContain('never fired');
    await page.click(`tr[data-schedule="${drifting}"] button[data-action="run-schedule"]`);
    await expect.poll(() => page.textContent(`tr[data-schedule="${drifting}"] [role="status"]`)).toContain('Fired');
    await expect.poll(() => lastRunVerdict(drifting), { timeout: 60_000, interval: 500 }).toBe('drifted');
    expect(await page.getAttribute(`tr[data-schedule="${drifting}"]`, 'class')).toContain('row-drifted');
    expect(await page.textContent('.page-head')).toMatch(/1 drifted in their latest run/);

    await page.click(`tr[data-schedule="${drifting}"] a[href="/board/schedules/${drifting}"]`);
    await waitForBoard(page, 'schedule');
    expect(await page.textContent('h1')).toBe('nightly-at-3');
    expect(await page.$$eval('#runs tr[data-run]', (trs) => trs.map((tr) => tr.getAttribute('data-verdict')))).toEqual(['drifted']);
    // Its own history holds only its run: both configs drifted by +0.5 against a tolerance of 0.1.
    await page.waitForSelector('#verdicts tr[data-config]', { timeout: 20_000 });
    const rows = await page.$$eval('#verdicts tr[data-config]', (trs) => trs.map((tr) => ({ latest: tr.getAttribute('data-latest'), cls: tr.className, text: tr.textContent ?? '' })));
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r.latest).toBe('drifted');
      expect(r.cls).toContain('row-drifted');
      expect(r.text).toContain('+0.5');
      expect(r.text).toContain('±0.1');
    }
  }, 120_000);

  it("shows the verdict history per config on the original sweep's page, and the run's place in it", async () => {
    const nightlyRuns = (await runsOf(nightly)).length;
    await page.goto(`${bc.url}/board/sweeps/${original}`);
    await waitForBoard(page, 'sweep');
    const rows = await page.$$eval('#verdicts tr[data-config]', (trs) =>
      trs.map((tr) => ({ label: tr.querySelector('th')?.textContent ?? '', latest: tr.getAttribute('data-latest'), chips: [...tr.querySelectorAll('.chip')].map((c) => c.getAttribute('data-verdict')) })),
    );
    expect(rows.map((r) => r.label).sort()).toEqual(['x=1', 'x=2']);
    for (const r of rows) {
      // Oldest first: every tick of the paused schedule reproduced, then the drifting run.
      expect(r.latest).toBe('drifted');
      expect(r.chips.at(-1)).toBe('drifted');
      expect(r.chips.slice(0, -1).every((v) => v === 'reproduced')).toBe(true);
      expect(r.chips.length).toBe(Math.min(nightlyRuns + 1, 24));
    }
    expect(await page.textContent('#verdicts')).toContain('2 drifted in the latest run');

    const [run] = await runsOf(drifting);
    await page.click(`#verdicts tr[data-config] td:last-child a[href="/board/sweeps/${run!.id}"]`);
    await waitForBoard(page, 'sweep');
    expect(await page.textContent('[data-fact="reproduces"]')).toContain('drifted');
    expect(await page.$$eval('#verdicts .chip-current', (cs) => cs.map((c) => c.getAttribute('data-verdict')))).toEqual(['drifted', 'drifted']);
  }, 60_000);

  it('is reachable by keyboard, reads in dark mode and fits a phone-width screen', async () => {
    await page.goto(bc.url);
    await waitForBoard(page, 'sweeps');
    for (let i = 0; i < 20 && (await page.evaluate(() => document.activeElement?.getAttribute('href'))) !== '/board/schedules'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await waitForBoard(page, 'schedules');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ['/board/schedules', `/board/schedules/${nightly}`, `/board/sweeps/${original}`]) {
      await page.goto(`${bc.url}${path}`);
      await waitForBoard(page, path.startsWith('/board/sweeps') ? 'sweep' : path.endsWith('schedules') ? 'schedules' : 'schedule');
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      // The page never scrolls sideways; wide tables scroll inside their own box.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 60_000);

  it('logged no console errors along the way (beyond the 401 the pause step asked for)', () => {
    expect(watch.unexpected(PROVOKED)).toEqual([]);
  });
});
