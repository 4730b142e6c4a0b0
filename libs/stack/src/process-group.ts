import { join } from 'node:path';
import { describeExit, fileSink, ManagedProcess, prefixSink, type ExitInfo, type LineSink } from './managed-process.js';
import { waitForHttp, waitForTcp } from './wait-for.js';

/** When a spawned process counts as ready. All given checks must pass. */
export interface ReadyCheck {
  /** An output line (stdout or stderr) matching this. */
  line?: RegExp;
  /** This URL answers 200. */
  http?: string;
  /** This port (on 127.0.0.1) or host:port accepts TCP connections. */
  tcp?: number | { host: string; port: number };
  /** @defaultValue 60000 */
  timeoutMs?: number;
}

export interface SpawnOptions {
  /** A node script, run with this node (`process.execPath`). Give this or `command`. */
  script?: string;
  /** Any executable. Give this or `script`. */
  command?: string;
  /** @defaultValue [] */
  args?: string[];
  /** Node flags before the script (`--enable-source-maps`). @defaultValue [] */
  nodeArgs?: string[];
  /** Merged over the parent's environment; `undefined` values remove a variable. */
  env?: Record<string, string | undefined>;
  /** @defaultValue process.cwd() */
  cwd?: string;
  /**
   * Where the output goes: 'parent' (lines prefixed `[name] ` on our stdout), 'ignore', or a
   * file path.
   * @defaultValue `<logDir>/<name>.log` when the group has a logDir, else 'parent'
   */
  log?: 'parent' | 'ignore' | string;
  /** Resolve `spawn` only once this passes; a process that exits or times out first is stopped. */
  ready?: ReadyCheck;
  /**
   * Time between SIGTERM and SIGKILL when stopping it.
   * @defaultValue the group's graceMs
   */
  graceMs?: number;
}

export interface ProcessGroupOptions {
  /** Folder for one `<name>.log` per process. @defaultValue none (output goes to the parent) */
  logDir?: string;
  /** @defaultValue 5000 */
  graceMs?: number;
  /** Stream for 'parent' output. @defaultValue process.stdout */
  output?: NodeJS.WritableStream;
}

/** Typed events of a ProcessGroup. */
export interface ProcessGroupListener {
  /** A process exited; `expected` is false when nobody asked it to stop (it crashed or was killed from outside). */
  exit: (name: string, info: ExitInfo, expected: boolean) => void;
}

interface Entry {
  process: ManagedProcess;
  opts: SpawnOptions;
  stopping: boolean;
  closeLog?: () => Promise<void>;
}

/**
 * Named child processes started together and stopped in reverse order: the local stack's api,
 * dispatcher and trainers, or the processes of a cross-process test. Each child runs in its own
 * process group, so `kill` reaches its whole tree.
 */
export class ProcessGroup {
  private readonly entries = new Map<string, Entry>();
  private readonly order: string[] = [];
  private readonly listeners: { [K in keyof ProcessGroupListener]: Set<ProcessGroupListener[K]> } = { exit: new Set() };
  private readonly opts: Required<Omit<ProcessGroupOptions, 'logDir'>> & Pick<ProcessGroupOptions, 'logDir'>;

  constructor(opts: ProcessGroupOptions = {}) {
    this.opts = { graceMs: 5_000, output: process.stdout, ...opts };
    if (this.opts.graceMs < 0) throw new Error('graceMs must not be negative');
  }

  on<U extends keyof ProcessGroupListener>(event: U, listener: ProcessGroupListener[U]): this {
    this.listeners[event].add(listener);
    return this;
  }

  off<U extends keyof ProcessGroupListener>(event: U, listener: ProcessGroupListener[U]): this {
    this.listeners[event].delete(listener);
    return this;
  }

  /** Starts `name` and resolves once it is ready (per `opts.ready`). */
  async spawn(name: string, opts: SpawnOptions): Promise<ManagedProcess> {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`process name must be letters, digits, '.', '_' or '-': ${name}`);
    if (this.entries.get(name)?.process.running) throw new Error(`process ${name} is already running`);
    if ((opts.script === undefined) === (opts.command === undefined)) {
      throw new Error(`spawn ${name}: give exactly one of script or command`);
    }

    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [key, value] of Object.entries(opts.env ?? {})) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    const { sink, close } = this.sinkFor(name, opts.log);
    const proc = new ManagedProcess(name, {
      command: opts.script !== undefined ? process.execPath : opts.command!,
      args: opts.script !== undefined ? [...(opts.nodeArgs ?? []), opts.script, ...(opts.args ?? [])] : (opts.args ?? []),
      env,
      cwd: opts.cwd,
      sink,
    });
    const entry: Entry = { process: proc, opts, stopping: false, closeLog: close };
    this.entries.set(name, entry);
    if (!this.order.includes(name)) this.order.push(name);
    void proc.exited.then(async (info) => {
      await entry.closeLog?.();
      for (const listener of this.listeners.exit) listener(name, info, entry.stopping);
    });

    if (opts.ready !== undefined) {
      try {
        await this.waitReady(proc, opts.ready);
      } catch (err) {
        entry.stopping = true;
        await proc.stop(opts.graceMs ?? this.opts.graceMs);
        throw err;
      }
    }
    return proc;
  }

  /** The process called `name` (running or exited), if it was spawned. */
  get(name: string): ManagedProcess | undefined {
    return this.entries.get(name)?.process;
  }

  /** Names in spawn order. */
  names(): string[] {
    return [...this.order];
  }

  /**
   * Sends `signal` to `name`'s whole process tree and waits for it to exit. SIGKILL is what fault
   * tests use to make a process die without cleaning up.
   */
  async kill(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitInfo> {
    const entry = this.mustGet(name);
    entry.stopping = true;
    if (entry.process.running) entry.process.signal(signal);
    return entry.process.exited;
  }

  /** Stops `name` gracefully: SIGTERM, then SIGKILL after the grace period. */
  async stop(name: string, graceMs?: number): Promise<ExitInfo> {
    const entry = this.mustGet(name);
    entry.stopping = true;
    return entry.process.stop(graceMs ?? entry.opts.graceMs ?? this.opts.graceMs);
  }

  /** Starts `name` again with the options it was first spawned with (after it exited or was killed). */
  async restart(name: string): Promise<ManagedProcess> {
    const entry = this.mustGet(name);
    if (entry.process.running) await this.stop(name);
    return this.spawn(name, entry.opts);
  }

  /** Stops every running process, last spawned first. */
  async stopAll(graceMs?: number): Promise<void> {
    for (const name of [...this.order].reverse()) {
      const entry = this.entries.get(name);
      if (entry?.process.running) await this.stop(name, graceMs);
    }
  }

  /**
   * Handles Ctrl-C (SIGINT) and SIGTERM for the parent: stops the group (then runs `onShutdown`,
   * e.g. stopping Redis and Postgres) and exits with 130/143. A second signal kills everything at
   * once. Returns a function that removes the handlers.
   */
  forwardSignals(opts: { onShutdown?: () => Promise<void>; log?: (message: string) => void } = {}): () => void {
    const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
    let shuttingDown = false;
    const handler = (signal: NodeJS.Signals): void => {
      const code = signal === 'SIGINT' ? 130 : 143;
      if (shuttingDown) {
        log(`${signal} again: killing everything`);
        for (const entry of this.entries.values()) entry.process.signal('SIGKILL');
        process.exit(code);
      }
      shuttingDown = true;
      log(`${signal}: stopping ${this.order.filter((n) => this.entries.get(n)?.process.running).join(', ') || 'nothing'}`);
      void (async () => {
        try {
          await this.stopAll();
          await opts.onShutdown?.();
        } catch (err) {
          log(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        } finally {
          process.exit(code);
        }
      })();
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  }

  private mustGet(name: string): Entry {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new Error(`no process named ${name} in this group`);
    return entry;
  }

  private sinkFor(name: string, log: SpawnOptions['log']): { sink?: LineSink; close?: () => Promise<void> } {
    const target = log ?? (this.opts.logDir !== undefined ? join(this.opts.logDir, `${name}.log`) : 'parent');
    if (target === 'ignore') return {};
    if (target === 'parent') return { sink: prefixSink(name, this.opts.output) };
    const sink = fileSink(target);
    return { sink, close: sink.close };
  }

  private async waitReady(proc: ManagedProcess, ready: ReadyCheck): Promise<void> {
    const timeoutMs = ready.timeoutMs ?? 60_000;
    // Abort the polls as soon as the process dies; say why it died.
    const abort = new AbortController();
    void proc.exited.then((info) => {
      abort.abort(new Error(`${proc.name} ${describeExit(info)} before it was ready${proc.formatTail()}`));
    });
    const checks: Promise<unknown>[] = [];
    if (ready.line !== undefined) checks.push(proc.waitForLine(ready.line, timeoutMs));
    if (ready.http !== undefined) checks.push(waitForHttp(ready.http, { timeoutMs, signal: abort.signal }));
    if (ready.tcp !== undefined) {
      const { host, port } = typeof ready.tcp === 'number' ? { host: '127.0.0.1', port: ready.tcp } : ready.tcp;
      checks.push(waitForTcp(port, host, { timeoutMs, signal: abort.signal }));
    }
    try {
      await Promise.all(checks);
    } catch (err) {
      if (abort.signal.aborted) throw abort.signal.reason;
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`${proc.name} was not ready: ${message}${message.includes('--- last output') ? '' : proc.formatTail()}`, {
        cause: err,
      });
    } finally {
      abort.abort();
    }
  }
}
