#!/usr/bin/env node
/**
 * What the command backend's sandbox costs per program start: `true` and `node -e 0` started
 * directly and through apps/trainer/sandbox/launch.py (Landlock, rlimits, the memory watch, a
 * subreaper), one after another. Prints per-start medians in ms, last line JSON.
 *
 *   node bench/sandbox/run.mjs [runs=30]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const LAUNCHER = fileURLToPath(new URL('../../apps/trainer/sandbox/launch.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const runs = Number(process.argv[2] ?? 30);
const dir = mkdtempSync(join(tmpdir(), 'tinysweep-sandbox-bench-'));
const config = JSON.stringify({
  cwd: dir,
  writeDirs: [dir],
  writeFiles: ['/dev/null'],
  connectPorts: [80, 443],
  limits: { memory: 8 * 2 ** 30, as: 32 * 2 ** 30, cpu: 86400, fsize: 4 * 2 ** 30, nofile: 4096 },
  graceMs: 5000,
  drainMs: 1000,
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (command, args) => {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit', 'ignore'] });
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}`);
    ms.push(performance.now() - t0);
  }
  return +median(ms).toFixed(1);
};
const sandboxed = (argv) => [PYTHON, ['-I', '-S', LAUNCHER, config, ...argv]];
const result = {
  runs,
  true_direct_ms: time('/bin/true', []),
  true_sandboxed_ms: time(...sandboxed(['/bin/true'])),
  node_direct_ms: time(process.execPath, ['-e', '0']),
  node_sandboxed_ms: time(...sandboxed([process.execPath, '-e', '0'])),
};
rmSync(dir, { recursive: true, force: true });
console.log(`true: ${result.true_direct_ms} ms direct, ${result.true_sandboxed_ms} ms sandboxed; node -e 0: ${result.node_direct_ms} ms direct, ${result.node_sandboxed_ms} ms sandboxed (medians of ${runs})`);
console.log(JSON.stringify(result));
