#!/usr/bin/env node
/**
 * What the command backend's sandbox costs per program start: `true` and `node -e 0` started
 * directly and through apps/trainer/sandbox/launch.py (Landlock, rlimits, the memory watch, a
 * subreaper), one after another: the launcher started per program (python3 launch.py …) and the
 * launcher server the trainer uses (launch.py --serve: one warm Python forks each launcher). Prints
 * per-start medians in ms and the CPU each start cost (the launcher and the program, from /proc),
 * last line JSON.
 *
 *   node bench/sandbox/run.mjs [runs=30]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** CPU ms of a process and of its reaped children (utime, stime, cutime, cstime). */
const cpuOf = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10; // USER_HZ 100
};
/** [median ms, CPU ms per start] of starting `argv` through a launcher per program. */
const perProgram = (argv) => {
  const c0 = cpuOf(process.pid);
  const ms = time(...sandboxed(argv));
  return [ms, +((cpuOf(process.pid) - c0) / runs).toFixed(1)];
};
/** The same through the launcher server (the trainer's LauncherServer, from apps/trainer/dist). */
const served = async (argv) => {
  const { LauncherServer } = await import('../../apps/trainer/dist/backends/command/launcher-server.js');
  const server = new LauncherServer(PYTHON);
  const once = async () => {
    const p = await server.launch({ config: JSON.parse(config), argv, env: { PATH: '/usr/bin:/bin' }, cwd: dir });
    for (const s of [p.stdout, p.stderr, p.status]) s.resume();
    const e = await p.exited;
    if (e.code !== 0) throw new Error(`${argv.join(' ')} through the server exited ${e.code ?? e.signal} ${e.lost ?? ''}`);
  };
  await once(); // starts the server
  const pid = Number(readFileSync('/proc/self/task/' + process.pid + '/children', 'utf8').trim().split(/\s+/).pop());
  const c0 = cpuOf(pid);
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await once();
    ms.push(performance.now() - t0);
  }
  const cpu = (cpuOf(pid) - c0) / runs;
  server.close();
  return [+median(ms).toFixed(1), +cpu.toFixed(1)];
};
const [trueSandboxed, trueSandboxedCpu] = perProgram(['/bin/true']);
const [trueServed, trueServedCpu] = await served(['/bin/true']);
const [nodeSandboxed, nodeSandboxedCpu] = perProgram([process.execPath, '-e', '0']);
const [nodeServed, nodeServedCpu] = await served([process.execPath, '-e', '0']);
const result = {
  runs,
  true_direct_ms: time('/bin/true', []),
  true_sandboxed_ms: trueSandboxed,
  true_sandboxed_cpu_ms: trueSandboxedCpu,
  true_served_ms: trueServed,
  true_served_cpu_ms: trueServedCpu,
  node_direct_ms: time(process.execPath, ['-e', '0']),
  node_sandboxed_ms: nodeSandboxed,
  node_served_ms: nodeServed,
  node_sandboxed_cpu_ms: nodeSandboxedCpu,
  node_served_cpu_ms: nodeServedCpu,
};
rmSync(dir, { recursive: true, force: true });
console.log(`true: ${result.true_direct_ms} ms direct, ${result.true_sandboxed_ms} ms with a launcher per program (${trueSandboxedCpu} ms CPU), ${result.true_served_ms} ms through the launcher server (${trueServedCpu} ms CPU)`);
console.log(`node -e 0: ${result.node_direct_ms} ms direct, ${result.node_sandboxed_ms} ms with a launcher per program (${nodeSandboxedCpu} ms CPU), ${result.node_served_ms} ms through the launcher server (${nodeServedCpu} ms CPU) (medians of ${runs})`);
console.log(JSON.stringify(result));
