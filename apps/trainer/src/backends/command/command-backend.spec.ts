import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingSink, waitFor } from '../../testing/recording-sink.js';
import type { BackendRequest } from '../backend.js';
import { TrainAbort, timeoutAbort } from '../train-abort.js';
import { CommandBackend } from './command-backend.js';
import { processAlive } from './process-group.js';
import { findPython, probeSandbox } from './sandbox.js';

/** The fixtures are the workdir: a program's cwd must lie inside it. */
const FIXTURES = realpathSync(fileURLToPath(new URL('./fixtures/', import.meta.url)));
const workdir = FIXTURES;
const NODE = process.execPath;
const isRoot = process.getuid?.() === 0;

function request(spec: Record<string, unknown>, params: Record<string, unknown> = {}): BackendRequest {
  return { trialId: 'trial-1', sweepId: 'sweep-1', attempt: 2, params, trial: { backend: 'command', params }, spec, timeoutMs: 0, workdir };
}

/** PROBE lines of sandbox-probe.mjs, parsed. */
const probes = (sink: RecordingSink) => sink.lines('stdout').filter((l) => l.startsWith('PROBE ')).map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);

describe('CommandBackend', () => {
  // The defaults, as a trainer started with --allow-command <node> gets them (as nobody when root).
  const backend = new CommandBackend({ programs: [NODE, 'node'], workdir, killGraceMs: 500 });

  it('streams metrics lines as progress and reports the final metrics, params and adapter', async () => {
    const sink = new RecordingSink();
    const result = await backend.run(
      request({ kind: 'command', command: [NODE, 'metrics.mjs', '{steps}', '--huge'], cwd: FIXTURES }, { steps: 3 }),
      sink,
      new AbortController().signal,
    );
    expect(result).toMatchObject({ ok: true, failure: 'FAILURE_NONE', error: '', trainableParams: 13, effectiveParams: 9 });
    expect(result.metrics).toEqual({ accuracy: 0.75, loss: 0.1 });
    expect(JSON.parse(result.adapterJson as string)).toEqual({ v: [0.5, -0.25], seed: 7 });
    expect(sink.steps.slice(0, 3)).toEqual([
      { step: 10, metrics: { loss: 1, acc: 1 / 3 } },
      { step: 20, metrics: { loss: 0.5, acc: 2 / 3 } },
      { step: 30, metrics: { loss: 1 / 3, acc: 1 } },
    ]);
    // NaN / Infinity accepted; a line without step continues the count
    expect(sink.steps[3].step).toBe(31);
    expect(sink.steps[3].metrics.loss).toBeNaN();
    expect(sink.steps[3].metrics.grad_norm).toBe(Infinity);
    expect(sink.steps[4]).toEqual({ step: 32, metrics: { unstepped: 1 } });
    const stdout = sink.lines('stdout');
    expect(stdout[0]).toBe('starting training');
    expect(stdout).toContain('[1, 2, 3]');
    expect(stdout.at(-1)).toBe('done, no newline at the end');
    const cut = stdout.find((l) => l.startsWith('xxx'));
    expect(cut).toMatch(/^x{65536} …\[line cut at 65536 characters\]$/);
    expect(sink.lines('stderr')).toEqual(['a warning on stderr']);
    expect(sink.lines('engine')[0]).toContain('metrics.mjs 3 --huge');
  });

  it('uses the last metrics line as final when there is no final line', async () => {
    const sink = new RecordingSink();
    const result = await backend.run(
      request({ command: `${NODE} metrics.mjs 2 --no-final`, cwd: FIXTURES }),
      sink,
      new AbortController().signal,
    );
    expect(result.ok).toBe(true);
    expect(result.metrics).toEqual({ unstepped: 1 });
  });

  it('fills placeholders, environment and the params file, and removes the file afterwards', async () => {
    process.env.TINYSWEEP_TRAINER_TOKEN = 'trainer-secret';
    process.env.TINYSWEEP_SEED = 'stale';
    process.env.TINYSWEEP_EVAL_AT = 'stale';
    const sink = new RecordingSink();
    const params = { lr: 0.1, adapter: { rank: 2, modules: ['q', 'v'] }, seed: 1, name: 'two words' };
    const result = await backend.run(
      {
        ...request(
          {
            command: [
              NODE,
              join(FIXTURES, 'echo-env.mjs'),
              '--lr={lr}',
              '--rank',
              '{adapter.rank}',
              '{adapter.modules}',
              '{adapter}',
              '{seed}',
              '{name}',
              '{trial_id}/{sweep_id}/{attempt}',
              '{params_file}',
              '{"literal":true}',
            ],
            env: { FIXTURE_FLAG: 'on', FIXTURE_NUM: 7, TINYSWEEP_TRIAL_ID: 'must be overridden' },
          },
          params,
        ),
        evalAt: [3, 9], // an ASHA sweep's rungs
      },
      sink,
      new AbortController().signal,
    );
    expect(result).toMatchObject({ ok: true });
    const stdout = sink.lines('stdout');
    const argv = JSON.parse(stdout.find((l) => l.startsWith('ARGV '))!.slice(5)) as string[];
    const paramsFile = argv[8];
    expect(argv).toEqual([
      '--lr=0.1',
      '--rank',
      '2',
      '["q","v"]',
      '{"rank":2,"modules":["q","v"]}',
      '1',
      'two words',
      'trial-1/sweep-1/2',
      paramsFile,
      '{"literal":true}',
    ]);
    expect(paramsFile).toMatch(/tinysweep-trainer-.*params\.json$/);
    const env = JSON.parse(stdout.find((l) => l.startsWith('ENV '))!.slice(4)) as Record<string, string>;
    expect(env).toMatchObject({
      TINYSWEEP_PARAMS: JSON.stringify(params),
      TINYSWEEP_PARAMS_FILE: paramsFile,
      TINYSWEEP_TRIAL_ID: 'trial-1',
      TINYSWEEP_SWEEP_ID: 'sweep-1',
      TINYSWEEP_ATTEMPT: '2',
      TINYSWEEP_SEED: '1',
      TINYSWEEP_EVAL_AT: '3,9',
      FIXTURE_FLAG: 'on',
      FIXTURE_NUM: '7',
      PYTHONUNBUFFERED: '1',
    });
    expect(env.TINYSWEEP_TRAINER_TOKEN).toBeUndefined(); // the trainer's secrets stay with the trainer
    expect(env.TINYSWEEP_TRIAL_DIR).toBe(join(paramsFile, '..'));
    delete process.env.TINYSWEEP_TRAINER_TOKEN;
    delete process.env.TINYSWEEP_SEED;
    delete process.env.TINYSWEEP_EVAL_AT;
    expect(JSON.parse(stdout.find((l) => l.startsWith('FILE '))!.slice(5))).toEqual(params);
    expect(stdout.find((l) => l.startsWith('CWD '))).toBe(`CWD ${workdir}`);
    expect(existsSync(paramsFile)).toBe(false);
  });

  it('rejects an unknown placeholder as a bad request', async () => {
    const result = await backend.run(request({ command: [NODE, '-e', '0', '{lrr}'] }, { lr: 1 }), new RecordingSink(), new AbortController().signal);
    expect(result).toMatchObject({ ok: false, failure: 'FAILURE_BAD_REQUEST' });
    expect(result.error).toContain('{lrr}');
  });

  it('rejects an invalid backend section and a missing cwd as bad requests', async () => {
    const signal = new AbortController().signal;
    const noCommand = await backend.run(request({ kind: 'command' }), new RecordingSink(), signal);
    expect(noCommand).toMatchObject({ ok: false, failure: 'FAILURE_BAD_REQUEST' });
    expect(noCommand.error).toContain('command');
    const badCwd = await backend.run(request({ command: [NODE, '-e', '0'], cwd: 'does/not/exist' }), new RecordingSink(), signal);
    expect(badCwd).toMatchObject({ ok: false, failure: 'FAILURE_BAD_REQUEST' });
    expect(badCwd.error).toContain('does/not/exist');
    for (const cwd of ['..', '/tmp']) {
      const outside = await backend.run(request({ command: [NODE, '-e', '0'], cwd }), new RecordingSink(), signal);
      expect(outside).toMatchObject({ ok: false, failure: 'FAILURE_BAD_REQUEST', error: `backend.cwd: ${cwd} is outside the trainer's workdir (${workdir})` });
    }
  });

  it('runs only allowed programs, and refuses the rest as bad requests naming them', async () => {
    const signal = new AbortController().signal;
    for (const command of ['no-such-program-tinysweep --x 1', '/bin/sh -c true', 'sh -c true', './metrics.mjs']) {
      const result = await backend.run(request({ command }), new RecordingSink(), signal);
      expect(result, command).toMatchObject({ ok: false, failure: 'FAILURE_BAD_REQUEST' });
      expect(result.error).toMatch(/^program ".*" is not allowed on this trainer \(allowed: .*node.*; see --allow-command\)$/);
    }
    expect((await backend.run(request({ command: 'node -e 0' }), new RecordingSink(), signal)).ok).toBe(true);
    expect(() => new CommandBackend({ programs: [] })).toThrow(/at least one allowed program/);
    expect(() => new CommandBackend({ programs: ['no-such-program-tinysweep'] })).toThrow(/not found on PATH/);
    expect(() => new CommandBackend({ programs: ['node'], passEnv: ['DATABASE_URL'] })).toThrow(/never passed to programs/);
  });

  it('runs programs as a user who can read the workdir: a named one must; the default, never root, refuses trials where it cannot', async () => {
    const hidden = mkdtempSync(join(tmpdir(), 'tinysweep-private-')); // 0700: others cannot enter
    try {
      const nobody = { name: 'nobody', uid: 65534, gid: 65534 };
      expect(() => new CommandBackend({ programs: ['node'], workdir: hidden, sandbox: { user: nobody } })).toThrow(/programs run as nobody .* cannot read/);
      if (isRoot) {
        // the workdir itself is private (not only a folder above it): no view can show it to nobody
        const closed = new CommandBackend({ programs: ['node'], workdir: hidden });
        expect(closed.sandbox.user?.name).toBe('nobody');
        expect(closed.describe().warnings).toEqual([expect.stringMatching(/cannot read .*command trials are refused until then \(or start the trainer with --command-user trainer/)]);
        const refused = await closed.run({ ...request({ command: 'node -e 0' }), workdir: hidden }, new RecordingSink(), new AbortController().signal);
        expect(refused).toMatchObject({ ok: false, failure: 'FAILURE_BAD_REQUEST', error: expect.stringMatching(/command trials are refused/) });
        closed.close();
      }
    } finally {
      rmSync(hidden, { recursive: true, force: true });
    }
  });

  // Root with a checkout in its mode-700 home, the usual GPU box: programs still run as nobody,
  // through a private view that shows the workdir and hides the rest of the home.
  it.runIf(isRoot && probeSandbox(findPython()).mountns)('in a private home, programs run as nobody and see the workdir, not the rest of the home', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tinysweep-home-')); // 0700, as /root
    try {
      const work = join(home, 'checkout');
      mkdirSync(work, { mode: 0o755 });
      copyFileSync(join(FIXTURES, 'sandbox-probe.mjs'), join(work, 'sandbox-probe.mjs'));
      const secret = join(home, 'api-token');
      writeFileSync(secret, 'tsw_admin_secret', { mode: 0o644 }); // readable by anyone who could enter
      const b = new CommandBackend({ programs: ['node'], workdir: work, killGraceMs: 500 });
      try {
        expect(b.viewed).toBe(true);
        expect(b.describe().warnings).toBeUndefined();
        const sink = new RecordingSink();
        const req = { ...request({ command: ['node', 'sandbox-probe.mjs', 'read', secret, join(work, 'sandbox-probe.mjs')] }), workdir: work };
        const result = await b.run(req, sink, new AbortController().signal);
        expect(result.ok, JSON.stringify(result)).toBe(true);
        expect(probes(sink)[0]).toEqual({ [secret]: 'ENOENT', [join(work, 'sandbox-probe.mjs')]: 'read', uid: 65534 });
        // the trainer's own view is untouched
        expect(readFileSync(secret, 'utf8')).toBe('tsw_admin_secret');
      } finally {
        b.close();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('keeps the stderr tail (at most 4 KB) and partial metrics on a non-zero exit', async () => {
    const sink = new RecordingSink();
    const result = await backend.run(request({ command: [NODE, 'fail.mjs'], cwd: FIXTURES }), sink, new AbortController().signal);
    expect(result).toMatchObject({ ok: false, failure: 'FAILURE_EXIT', metrics: { loss: 2.5 } });
    expect(result.error).toMatch(/^exit code 3: /);
    expect(result.error).toMatch(/RuntimeError: CUDA out of memory$/);
    expect(Buffer.byteLength(result.error as string)).toBeLessThanOrEqual(4096 + 'exit code 3: '.length);
    expect(result.error).not.toContain('noise line 0 ');
    expect(sink.lines('stderr')).toHaveLength(202);
  });

  it('reports death by signal', async () => {
    const result = await backend.run(
      request({ command: [NODE, '-e', "process.kill(process.pid, 'SIGSEGV')"] }),
      new RecordingSink(),
      new AbortController().signal,
    );
    expect(result).toMatchObject({ ok: false, failure: 'FAILURE_EXIT', error: 'killed by signal SIGSEGV' });
  });

  it('kills the program and its grandchild on abort, escalating to SIGKILL after the grace', async () => {
    const sink = new RecordingSink();
    const controller = new AbortController();
    const started = Date.now();
    const running = backend.run(request({ command: [NODE, 'grandchild.mjs', '--ignore-term'], cwd: FIXTURES }), sink, controller.signal);
    expect(await waitFor(() => sink.steps.length > 0)).toBe(true);
    const { child_pid: childPid, grandchild_pid: grandchildPid } = sink.steps[0].metrics;
    expect(processAlive(childPid)).toBe(true);
    expect(processAlive(grandchildPid)).toBe(true);
    controller.abort(new TrainAbort('cancelled', 'training cancelled: test'));
    const result = await running;
    expect(result).toMatchObject({ ok: false, failure: 'FAILURE_CANCELLED', error: 'training cancelled: test' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500); // SIGTERM was ignored; SIGKILL after the grace
    expect(await waitFor(() => !processAlive(childPid) && !processAlive(grandchildPid), 5000)).toBe(true);
  });

  it('reports a timeout abort as FAILURE_TIMEOUT', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(timeoutAbort(300)), 300);
    const result = await backend.run(request({ command: [NODE, 'hang.mjs'], cwd: FIXTURES }), new RecordingSink(), controller.signal);
    expect(result).toMatchObject({ ok: false, failure: 'FAILURE_TIMEOUT', error: 'trial timed out after 0.3 s', metrics: { pid: expect.any(Number) } });
    expect(processAlive(result.metrics!.pid as number)).toBe(false);
  });

  it('stops processes a program leaves behind after it exits', async () => {
    const result = await new CommandBackend({ programs: [NODE], workdir, killGraceMs: 500, drainMs: 200 }).run(
      request({ command: [NODE, 'straggler.mjs'], cwd: FIXTURES }),
      new RecordingSink(),
      new AbortController().signal,
    );
    expect(result, result.error).toMatchObject({ ok: true, metrics: { acc: 1 } });
    const straggler = result.metrics!.straggler_pid as number;
    expect(await waitFor(() => !processAlive(straggler), 3000)).toBe(true);
  });

  it('ends a straggler that ignores SIGTERM with a SIGKILL, and still reports how the program itself ended', async () => {
    // The SIGKILL goes through the trial's cgroup (cgroup.kill) where there is one: the launcher,
    // outside it, lives to report the program's exit (it used to be in it, and die unreported).
    const result = await new CommandBackend({ programs: [NODE], workdir, killGraceMs: 300, drainMs: 100 }).run(
      request({ command: [NODE, 'stubborn-straggler.mjs'], cwd: FIXTURES }),
      new RecordingSink(),
      new AbortController().signal,
    );
    expect(result, result.error).toMatchObject({ ok: true, failure: 'FAILURE_NONE', metrics: { acc: 1 } });
    const straggler = result.metrics!.straggler_pid as number;
    expect(await waitFor(() => !processAlive(straggler), 3000)).toBe(true);
  });

  it('the launcher server killed mid-run: the attempt fails saying so, its program ends, the next attempt gets a new server', async () => {
    const own = new CommandBackend({ programs: [NODE], workdir, killGraceMs: 500 });
    const sink = new RecordingSink();
    const running = own.run(request({ command: [NODE, 'grandchild.mjs'], cwd: FIXTURES }), sink, new AbortController().signal);
    expect(await waitFor(() => sink.steps.length > 0)).toBe(true);
    const { child_pid: childPid } = sink.steps[0].metrics;
    const servers = launcherServers();
    expect(servers.length).toBeGreaterThan(0);
    for (const pid of servers) process.kill(pid, 'SIGKILL');
    const result = await running;
    expect(result).toMatchObject({ ok: false, failure: 'FAILURE_EXIT', error: expect.stringMatching(/sandbox launcher server exited .*the program was stopped/) });
    expect(await waitFor(() => !processAlive(childPid), 5000)).toBe(true); // its launcher's parent-death signal
    const again = await own.run(request({ command: [NODE, 'metrics.mjs', '1'], cwd: FIXTURES }, { steps: 1 }), new RecordingSink(), new AbortController().signal);
    expect(again).toMatchObject({ ok: true });
    own.close();
  });
});

/** Launcher servers (launch.py --serve) this test process started. */
function launcherServers(): number[] {
  const out: number[] = [];
  for (const tid of readdirSync(`/proc/${process.pid}/task`)) {
    let children: string;
    try {
      children = readFileSync(`/proc/${process.pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue; // the thread ended
    }
    for (const pid of children.split(/\s+/).filter(Boolean).map(Number)) {
      const cmdline = (() => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          return ''; // gone meanwhile
        }
      })();
      if (cmdline.includes('--serve')) out.push(pid);
    }
  }
  return out;
}

/**
 * The sandbox (sandbox/launch.py) against a program that tries to get out, as issue 14 lists:
 * secrets, writes outside its directory, memory and CPU past the limits, connections, and processes
 * that leave their process group.
 */
describe('CommandBackend sandbox', () => {
  const backend = new CommandBackend({ programs: ['node'], workdir, killGraceMs: 500, drainMs: 100 });
  const run = (args: string[], b: CommandBackend = backend, signal = new AbortController().signal) => {
    const sink = new RecordingSink();
    return b.run(request({ command: ['node', 'sandbox-probe.mjs', ...args] }), sink, signal).then((result) => ({ result, sink }));
  };
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it('a program cannot read DATABASE_URL, REDIS_URL or the trainer\'s tokens', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1/db', REDIS_URL: 'redis://127.0.0.1:6379', TINYSWEEP_NODE_TOKEN: 'tsw_node_x', TINYSWEEP_TRAINER_TOKEN: 'tsw_trainer_x', MY_SECRET: 's' });
    try {
      const { result, sink } = await run(['secrets', String(process.pid)]);
      expect(result.ok).toBe(true);
      const [probe] = probes(sink);
      expect(probe!.leaked).toEqual([]);
      // As nobody (the default under root, when nobody can read the workdir), the trainer's own environment in /proc is closed too.
      if (isRoot && backend.sandbox.user) expect(probe).toMatchObject({ environ: 'EACCES', uid: backend.sandbox.user.uid });
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    }
  });

  // As nobody (root's default) and as the trainer's own user: then Landlock alone keeps it in.
  it.each([['the default user', backend], ["the trainer's own user", new CommandBackend({ programs: ['node'], workdir, sandbox: { user: undefined } })]])('a program cannot write outside its directory (as %s)', async (_who, b) => {
    const outside = [join(workdir, 'escaped.txt'), join(workdir, '..', 'escaped.txt'), `/tmp/tinysweep-escaped-${process.pid}.txt`];
    const { result, sink } = await run(['write', ...outside], b);
    expect(result.ok).toBe(true);
    const [probe] = probes(sink);
    for (const f of outside) {
      expect(probe![f], f).toMatch(/^(EACCES|EPERM|EROFS)$/);
      expect(existsSync(f), f).toBe(false);
    }
    expect(probe).toMatchObject({ inside: 'ok', home: true });
  });

  it('a program is killed past its memory limit', async () => {
    const small = new CommandBackend({ programs: ['node'], workdir, killGraceMs: 500, sandbox: { limits: { memory: 256 * 1024 ** 2, as: null, cpu: null, fsize: null, nproc: null, nofile: null } } });
    const { result } = await run(['memory'], small);
    expect(result).toMatchObject({ ok: false, failure: 'FAILURE_EXIT' });
    expect(result.error).toMatch(/^killed: the program used more memory than its limit \(\d+(\.\d)? MiB resident, limit 256 MiB\)/);
  });

  it('a program is stopped at its CPU-time limit', async () => {
    const brief = new CommandBackend({ programs: ['node'], workdir, killGraceMs: 500, sandbox: { limits: { memory: null, as: null, cpu: 1, fsize: null, nproc: null, nofile: null } } });
    const { result } = await run(['cpu'], brief);
    expect(result).toMatchObject({ ok: false, failure: 'FAILURE_EXIT', error: 'killed: the program used its CPU-time limit (1 s)' });
  });

  it('a program may connect only to the allowed ports', async () => {
    const server = createServer((c) => c.end());
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    expect(probes((await run(['connect', String(port)])).sink)[0]).toEqual({ connect: 'EACCES' });
    const open = new CommandBackend({ programs: ['node'], workdir, sandbox: { connectPorts: [port] } });
    expect(probes((await run(['connect', String(port)], open)).sink)[0]).toEqual({ connect: 'CONNECTED' });
  });

  for (const cgroup of ['auto', 'off'] as const) {
    it(`a setsid child dies with its trial, when the program exits and when the trial is cancelled (cgroup ${cgroup})`, async () => {
      const b = new CommandBackend({ programs: ['node'], workdir, killGraceMs: 500, drainMs: 100, sandbox: { cgroup } });
      const exited = await run(['setsid', '--exit'], b);
      expect(exited.result.ok).toBe(true);
      const pid1 = exited.sink.steps[0]!.metrics.escaped_pid!;
      expect(await waitFor(() => !processAlive(pid1))).toBe(true); // a deadline (10 s): a loaded machine reaps slowly

      const controller = new AbortController();
      const sink = new RecordingSink();
      const running = b.run(request({ command: ['node', 'sandbox-probe.mjs', 'setsid'] }), sink, controller.signal);
      expect(await waitFor(() => sink.steps.length > 0)).toBe(true);
      const pid2 = sink.steps[0]!.metrics.escaped_pid!;
      expect(processAlive(pid2)).toBe(true);
      controller.abort(new TrainAbort('cancelled', 'training cancelled: test'));
      expect(await running).toMatchObject({ ok: false, failure: 'FAILURE_CANCELLED' });
      expect(await waitFor(() => !processAlive(pid2))).toBe(true);
    });
  }
});
