#!/usr/bin/env node
/**
 * `npm run bench:engine` — the ONNX Runtime engine's speed on this machine (see run.ts for what is
 * measured and how). The benchmark is TypeScript; this launcher runs it with tsx against the built
 * dist/ of the workspace packages (`node scripts/setup.mjs` builds them first) and passes the exit
 * code through. The last line of output is the JSON summary.
 *
 *   node scripts/setup.mjs && node bench/engine/run.mjs
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
if (!existsSync(tsx)) {
  console.error('bench:engine: tsx is not installed (node_modules/tsx); run `node scripts/setup.mjs` first');
  process.exit(1);
}
const child = spawn(process.execPath, [tsx, join(ROOT, 'bench', 'engine', 'run.ts'), ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
