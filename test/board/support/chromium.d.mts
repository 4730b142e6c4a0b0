import type { BrowserContext, Page } from 'playwright-core';
export declare const CHROMIUM: string;
export declare const CHROMIUM_FLAGS: string[];
export declare function ensureChromium(): string;
export declare function launchBoardBrowser(opts?: {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  permissions?: string[];
  args?: string[];
}): Promise<{ context: BrowserContext; close: () => Promise<void> }>;
export declare function watchErrors(page: Page): { errors: string[]; unexpected: (allow?: RegExp[]) => string[] };
export declare function waitForBoard(page: Page, name: string, timeout?: number): Promise<void>;
