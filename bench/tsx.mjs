#!/usr/bin/env node
/**
 * Runs a TypeScript benchmark with tsx against the built dist/ of the workspace packages (run
 * `node scripts/setup.mjs` first, as the bench:* scripts do), passing arguments and the exit code through.
 *
 *   node bench/tsx.mjs bench/demo/run.ts [args…]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const [script, ...args] = process.argv.slice(2);
const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
if (!script) {
  console.error('usage: node bench/tsx.mjs <bench/…/run.ts> [args…]');
  process.exit(2);
}
if (!existsSync(tsx)) {
  console.error('tsx is not installed (node_modules/tsx); run `node scripts/setup.mjs` first');
  process.exit(1);
}
const child = spawn(process.execPath, [tsx, resolve(ROOT, script), ...args], { cwd: ROOT, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
