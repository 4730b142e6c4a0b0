import type { TrainResult } from '@tinysweep/proto';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BackendRequest, EventSink, TrainerBackend } from '../backend.js';
import { abortedResult } from '../train-abort.js';
import { FileHasher, filesNamedIn } from '../fingerprint.js';
import { TRAINER_VERSION } from '../../version.js';
import { commandArgv, parseCommandSpec, type CommandSpec } from './command-spec.js';
import { LineSplitter, MAX_LINE_LENGTH } from './line-splitter.js';
import { expandArgv } from './placeholders.js';
import { killGroup } from './process-group.js';
import { ProgramOutput } from './program-output.js';
import { TailBuffer } from './tail-buffer.js';

/** Bytes of stderr a failure reports. */
export const STDERR_TAIL_BYTES = 4096;

export interface CommandBackendOptions {
  /**
   * How long a program gets between SIGTERM and SIGKILL when it is cancelled or times out.
   * @defaultValue 5000
   */
  killGraceMs?: number;
  /**
   * After the program exits, how long to wait for its stdout/stderr to close before the processes
   * it left behind (holding them open) are stopped.
   * @defaultValue 1000
   */
  drainMs?: number;
  /**
   * Parent of the per-trial temp dirs (params file).
   * @defaultValue os.tmpdir()
   */
  tmpDir?: string;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Trainer secrets a user's program must not inherit (unless its spec sets them itself). */
export const WITHHELD_ENV = ['TINYSWEEP_TRAINER_TOKEN', 'TINYSWEEP_API_TOKEN'] as const;

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
 * Runs a user's own training program (a PyTorch script, anything) once per trial.
 *
 * The program gets the trial's parameters through `{placeholders}` in its arguments, the
 * TINYSWEEP_* environment and a params JSON file, and reports metrics as JSON lines on stdout
 * (see program-output.ts). It runs without a shell in its own process group; cancelling or
 * timing out stops the whole group (SIGTERM, then SIGKILL after `killGraceMs`).
 *
 * Environment given to the program (on top of the trainer's and the spec's `env`):
 * TINYSWEEP_PARAMS (JSON), TINYSWEEP_PARAMS_FILE, TINYSWEEP_TRIAL_ID, TINYSWEEP_SWEEP_ID,
 * TINYSWEEP_ATTEMPT, TINYSWEEP_SEED (when params.seed is set), TINYSWEEP_EVAL_AT (an ASHA sweep's
 * rungs, comma-separated: the steps whose metric decides whether the trial continues), and PYTHONUNBUFFERED=1 unless the
 * spec sets it (so Python's print() is not held back by pipe buffering). The trainer's own tokens
 * (WITHHELD_ENV) are not passed on.
 */
export class CommandBackend implements TrainerBackend {
  readonly name = 'command';
  private readonly opts: Required<CommandBackendOptions>;
  /** Created on first use; holds one params file per running attempt. */
  private scratch?: Promise<string>;
  private filesWritten = 0;
  private readonly files = new FileHasher();

  constructor(opts: CommandBackendOptions = {}) {
    this.opts = { killGraceMs: 5000, drainMs: 1000, tmpDir: tmpdir(), ...opts };
    if (!(this.opts.killGraceMs >= 0)) throw new Error('killGraceMs must be at least 0');
    if (!(this.opts.drainMs >= 0)) throw new Error('drainMs must be at least 0');
  }

  async run(req: BackendRequest, sink: EventSink, signal: AbortSignal): Promise<TrainResult> {
    const started = performance.now();
    let spec: CommandSpec;
    try {
      spec = parseCommandSpec(req.spec);
    } catch (err) {
      return badRequest((err as Error).message, started);
    }
    const cwd = resolve(req.workdir, spec.cwd ?? '.');
    const cwdStat = await stat(cwd).catch(() => undefined);
    if (!cwdStat?.isDirectory()) return badRequest(`cwd is not a directory: ${cwd}`, started);
    if (signal.aborted) return abortedResult(signal.reason, { seconds: 0 });

    // One scratch folder per trainer, one params file per attempt: a folder per trial cost a
    // mkdtemp and a recursive rm each time, a tenth of the trainer's CPU on short trials.
    this.scratch ??= mkdtemp(join(this.opts.tmpDir, 'tinysweep-trainer-'));
    const paramsFile = join(await this.scratch, `${req.trialId}.${req.attempt}.${++this.filesWritten}.params.json`);
    try {
      const paramsText = JSON.stringify(req.params);
      await writeFile(paramsFile, paramsText);
      let argv: string[];
      try {
        argv = expandArgv(commandArgv(spec), req.params, {
          trial_id: req.trialId,
          sweep_id: req.sweepId,
          attempt: req.attempt,
          params_file: paramsFile,
        });
      } catch (err) {
        return badRequest((err as Error).message, started);
      }
      const seed = req.params.seed;
      const inherited: NodeJS.ProcessEnv = { ...process.env };
      for (const name of WITHHELD_ENV) delete inherited[name];
      const env: NodeJS.ProcessEnv = {
        ...inherited,
        PYTHONUNBUFFERED: '1',
        ...spec.env,
        TINYSWEEP_PARAMS: paramsText,
        TINYSWEEP_PARAMS_FILE: paramsFile,
        TINYSWEEP_TRIAL_ID: req.trialId,
        TINYSWEEP_SWEEP_ID: req.sweepId,
        TINYSWEEP_ATTEMPT: String(req.attempt),
      };
      if (seed !== undefined && seed !== null) env.TINYSWEEP_SEED = typeof seed === 'string' ? seed : JSON.stringify(seed);
      else delete env.TINYSWEEP_SEED;
      if (req.evalAt?.length) env.TINYSWEEP_EVAL_AT = req.evalAt.join(',');
      else delete env.TINYSWEEP_EVAL_AT;
      sink.log('engine', `$ ${argv.map(quoteArg).join(' ')}  (cwd ${cwd})`);
      const result = await this.runProgram(argv, cwd, env, sink, signal, started);
      return result.ok ? { ...result, environmentJson: JSON.stringify(await this.fingerprint(req).catch(() => ({}))) } : result;
    } finally {
      await rm(paramsFile, { force: true });
    }
  }

  /**
   * The program's files (arguments naming files, e.g. train.py) and the data files its params name,
   * hashed, with the trainer version as the engine: result reuse keys on them. A program reading data
   * its params do not name (a fixed path inside the script) should put a version in its params.
   */
  async fingerprint(req: BackendRequest): Promise<Record<string, string>> {
    const spec = parseCommandSpec(req.spec);
    const cwd = resolve(req.workdir, spec.cwd ?? '.');
    const argv = expandArgv(commandArgv(spec), req.params, { trial_id: req.trialId, sweep_id: req.sweepId, attempt: req.attempt, params_file: '' });
    return {
      engine: `command/${TRAINER_VERSION}`,
      code_hash: await this.files.hashAll(await filesNamedIn(argv, cwd, 'argv')),
      data_hash: await this.files.hashAll(await filesNamedIn(req.params, cwd, 'params')),
    };
  }

  private async runProgram(
    argv: string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
    sink: EventSink,
    signal: AbortSignal,
    started: number,
  ): Promise<TrainResult> {
    const [program, ...args] = argv;
    const child = spawn(program, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const spawnError = await new Promise<NodeJS.ErrnoException | null>((res) => {
      child.once('spawn', () => res(null));
      child.once('error', res);
    });
    if (spawnError) {
      const why =
        spawnError.code === 'ENOENT' ? 'program not found' : spawnError.code === 'EACCES' ? 'program is not executable' : 'cannot start program';
      return badRequest(`${why}: "${program}" (${spawnError.code ?? spawnError.message}; cwd ${cwd})`, started);
    }
    child.on('error', () => {}); // later errors (a failed kill) are not fatal; exit still comes
    const pid = child.pid as number;

    const output = new ProgramOutput();
    const stderrTail = new TailBuffer(STDERR_TAIL_BYTES);
    const truncated = (line: string) => `${line} …[line cut at ${MAX_LINE_LENGTH} characters]`;
    const stdoutLines = new LineSplitter((line, cut) => {
      if (cut) return sink.log('stdout', truncated(line));
      const read = output.read(line);
      if (read.kind === 'log') sink.log('stdout', line);
      else if (read.kind === 'progress') sink.progress(read.step, read.metrics);
    });
    const stderrLines = new LineSplitter((line, cut) => sink.log('stderr', cut ? truncated(line) : line));
    child.stdout.on('data', (chunk: Buffer) => stdoutLines.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderrTail.push(chunk);
      stderrLines.push(chunk);
    });
    const stdioClosed = Promise.all([
      new Promise((r) => child.stdout.once('close', r)),
      new Promise((r) => child.stderr.once('close', r)),
    ]);

    let exit: Exit | undefined;
    let abortReason: unknown;
    let killing: Promise<void> | undefined;
    const onAbort = () => {
      if (!exit) abortReason = signal.reason; // an abort after a clean exit changes nothing
      killing ??= killGroup(pid, this.opts.killGraceMs);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();

    try {
      exit = await new Promise<Exit>((res) => {
        if (child.exitCode !== null || child.signalCode !== null) res({ code: child.exitCode, signal: child.signalCode });
        else child.once('exit', (code, sig) => res({ code, signal: sig }));
      });
      // The program is gone; give its output a moment to drain, then stop anything it left running
      // in its group (a straggler holding the pipes open, a background worker).
      await within(stdioClosed, this.opts.drainMs);
      killing ??= killGroup(pid, this.opts.killGraceMs);
      await killing;
      if (!(await within(stdioClosed, 1000))) {
        child.stdout.destroy();
        child.stderr.destroy();
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    stdoutLines.end();
    stderrLines.end();

    const partial: TrainResult = {
      metrics: output.metrics,
      trainableParams: output.trainableParams,
      effectiveParams: output.effectiveParams,
      adapterJson: output.adapterJson,
      seconds: (performance.now() - started) / 1000,
    };
    if (abortReason !== undefined) return abortedResult(abortReason, partial);
    if (exit.code === 0) return { ...partial, ok: true, failure: 'FAILURE_NONE', error: '' };
    const why = exit.code !== null ? `exit code ${exit.code}` : `killed by signal ${exit.signal}`;
    const tail = stderrTail.toString();
    return { ...partial, ok: false, failure: 'FAILURE_EXIT', error: tail ? `${why}: ${tail}` : why };
  }
}
