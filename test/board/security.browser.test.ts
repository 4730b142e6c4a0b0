/**
 * A web page on another origin, in a real browser (Chromium), tries to drive a local tinysweep —
 * the drive-by of issue 14 — against an API started without any token (`--insecure-no-token`, the
 * worst case: the checks below must hold on their own): simple cross-origin POSTs (text/plain, a
 * form), a JSON POST (which needs a CORS preflight), a beacon, and a cancel; and a page whose name
 * is pointed at 127.0.0.1 (DNS rebinding). Nothing may be stored, run or cancelled.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, slowSpec } from '../e2e/cluster.js';
import { ensureChromium, launchBoardBrowser } from './support/chromium.mjs';

const REBOUND = 'rebind.example';

/** The attacker's page: every way a page may send to the API without its consent, then `window.__attackDone`. */
const attackPage = (api: string, victim: string) => `<!doctype html><meta charset="utf-8"><title>cat pictures</title>
<iframe name="sink" id="sink"></iframe>
<form id="form" method="POST" action="${api}/sweeps" enctype="text/plain" target="sink"><input name="name: drive-by-form
backend: {kind: command, command: [node, -e, &quot;require('fs').writeFileSync('/tmp/pwned','x')&quot;]}
x" value=""></form>
<script>
const yaml = 'name: drive-by\\nbackend: {kind: command, command: [node, -e, "0"]}\\n';
const json = JSON.stringify({ name: 'drive-by-json', backend: { kind: 'command', command: ['node', '-e', '0'] } });
const attempts = [
  fetch('${api}/sweeps', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: yaml }),
  fetch('${api}/sweeps', { method: 'POST', mode: 'no-cors', body: yaml }),
  fetch('${api}/sweeps', { method: 'POST', headers: { 'content-type': 'application/json' }, body: json }),
  fetch('${api}/sweeps/${victim}/cancel', { method: 'POST', mode: 'no-cors' }),
  fetch('${api}/sweeps', { mode: 'cors' }).then((r) => r.text()),
  new Promise((resolve) => {
    document.getElementById('sink').addEventListener('load', resolve, { once: true });
    document.getElementById('form').submit();
  }),
];
window.__beacon = navigator.sendBeacon('${api}/sweeps', new Blob([yaml], { type: 'text/plain' }));
Promise.allSettled(attempts).then((r) => { window.__attackDone = r.map((x) => x.status); });
</script>`;

describe('a page on another origin cannot drive a local tinysweep', () => {
  let c: Cluster;
  let attacker: Server;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let victim: string;

  beforeAll(async () => {
    ensureChromium();
    c = await Cluster.start({ trainers: 1, insecureNoToken: true });
    victim = await c.submit(slowSpec('victim', { xs: [1], steps: 600, stepMs: 100 }));
    await c.waitFor(async () => (await c.sweep(victim)).status === 'running', 20_000, 'the victim sweep to run');
    attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackPage(c.urls.apiUrl, victim)));
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    browser = await launchBoardBrowser({ args: [`--host-resolver-rules=MAP ${REBOUND} 127.0.0.1`] });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    attacker?.close();
    await c?.stop();
  });

  /** Requests the API answered with `status`, from its Prometheus metrics. */
  const answered = async (status: number): Promise<number> => {
    const text = (await c.request('GET', '/metrics')).body as string;
    return [...text.matchAll(new RegExp(`^tinysweep_http_request_duration_seconds_count\\{[^}]*status="${status}"[^}]*\\} (\\d+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
  };

  it('stores, runs and cancels nothing for simple requests, forms, JSON or beacons from another origin', async () => {
    const page = await browser.context.newPage();
    const before = (await answered(403)) + (await answered(415));
    await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (window as unknown as { __attackDone?: string[] }).__attackDone !== undefined, undefined, { timeout: 20_000 });
    // The requests reached the API and were refused (403: another origin; 415: not JSON or YAML);
    // the JSON one never left the browser (no CORS answer to its preflight).
    await expect.poll(async () => (await answered(403)) + (await answered(415)) - before, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    const names = (await c.query<{ name: string }>('SELECT name FROM sweep')).map((r) => r.name);
    expect(names).toEqual(['victim']);
    expect((await c.sweep(victim)).status).toBe('running');
    await page.close();
  }, 60_000);

  it('answers nothing to a page whose name was pointed at this machine (DNS rebinding)', async () => {
    const page = await browser.context.newPage();
    const res = await page.goto(`http://${REBOUND}:${c.urls.apiPort}/sweeps`);
    expect(res!.status()).toBe(403);
    expect(await page.textContent('body')).toMatch(new RegExp(`does not answer to the host name .*${REBOUND.replace('.', '\\.')}`));
    // From that page, same-origin requests: neither a read nor a submission gets through.
    const statuses = await page.evaluate(async () => [
      (await fetch('/sweeps')).status,
      (await fetch('/sweeps', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'rebound', backend: { kind: 'command', command: ['node', '-e', '0'] } }) })).status,
    ]);
    expect(statuses).toEqual([403, 403]);
    expect((await c.query<{ name: string }>('SELECT name FROM sweep')).map((r) => r.name)).toEqual(['victim']);
    await page.close();
  }, 60_000);
});
