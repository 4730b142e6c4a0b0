/**
 * The results board in a real browser (Debian's Chromium via playwright-core) against a real
 * cluster (Postgres, Redis, API, dispatcher, trainer): open it during a running sweep, watch
 * trials arrive without a reload, sort, filter, open a trial, copy its adapter, cancel with the
 * token, and no console errors. Also takes the README's screenshot (docs/board.png) when it is
 * missing or UPDATE_SCREENSHOT=1.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import pg from 'pg';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSweep } from '../../bench/board/seed-sweep.mjs';
import { adapterSpec, BoardCluster, ensureBoardBuilt, SCREENSHOT } from './board-cluster.js';
import { ensureChromium, launchBoardBrowser, waitForBoard, watchErrors } from './support/chromium.mjs';

const TOKEN = 'board-test-token';
/** Messages the browser logs for responses a step asked for on purpose. */
const PROVOKED = [/status of 401/, /status of 403/, /status of 409/];

type Row = { id: string; status: string; cells: string[] };

async function tableRows(page: Page): Promise<Row[]> {
  return page.$$eval('#trials tbody tr[data-trial]', (trs) =>
    trs.map((tr) => ({
      id: tr.getAttribute('data-trial') ?? '',
      status: tr.getAttribute('data-status') ?? '',
      cells: [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? ''),
    })),
  );
}

async function headers(page: Page): Promise<string[]> {
  return page.$$eval('#trials thead th', (ths) => ths.map((th) => th.textContent?.replace(/[▲▼]/g, '').trim() ?? ''));
}

async function waitForTable(page: Page): Promise<void> {
  await page.waitForSelector('#trials[data-state="ready"]', { timeout: 20_000 });
  await page.waitForFunction(() => (window.__boardInflight?.() ?? 0) === 0, undefined, { timeout: 20_000 });
}

describe('the results board in Chromium', () => {
  let bc: BoardCluster;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  let watch: ReturnType<typeof watchErrors>;
  let sweepId: string;

  beforeAll(async () => {
    ensureChromium();
    await ensureBoardBuilt();
    bc = await BoardCluster.start({ trainers: 1, slotsPerTrainer: 2, token: TOKEN });
    browser = await launchBoardBrowser({ permissions: ['clipboard-read', 'clipboard-write'] });
    page = await browser.context.newPage();
    watch = watchErrors(page);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await bc?.stop();
  });

  it('lists a running sweep and follows it live: trials appear and finish without a reload', async () => {
    sweepId = await bc.submit(adapterSpec('board-live', { stepMs: 250 }));
    // The link `tinysweep up` prints: the board keeps the token and drops it from the address.
    await page.goto(`${bc.url}/#token=${bc.readToken}`);
    await waitForBoard(page, 'sweeps');
    expect(page.url()).toBe(`${bc.url}/`);
    expect(await page.evaluate(() => localStorage.getItem('tinysweep.token'))).toBe(bc.readToken);
    await expect.poll(() => page.textContent('main'), { timeout: 10_000 }).toContain('board-live');
    // A marker that a reload would wipe.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await page.click(`a[href="/board/sweeps/${sweepId}"]`);
    await waitForBoard(page, 'sweep');
    expect(await page.textContent('h1')).toContain('board-live');
    // What the trainer is doing for this sweep, while it runs.
    await expect.poll(() => page.textContent('[data-role="trainers"]').catch(() => ''), { timeout: 30_000 }).toMatch(/trainer-1: trial [0-9a-f]{8} of board-live/);

    await page.selectOption('#filter-status', 'succeeded');
    await waitForTable(page);
    const before = new Set((await tableRows(page)).map((r) => r.id));
    // A trial succeeds on the trainer and shows up in the filtered table by itself.
    await expect
      .poll(async () => (await tableRows(page)).filter((r) => !before.has(r.id)).length, { timeout: 60_000, interval: 250 })
      .toBeGreaterThan(0);
    expect((await tableRows(page)).every((r) => r.status === 'succeeded')).toBe(true);

    // The header follows the sweep's summary events to completion.
    await expect.poll(() => page.textContent('.title-row .badge'), { timeout: 90_000, interval: 500 }).toBe('completed');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
  }, 180_000);

  it('sorts and filters on the server', async () => {
    await page.selectOption('#filter-status', '');
    await waitForTable(page);
    expect(await page.textContent('#trials-range')).toContain('of 24 trials');

    await page.click('#trials button[data-sort="metrics.score"]');
    await waitForTable(page);
    const cols = await headers(page);
    const scoreCol = cols.indexOf('score');
    expect(scoreCol).toBeGreaterThan(0);
    const scores = (await tableRows(page)).map((r) => Number(r.cells[scoreCol]));
    expect(scores.length).toBe(24);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(await page.getAttribute('#trials th[aria-sort]', 'aria-sort')).toBe('descending');

    await page.selectOption('#trials select[data-path="x"]', '2');
    await waitForTable(page);
    const xCol = (await headers(page)).indexOf('x');
    const rows = await tableRows(page);
    expect(rows.length).toBe(8);
    expect(rows.every((r) => r.cells[xCol] === '2')).toBe(true);
    expect(await page.textContent('#trials-range')).toContain('of 8 trials (filtered)');
    // The state is in the URL, so a shared link opens the same view.
    expect(page.url()).toContain('f.x=2');
    await page.click('text=Clear filters');
    await waitForTable(page);
  }, 60_000);

  it('draws every plot on canvas and shows the Pareto front, heatmap, parameter importance, curves, pruning curve and replicates', async () => {
    await page.reload();
    await waitForBoard(page, 'sweep');
    for (const id of ['pareto-trainable', 'pareto-effective', 'heatmap', 'importance', 'curves', 'pruning', 'replicates']) {
      await page.waitForSelector(`#${id} .chart[data-drawn="true"] canvas`, { timeout: 15_000 });
    }
    expect(await page.textContent('#pareto-trainable')).toMatch(/front of \d+/);
    expect(await page.textContent('#pruning h2')).toBe('Pruning curve');
    // GET /sweeps/:id/importance, drawn: the surrogate fitted to every finished config
    const importance = (await bc.request('GET', `/sweeps/${sweepId}/importance`)).body as { configs: number; importance: { path: string }[] };
    expect(importance.importance.length).toBeGreaterThan(0);
    expect(await page.textContent('#importance')).toContain(`fitted to ${importance.configs} measured configs`);
    expect(await page.inputValue('#heatmap-x')).toBeTruthy();
    // The replicate plot reads GET /sweeps/:id/configs, the endpoint `tinysweep configs` reads too.
    type ConfigPage = { total: number; withResult: number; items: { label: string; seeds: number[]; summary: { n: number; ci95: number[] | null } | null; values?: { seed: number }[] }[] };
    const configs = (await bc.request('GET', `/sweeps/${sweepId}/configs?limit=3&values=true`)).body as ConfigPage;
    expect(configs).toMatchObject({ total: 12, withResult: 12 });
    expect(configs.items).toHaveLength(3);
    expect(configs.items[0]!.values!.map((v) => v.seed)).toEqual(configs.items[0]!.seeds);
    expect(configs.items[0]!.summary).toMatchObject({ n: 2 });
    expect(await page.$$eval('#replicates .config-list li', (lis) => lis.map((li) => li.textContent))).toContain(configs.items[0]!.label);
    // Canvas, not DOM: the whole page stays small.
    expect(await page.evaluate(() => document.querySelectorAll('*').length)).toBeLessThan(3000);
    if (!existsSync(SCREENSHOT) || process.env.UPDATE_SCREENSHOT === '1') {
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    }
  }, 60_000);

  it('needs a token that may cancel: asks for it, keeps it, then cancels', async () => {
    const slow = await bc.submit(adapterSpec('board-cancel', { xs: [1, 2, 3, 4], stepMs: 2000 }));
    await page.goto(`${bc.url}/board/sweeps/${slow}`);
    await waitForBoard(page, 'sweep');
    const cancel = 'button[data-action="cancel-sweep"]';
    await page.click(cancel);
    expect(await page.textContent(cancel)).toBe('Click again to cancel');
    await page.click(cancel);
    // The read token it holds may look, not cancel.
    await page.waitForSelector('dialog[open]');
    expect(await page.textContent('dialog[open]')).toContain('Cancelling needs a token that may do it');
    await page.fill('#token-input', TOKEN);
    await page.click('dialog[open] button[type="submit"]');
    expect(await page.evaluate(() => localStorage.getItem('tinysweep.token'))).toBe(TOKEN);
    await page.click(cancel);
    await page.click(cancel);
    await expect.poll(() => page.textContent('.title-row .badge'), { timeout: 20_000 }).toBe('cancelled');
  }, 60_000);

  it('opens a trial and copies its 13 adapter numbers', async () => {
    const detail = await bc.cluster.query<{ id: string; ordinal: number; adapter: { v: number[] } }>(
      `SELECT id, ordinal, adapter FROM trial WHERE sweep_id = $1 AND (params->>'u')::int = 13 AND status = 'succeeded' ORDER BY ordinal LIMIT 1`,
      sweepId,
    );
    const trial = detail[0]!;
    await page.goto(`${bc.url}/board/sweeps/${sweepId}`);
    await waitForBoard(page, 'sweep');
    await page.selectOption('#trials select[data-path="u"]', '13');
    await waitForTable(page);
    await page.click(`#trials a[href="/board/trials/${trial.id}"]`);
    await waitForBoard(page, 'trial');
    expect(await page.textContent('h1')).toBe(`Trial #${trial.ordinal}`);
    expect(await page.textContent('#adapter h2')).toBe('Adapter: the 13 numbers');
    expect(await page.$$eval('#adapter .numbers li', (lis) => lis.length)).toBe(13);
    await page.waitForSelector('#curve .chart[data-drawn="true"] canvas');
    expect(await page.textContent('#params')).toContain('prune.threshold');
    expect(await page.textContent('#log')).toContain('step 60: training');

    await page.click('button[data-action="copy-adapter"]');
    await expect.poll(() => page.textContent('#adapter [role="status"]')).toBe('Copied 13 numbers.');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(JSON.parse(copied)).toEqual(trial.adapter.v);

    // The download is the adapter file (fetched with the token), keys back in the format's order (v last).
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-action="download-adapter"]')]);
    expect(download.suggestedFilename()).toMatch(/^board-live-trial-\d+\.adapter\.json$/);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text.startsWith('{"format":"tinysweep.tinylora/1"')).toBe(true);
    expect(JSON.parse(text).v).toEqual(trial.adapter.v);
    expect(Object.keys(JSON.parse(text)).at(-1)).toBe('v');

    // Export for other tools: this trial ran a user's program, not a TinyLoRA model the API could merge; it says so.
    await page.click('button[data-action="export-peft-lora"]');
    await expect.poll(() => page.textContent('#adapter .note-error')).toMatch(/names no model\.path: only format tinysweep is available/);

    // Try it (the token is kept from the step before): these trials ran a user's program, whose
    // adapter no trainer can run; the API says so (409) and the panel shows it.
    await page.fill('#try-prompt', 'Q: 17 + 25 = ?');
    await page.click('#try button[type="submit"]');
    await expect.poll(() => page.textContent('#try .note')).toMatch(/Try it needs a tinylora trial/);
  }, 60_000);

  it('shows the trainer nodes', async () => {
    await page.click('nav >> text=Nodes');
    await waitForBoard(page, 'nodes');
    const text = await page.textContent('main');
    expect(text).toContain('trainer-1');
    expect(text).toMatch(/\d+ busy · \d+ free/);
    expect(text).toMatch(/ago/);
    expect(await page.textContent('td.mono')).toBe('cpu');
    // a GPU node's heartbeat (a test double of one: this machine has no GPU) shows its GPUs and the models it holds
    const nodeAuth = { authorization: `Bearer ${bc.cluster.tokens.node}` }; // heartbeats take the node token
    const beat = await bc.cluster.request('POST', '/nodes/heartbeat', {
      id: 'gpu-node-double',
      address: '10.0.0.9:50051',
      device: 'torch:cuda',
      slots: 2,
      backends: ['tinylora'],
      gpus: [0, 1].map((index) => ({ index, name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 })),
      loadedModels: ['models/demo-arith'],
    }, nodeAuth);
    expect(beat.status).toBe(204);
    await expect.poll(async () => (await page.textContent('main')) ?? '', { timeout: 10_000 }).toContain('GPU 1 · NVIDIA H100 80GB HBM3 · 79.6 GiB');
    expect(await page.textContent('main')).toContain('in memory: models/demo-arith');
  }, 30_000);

  it('is reachable by keyboard', async () => {
    await page.goto(bc.url);
    await waitForBoard(page, 'sweeps');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    // Tab until a sweep link has focus, then open it with Enter.
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.getAttribute('href') ?? '')).startsWith('/board/sweeps/')) break;
    }
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href') ?? '')).toMatch(/^\/board\/sweeps\//);
    await page.keyboard.press('Enter');
    await waitForBoard(page, 'sweep');
    // Sort headers are buttons: focus one and sort with the keyboard.
    await page.focus('#trials button[data-sort="ordinal"]');
    await page.keyboard.press('Enter');
    await waitForTable(page);
    expect(await page.getAttribute('#trials th[aria-sort]', 'aria-sort')).toBe('descending');
  }, 60_000);

  it('reads in dark mode and fits a phone-width screen', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${bc.url}/board/sweeps/${sweepId}`);
    await waitForBoard(page, 'sweep');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const colors = await page.evaluate(() => {
      const s = getComputedStyle(document.body);
      return { bg: s.backgroundColor, fg: s.color };
    });
    expect(colors.bg).not.toBe(colors.fg);
    expect(colors.bg).toBe('rgb(13, 17, 23)');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${bc.url}/board/sweeps/${sweepId}`);
    await waitForBoard(page, 'sweep');
    // The page itself never scrolls sideways; wide tables scroll inside their own box.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const chartWidth = await page.$eval('#heatmap .chart', (el) => el.getBoundingClientRect().width);
    expect(chartWidth).toBeGreaterThan(300);
    expect(chartWidth).toBeLessThanOrEqual(390);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 60_000);

  it('puts two sweeps side by side: each config in both, and the change', async () => {
    const other = await bc.submit(adapterSpec('board-compare', { stepMs: 20 }));
    await bc.cluster.waitForSweep(other, 120_000);
    await bc.cluster.waitForSweep(sweepId, 120_000);
    await page.goto(`${bc.url}/`);
    await waitForBoard(page, 'sweeps');
    await page.check(`input[data-compare="${sweepId}"]`);
    await page.check(`input[data-compare="${other}"]`);
    await page.click('button[data-action="compare"]');
    await waitForBoard(page, 'compare');
    expect(page.url()).toBe(`${bc.url}/board/compare?a=${sweepId}&b=${other}`);
    const rows = await page.$$eval('#compare tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
    expect(rows).toHaveLength(12); // x 3 × u 2 × threshold 2, both sweeps
    // the same program, params and seeds: the same numbers, no change
    for (const [label, a, b, delta] of rows) {
      expect(label).toMatch(/x=\d/);
      expect(a).toMatch(/^\d/);
      expect(b).toBe(a);
      expect(delta).toBe('0');
    }
    expect(await page.textContent('#compare')).toContain('t 95% interval of the mean over seeds');
  }, 180_000);

  it('colours the Pareto chart by adapter method when a sweep compares methods: a series, a front and a legend entry each', async () => {
    // A finished method comparison (examples/method-comparison.yaml's axis), seeded straight into Postgres.
    const db = new pg.Client({ connectionString: bc.cluster.urls.databaseUrl });
    await db.connect();
    const methods = ['lora', 'lora-xs', 'tinylora'];
    const { sweepId: compared } = await seedSweep(db, { trials: 600, seeds: 2, steps: 2, name: 'board-methods', methods }).finally(() => db.end());
    const pareto = (await bc.request('GET', `/sweeps/${compared}/pareto`)).body as {
      trainable: { points: unknown[]; front: { trialId: string; x: number; y: number }[]; methods: { method: string; total: number; front: { trialId: string }[] }[]; pointMethod: number[] };
    };
    expect(pareto.trainable.methods.map((m) => m.method)).toEqual(methods);
    expect(pareto.trainable.pointMethod).toHaveLength(pareto.trainable.points.length);
    expect(pareto.trainable.methods.reduce((s, m) => s + m.total, 0)).toBe(pareto.trainable.points.length);
    for (const m of pareto.trainable.methods) expect(m.front.length).toBeGreaterThan(0);
    // The overall front's trials are each on their own method's front.
    const onMethodFronts = new Set(pareto.trainable.methods.flatMap((m) => m.front.map((f) => f.trialId)));
    for (const f of pareto.trainable.front) expect(onMethodFronts.has(f.trialId)).toBe(true);

    await page.goto(`${bc.url}/board/sweeps/${compared}`);
    await waitForBoard(page, 'sweep');
    const chart = '#pareto-trainable .chart[data-drawn="true"]';
    await page.waitForSelector(`${chart} canvas`, { timeout: 15_000 });
    // Per method its trials and its front under one name (one legend entry toggles both), then the front over all.
    expect((await page.getAttribute(chart, 'data-series'))!.split('|').sort()).toEqual([...methods, ...methods, 'front, all methods'].sort());
    expect(await page.textContent('#pareto-trainable')).toMatch(/by adapter method: lora \d+ \(front of \d+\), lora-xs \d+ \(front of \d+\), tinylora \d+ \(front of \d+\)/);
    expect(await page.getAttribute(chart, 'data-legend')).toBe([...methods, 'front, all methods'].join('|'));
    // A sweep of one method keeps the one-series chart.
    await page.goto(`${bc.url}/board/sweeps/${sweepId}`);
    await waitForBoard(page, 'sweep');
    await page.waitForSelector(`${chart} canvas`, { timeout: 15_000 });
    expect(await page.getAttribute(chart, 'data-series')).toBe('trials|Pareto front');
    expect(await page.getAttribute(chart, 'data-legend')).toBeNull();
  }, 120_000);

  it('logged no console errors along the way (beyond the 401, 403 and 409 the steps asked for)', () => {
    expect(watch.unexpected(PROVOKED)).toEqual([]);
  });

  it('serves the board at / without shadowing API routes', async () => {
    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${bc.url}${path}`, { headers });
    const root = await get('/');
    expect(root.headers.get('content-type')).toMatch(/text\/html/);
    // security headers: no framing (the buttons cannot be clickjacked), scripts from this origin only
    expect(root.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(root.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(root.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await root.text()).toContain('<meta name="tinysweep-token-required" content="true">');
    expect((await get('/board/sweeps/00000000-0000-0000-0000-000000000000')).headers.get('content-type')).toMatch(/text\/html/);
    const missing = await get('/sweeps/00000000-0000-0000-0000-000000000000/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/application\/json/);
    expect((await get(`/sweeps/${sweepId}`)).headers.get('content-type')).toMatch(/application\/json/);
    expect((await get('/health')).status).toBe(200);
    const html = await (await get('/')).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const br = await get(script, { 'accept-encoding': 'br' });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-type')).toMatch(/javascript/);
    expect(br.headers.get('cache-control')).toMatch(/immutable/);
    expect((await get('/assets/../../package.json')).status).toBe(404);
    expect((await get('/assets/nope.js')).status).toBe(404);
    const tryIt = await bc.request('POST', `/trials/${(await bc.cluster.query<{ id: string }>('SELECT id FROM trial LIMIT 1'))[0]!.id}/try`, { prompt: 'hi' });
    expect(tryIt.status).toBe(409);
  }, 30_000);
});
