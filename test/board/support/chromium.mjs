/**
 * Debian's Chromium driven by playwright-core, for the board's browser tests and benchmark.
 *
 *   ensureChromium()            its path, or an error naming the command that installs it
 *   launchBoardBrowser(opts)    a fresh headless browser context with its own --user-data-dir
 */
/* global window */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's chromium, which `npm test`'s set-up installs before any test starts (scripts/setup.mjs);
 * throws the command when it is missing (a test never installs it: parallel files would race apt).
 */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  throw new Error(`chromium is not installed (${CHROMIUM}); run: node scripts/setup.mjs --tests (it installs Debian's chromium package)`);
}

/**
 * A headless Chromium with a fresh profile. Returns { context, close }; close() also removes the
 * profile folder. `args` adds command-line switches (e.g. --host-resolver-rules to point a name at
 * this machine, as a DNS rebinding attack would).
 * @param {{ viewport?: { width: number, height: number }, colorScheme?: 'light' | 'dark', permissions?: string[], args?: string[] }} [opts]
 */
export async function launchBoardBrowser(opts = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'tinysweep-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: ensureChromium(),
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(opts.args ?? [])],
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    colorScheme: opts.colorScheme ?? 'light',
    permissions: opts.permissions ?? [],
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Collects what a page reports as errors: console errors, uncaught exceptions, failed requests.
 * `allow` lists patterns of messages a test provoked on purpose (a 401 it wants to see).
 */
export function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return {
    errors,
    unexpected: (allow = []) => errors.filter((e) => !allow.some((re) => re.test(e))),
  };
}

/** Resolves when the board page (`[data-page=name]`) reports data-state=ready and no request is out. */
export async function waitForBoard(page, name, timeout = 30_000) {
  await page.waitForSelector(`[data-page="${name}"][data-state="ready"]`, { timeout });
  await page.waitForFunction(() => (window.__boardInflight?.() ?? 0) === 0, undefined, { timeout });
}
