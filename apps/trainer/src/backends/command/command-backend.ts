import { hashCode } from '@tinysweep/engine';
import type { TrainResult } from '@tinysweep/proto';
import { isInside } from '@tinysweep/spec';
import { realpathSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendRequest, EventSink, TrainerBackend } from '../backend.js';
import { abortedResult } from '../train-abort.js';
import { FileHasher, filesNamedIn } from '../fingerprint.js';
import { AllowedPrograms } from './allowed-programs.js';
import { describeLimit, type CommandLimits } from './command-limits.js';
import { commandArgv, parseCommandSpec, type CommandSpec } from './command-spec.js';
import { LineSplitter, MAX_LINE_LENGTH } from './line-splitter.js';
import { expandArgv } from './placeholders.js';
import { killGroup } from './process-group.js';
import { ProgramOutput } from './program-output.js';
import { checkPassThrough, programEnv } from './program-env.js';
import { LauncherServer, type LaunchedProgram } from './launcher-server.js';
import { assertUserCanRead, defaultSandbox, privateView, probeSandbox, userMay, WRITABLE_DEVICES, type PrivateView, type SandboxOptions } from './sandbox.js';
import { TailBuffer } from './tail-buffer.js';
import { TrialCgroups } from './trial-cgroups.js';

/** Bytes of stderr a failure reports. */
export const STDERR_TAIL_BYTES = 4096;

export interface CommandBackendOptions {
  /**
   * The programs it may start (--allow-command): names found on PATH, or paths (absolute or relative
   * to `workdir`). A spec naming any other program fails as a bad request.
   */
  programs: readonly string[];
  /** Trainer environment variables passed to programs besides BASE_ENV (--command-env). @defaultValue [] */
  passEnv?: readonly string[];
  /** How programs are confined; each field over defaultSandbox(). */
  sandbox?: Partial<SandboxOptions>;
  /** Base of relative paths in `programs`. @defaultValue process.cwd() */
  workdir?: string;
  /**
   * How long a program gets between SIGTERM and SIGKILL when it is cancelled or times out.
   * @defaultValue 5000
   */
  killGraceMs?: number;
  /**
   * After the program exits, how long the processes it left behind get to finish before they are
   * stopped (SIGTERM, then SIGKILL after `killGraceMs`).
   * @defaultValue 1000
   */
  drainMs?: number;
  /**
   * Parent of the per-trial directories (params file, the program's HOME and TMPDIR).
   * @defaultValue os.tmpdir()
   */
  tmpDir?: string;
}

/** What the launcher reported on its status pipe (sandbox/launch.py). */
interface LauncherReport {
  started?: { pid: number; landlock: number; cgroup: boolean };
  refused?: { reason: string; code: string | null };
  limit?: { what: string; limit: number; used: number };
  exit?: { code: number | null; signal: NodeJS.Signals | null };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** Resolves true when `p` settles within `ms`, false otherwise. */
async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([p.then(() => true), sleep(ms).then(() => false)]);
}

function badRequest(error: string, started: number): TrainResult {
  return { ok: false, failure: 'FAILURE_BAD_REQUEST', error, seconds: (performance.now() - started) / 1000 };
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs a user's own training program (a PyTorch script, anything) once per trial — only programs
 * the trainer allows, and confined (sandbox/launch.py does the confining):
 *
 * - the environment is an allow-list (program-env.ts): never the trainer's database or Redis URLs
 *   or tokens; HOME and TMPDIR are the attempt's own directory, removed afterwards;
 * - the working directory (`backend.cwd`) must lie inside the trainer's workdir, symlinks followed;
 * - writes only beneath the attempt's directory (Landlock), TCP connections only to the allowed
 *   ports, resource limits (command-limits.ts), and as an unprivileged user when the trainer is root;
 * - the program and everything it starts, setsid or not, end with the attempt (a cgroup v2 per
 *   attempt where the trainer may make one, and the launcher as their subreaper everywhere).
 *
 * The program gets the trial's parameters through `{placeholders}` in its arguments, the
 * TINYSWEEP_* environment (TINYSWEEP_PARAMS, _PARAMS_FILE, _TRIAL_ID, _SWEEP_ID, _ATTEMPT, _SEED,
 * _EVAL_AT for an ASHA sweep's rungs, _TRIAL_DIR; _CHECKPOINT_EVERY and _RESUME_FILE for programs
 * that checkpoint) and a params JSON file, and reports metrics (and checkpoints) as JSON lines on
 * stdout (see program-output.ts).
 */
/** This backend's code (apps/trainer/{dist,src}/backends/command) and the sandbox launcher, hashed: what runs a program. */
const COMMAND_CODE = `code.${hashCode([fileURLToPath(new URL('.', import.meta.url)), fileURLToPath(new URL('../../../sandbox', import.meta.url))])}`;

export class CommandBackend implements TrainerBackend {
  readonly name = 'command';
  readonly programs: AllowedPrograms;
  readonly sandbox: SandboxOptions;
  /** What the trainer should warn about at start-up (a default it could not keep). */
  readonly warnings: string[] = [];
  /** The Landlock ABI the launcher found (0: none). */
  readonly landlock: number;
  /** Programs see the file system through a private view (sandbox.ts PrivateView): the workdir lies in a private home. */
  readonly viewed: boolean = false;
  /** Why command trials are refused on this trainer (the default user cannot reach the workdir and no view can be made). */
  private readonly closed?: string;
  private readonly opts: { killGraceMs: number; drainMs: number; tmpDir: string; passEnv: string[] };
  private cgroups?: Promise<TrialCgroups | undefined>;
  /** Created on first use; holds one directory per running attempt. */
  private scratch?: Promise<string>;
  private dirsMade = 0;
  private readonly files = new FileHasher();
  private readonly launcher: LauncherServer;

  constructor(opts: CommandBackendOptions) {
    this.opts = { killGraceMs: opts.killGraceMs ?? 5000, drainMs: opts.drainMs ?? 1000, tmpDir: opts.tmpDir ?? tmpdir(), passEnv: checkPassThrough(opts.passEnv ?? []) };
    if (!(this.opts.killGraceMs >= 0)) throw new Error('killGraceMs must be at least 0');
    if (!(this.opts.drainMs >= 0)) throw new Error('drainMs must be at least 0');
    if (opts.programs.length === 0) throw new Error('the command backend needs at least one allowed program (--allow-command)');
    this.programs = new AllowedPrograms(opts.programs, { workdir: opts.workdir ?? process.cwd() });
    this.sandbox = { ...defaultSandbox(), ...opts.sandbox };
    const probe = probeSandbox(this.sandbox.python);
    this.landlock = probe.landlock;
    const user = this.sandbox.user;
    if (user) {
      const workdir = resolve(opts.workdir ?? process.cwd());
      try {
        assertUserCanRead(workdir, user);
      } catch (err) {
        // A user asked for by name must work. The default (nobody under root) with a workdir in a
        // private home (a clone under /root): each program gets a private view of the file system
        // that shows it the workdir, and never runs as root; where no view can be made, command
        // trials are refused rather than run with root's reads (the stack's token, others' /proc).
        if (opts.sandbox && 'user' in opts.sandbox) throw err;
        if (probe.mountns && userMay(workdir, user, 5)) {
          this.viewed = true;
        } else {
          this.closed = `${(err as Error).message}; ${probe.mountns ? '' : 'this machine cannot give programs a private view of it (no mount namespace), so '}command trials are refused until then (or start the trainer with --command-user trainer, and programs read what the trainer reads)`;
          this.warnings.push(this.closed);
        }
      }
    }
    this.launcher = new LauncherServer(this.sandbox.python);
    if (this.landlock === 0 && this.sandbox.landlock === 'required') {
      throw new Error(
        'this kernel has no Landlock, which keeps programs from writing outside their directory; ' +
          'run the trainer on Linux ≥ 5.13 with Landlock enabled, or accept unconfined writes with --command-landlock off',
      );
    }
  }

  /** Stops the launcher server (programs still running end as on a cancel). */
  close(): void {
    this.launcher.close();
  }

  /** What the startup log says about the sandbox. */
  describe(): Record<string, unknown> {
    const limits = Object.fromEntries(Object.entries(this.limits()).map(([k, v]) => [k, describeLimit(k as keyof CommandLimits, v)]));
    return {
      ...(this.warnings.length > 0 ? { warnings: this.warnings } : {}),
      programs: this.programs.names,
      user: this.sandbox.user?.name ?? 'the trainer\'s own',
      ...(this.viewed ? { view: 'private: the workdir is in a private home, programs see only it, the data roots and their own directory there' } : {}),
      landlock: this.landlock,
      connectPorts: this.sandbox.connectPorts,
      limits,
    };
  }

  /** The limits in force; the process count only binds a user of the programs' own. */
  private limits(): CommandLimits {
    return { ...this.sandbox.limits, nproc: this.sandbox.user ? this.sandbox.limits.nproc : null };
  }

  async run(req: BackendRequest, sink: EventSink, signal: AbortSignal): Promise<TrainResult> {
    const started = performance.now();
    if (this.closed) return badRequest(this.closed, started);
    if (req.mode === 'evaluate') return badRequest('the command backend cannot evaluate a stored adapter (Evaluate is for tinylora\'s shared trainings)', started);
    let spec: CommandSpec;
    try {
      spec = parseCommandSpec(req.spec);
    } catch (err) {
      return badRequest((err as Error).message, started);
    }
    const cwd = await this.workingDir(req, spec);
    if ('error' in cwd) return badRequest(cwd.error, started);
    if (signal.aborted) return abortedResult(signal.reason, { seconds: 0 });

    const trialDir = await this.makeTrialDir(req);
    try {
      const paramsFile = join(trialDir, 'params.json');
      const paramsText = JSON.stringify(req.params);
      await writeFile(paramsFile, paramsText, { mode: 0o600 });
      if (this.sandbox.user) await chown(paramsFile, this.sandbox.user.uid, this.sandbox.user.gid);
      let argv: string[];
      try {
        argv = expandArgv(commandArgv(spec), req.params, { trial_id: req.trialId, sweep_id: req.sweepId, attempt: req.attempt, params_file: paramsFile });
      } catch (err) {
        return badRequest((err as Error).message, started);
      }
      const program = this.programs.resolve(argv[0]!, cwd.dir);
      if ('error' in program) return badRequest(program.error, started);
      const own: Record<string, string> = {
        TINYSWEEP_PARAMS: paramsText,
        TINYSWEEP_PARAMS_FILE: paramsFile,
        TINYSWEEP_TRIAL_ID: req.trialId,
        ...(req.trainingId ? { TINYSWEEP_TRAINING_ID: req.trainingId } : {}),
        TINYSWEEP_SWEEP_ID: req.sweepId,
        TINYSWEEP_ATTEMPT: String(req.attempt),
      };
      const seed = req.params.seed;
      if (seed !== undefined && seed !== null) own.TINYSWEEP_SEED = typeof seed === 'string' ? seed : JSON.stringify(seed);
      if (req.evalAt?.length) own.TINYSWEEP_EVAL_AT = req.evalAt.join(',');
      // Resumable trials: the program checkpoints by printing {"step": …, "checkpoint": …} (at every
      // TINYSWEEP_EVAL_AT step, where an ASHA sweep may pause it, and every _CHECKPOINT_EVERY steps);
      // a later attempt finds the last one in the file TINYSWEEP_RESUME_FILE names.
      if (req.checkpointEvery) own.TINYSWEEP_CHECKPOINT_EVERY = String(req.checkpointEvery);
      if (req.resumeJson) {
        const resumeFile = join(trialDir, 'resume.json');
        await writeFile(resumeFile, req.resumeJson, { mode: 0o600 });
        if (this.sandbox.user) await chown(resumeFile, this.sandbox.user.uid, this.sandbox.user.gid);
        own.TINYSWEEP_RESUME_FILE = resumeFile;
      }
      const env = programEnv({ trainerEnv: process.env, passThrough: this.opts.passEnv, trialDir, specEnv: spec.env, own });
      sink.log('engine', `$ ${argv.map(quoteArg).join(' ')}  (cwd ${cwd.dir})`);
      const view = this.viewed ? privateView(this.shown(req, trialDir, program.file), this.sandbox.user!) : undefined;
      const result = await this.runProgram([program.file, ...argv.slice(1)], argv[0]!, cwd.dir, { trialDir, view }, env, sink, signal, started);
      return result.ok ? { ...result, environmentJson: JSON.stringify(await this.fingerprint(req).catch(() => ({}))) } : result;
    } finally {
      await rm(trialDir, { recursive: true, force: true });
    }
  }

  /** `backend.cwd` resolved against the workdir, symlinks followed; it must stay inside the workdir. */
  private async workingDir(req: BackendRequest, spec: CommandSpec): Promise<{ dir: string } | { error: string }> {
    const wanted = resolve(req.workdir, spec.cwd ?? '.');
    const [dir, root] = await Promise.all([realpath(wanted).catch(() => undefined), realpath(req.workdir).catch(() => req.workdir)]);
    if (!dir || !(await stat(dir).catch(() => undefined))?.isDirectory()) return { error: `backend.cwd: not a directory: ${wanted}` };
    if (!isInside(dir, root)) return { error: `backend.cwd: ${spec.cwd} is outside the trainer's workdir (${req.workdir})` };
    return { dir };
  }

  /** A fresh directory for one attempt (the program's HOME, TMPDIR and only writable place), the program's user's own. */
  private async makeTrialDir(req: BackendRequest): Promise<string> {
    // One scratch folder per trainer, one directory per attempt: a mkdtemp per trial cost a tenth
    // of the trainer's CPU on short trials. Others may pass through it (0711) but not list it.
    this.scratch ??= mkdtemp(join(this.opts.tmpDir, 'tinysweep-trainer-')).then(async (d) => (await chmod(d, 0o711), d));
    const dir = join(await this.scratch, `${req.trialId || req.trainingId || 'run'}.${req.attempt}.${++this.dirsMade}`);
    await mkdir(dir, { mode: 0o700 });
    if (this.sandbox.user) await chown(dir, this.sandbox.user.uid, this.sandbox.user.gid);
    return dir;
  }

  /**
   * The program's files (arguments naming files, e.g. train.py) and the data files its params name,
   * hashed, with a hash of this backend's own code and its sandbox launcher as the engine: result
   * reuse keys on them. Only files inside
   * the trainer's roots are hashed. A program reading data its params do not name (a fixed path
   * inside the script) should put a version in its params.
   */
  async fingerprint(req: BackendRequest): Promise<Record<string, string>> {
    const spec = parseCommandSpec(req.spec);
    const cwd = resolve(req.workdir, spec.cwd ?? '.');
    const roots = req.roots ?? [req.workdir];
    const argv = expandArgv(commandArgv(spec), req.params, { trial_id: req.trialId, sweep_id: req.sweepId, attempt: req.attempt, params_file: '' });
    return {
      engine: `command/${COMMAND_CODE}`,
      code_hash: await this.files.hashAll(await filesNamedIn(argv, cwd, 'argv', roots)),
      data_hash: await this.files.hashAll(await filesNamedIn(req.params, cwd, 'params', roots)),
    };
  }

  /**
   * What a program in a private view sees of a private home: the workdir, the data roots, its own
   * directory, the folders it may write to, and the installation its program comes from (a node or
   * python3 under the home, e.g. pyenv's: bin/'s parent).
   */
  private shown(req: BackendRequest, trialDir: string, program: string): string[] {
    let install: string[] = [];
    try {
      install = [dirname(dirname(realpathSync(program)))];
    } catch {
      // not there: the launcher says so
    }
    return [req.workdir, ...(req.roots ?? []), trialDir, ...this.sandbox.writeDirs, ...install];
  }

  private async runProgram(
    argv: string[],
    shownAs: string,
    cwd: string,
    { trialDir, view }: { trialDir: string; view: PrivateView | undefined },
    env: Record<string, string>,
    sink: EventSink,
    signal: AbortSignal,
    started: number,
  ): Promise<TrainResult> {
    this.cgroups ??= this.sandbox.cgroup === 'auto' ? TrialCgroups.detect() : Promise.resolve(undefined);
    const cgroups = await this.cgroups;
    const cgroup = await cgroups?.create().catch(() => undefined);
    const user = this.sandbox.user;
    const config = {
      cwd,
      writeDirs: [trialDir, ...this.sandbox.writeDirs],
      writeFiles: WRITABLE_DEVICES,
      connectPorts: this.sandbox.connectPorts === 'any' ? null : this.sandbox.connectPorts,
      limits: this.limits(),
      uid: user?.uid ?? null,
      gid: user?.gid ?? null,
      cgroup: cgroup ?? null,
      view: view ?? null,
      landlock: this.sandbox.landlock,
      graceMs: this.opts.killGraceMs,
      drainMs: this.opts.drainMs,
    };
    let child: LaunchedProgram;
    try {
      child = await this.launcher.launch({ config, argv, env, cwd });
    } catch (err) {
      if (cgroup) await cgroups?.remove(cgroup);
      return badRequest(`cannot start the command sandbox (${this.sandbox.python}): ${(err as Error).message}`, started);
    }
    const pid = child.pid;

    const report: LauncherReport = {};
    const status = new LineSplitter((line) => {
      try {
        const { event, ...fields } = JSON.parse(line) as { event: keyof LauncherReport } & Record<string, unknown>;
        (report as Record<string, unknown>)[event] = fields;
      } catch {
        // not a status line: ignore
      }
    });
    child.status.on('data', (chunk: Buffer) => status.push(chunk));

    const output = new ProgramOutput();
    const stderrTail = new TailBuffer(STDERR_TAIL_BYTES);
    const truncated = (line: string) => `${line} …[line cut at ${MAX_LINE_LENGTH} characters]`;
    const stdoutLines = new LineSplitter((line, cut) => {
      if (cut) return sink.log('stdout', truncated(line));
      const read = output.read(line);
      if (read.kind === 'log') sink.log('stdout', line);
      else if (read.kind === 'progress') sink.progress(read.step, read.metrics);
      if (read.checkpoint) sink.checkpoint(read.checkpoint.step, read.checkpoint.stateJson);
    });
    const stderrLines = new LineSplitter((line, cut) => sink.log('stderr', cut ? truncated(line) : line));
    child.stdout.on('data', (chunk: Buffer) => stdoutLines.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderrTail.push(chunk);
      stderrLines.push(chunk);
    });
    const streams = [child.stdout, child.stderr, child.status];
    const stdioClosed = Promise.all(streams.map((s) => new Promise((r) => s.once('close', r))));

    let launcherExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let lost: string | undefined;
    let abortReason: unknown;
    let fallback: NodeJS.Timeout | undefined;
    // The launcher ends the program and what it started (TERM, then KILL after the grace); should
    // it not be gone soon after, its whole group is killed from here.
    const onAbort = () => {
      if (launcherExit) return;
      abortReason ??= signal.reason;
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone: its exit is on the way
      }
      fallback ??= setTimeout(() => void killGroup(pid, 0), this.opts.killGraceMs + 3000);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();

    try {
      const ended = await child.exited;
      launcherExit = { code: ended.code, signal: ended.signal };
      if (ended.lost) lost = ended.lost;
      if (!(await within(stdioClosed, 1000))) for (const s of streams) s.destroy();
    } finally {
      signal.removeEventListener('abort', onAbort);
      clearTimeout(fallback);
      if (cgroup) await cgroups?.remove(cgroup);
    }
    status.end();
    stdoutLines.end();
    stderrLines.end();

    const partial: TrainResult = {
      metrics: output.metrics,
      trainableParams: output.trainableParams,
      effectiveParams: output.effectiveParams,
      adapterJson: output.adapterJson,
      seconds: (performance.now() - started) / 1000,
    };
    if (report.refused) return badRequest(this.refusal(report.refused, shownAs, cwd), started);
    if (abortReason !== undefined) return abortedResult(abortReason, partial);
    if (lost) return { ...partial, ok: false, failure: 'FAILURE_EXIT', error: `${lost}; the program was stopped` };
    const exit = report.exit ?? launcherExit ?? { code: null, signal: null };
    if (exit.code === 0 && !report.limit) return { ...partial, ok: true, failure: 'FAILURE_NONE', error: '' };
    const tail = stderrTail.toString();
    const why = this.why(exit, report.limit);
    return { ...partial, ok: false, failure: 'FAILURE_EXIT', error: tail ? `${why}: ${tail}` : why };
  }

  /** Why the program stopped, in words: its exit code, its signal, or the limit it ran into. */
  private why(exit: { code: number | null; signal: NodeJS.Signals | null }, limit: LauncherReport['limit']): string {
    const limits = this.limits();
    if (limit?.what === 'memory') {
      return `killed: the program used more memory than its limit (${describeLimit('memory', limit.used)} resident, limit ${describeLimit('memory', limit.limit)})`;
    }
    if (exit.signal === 'SIGXCPU') return `killed: the program used its CPU-time limit (${describeLimit('cpu', limits.cpu)})`;
    if (exit.signal === 'SIGXFSZ') return `killed: the program wrote a file past the file-size limit (${describeLimit('fsize', limits.fsize)})`;
    return exit.code !== null ? `exit code ${exit.code}` : `killed by signal ${exit.signal}`;
  }

  private refusal(r: NonNullable<LauncherReport['refused']>, program: string, cwd: string): string {
    if (r.code === 'ENOENT') return `program not found: "${program}" (cwd ${cwd})`;
    const as = this.sandbox.user ? ` as ${this.sandbox.user.name}` : '';
    if (r.code === 'EACCES') return `cannot start "${program}"${as}: permission denied (${r.reason}); programs run${as || " as the trainer's user"} — see --command-user`;
    return `cannot start "${program}"${as}: ${r.reason}`;
  }
}
