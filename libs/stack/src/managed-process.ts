import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

export type OutputStream = 'stdout' | 'stderr';

/** Where a child's output lines go (besides the in-memory tail every process keeps). */
export type LineSink = (line: string, stream: OutputStream) => void;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcessOptions {
  /** Executable to run (`process.execPath` for node scripts). */
  command: string;
  /** @defaultValue [] */
  args?: string[];
  /**
   * The child's whole environment (not merged with the parent's here).
   * @defaultValue process.env
   */
  env?: NodeJS.ProcessEnv;
  /** @defaultValue process.cwd() */
  cwd?: string;
  /** Run as this user and group (root only; Postgres refuses to run as root). */
  uid?: number;
  gid?: number;
  /**
   * Output lines go here.
   * @defaultValue dropped (still kept in the tail)
   */
  sink?: LineSink;
  /**
   * Lines kept in memory for error messages.
   * @defaultValue 80
   */
  tailLines?: number;
  /**
   * Signal sent if the parent exits while the child still runs (to `stopTarget`).
   * @defaultValue 'SIGTERM'
   */
  exitSignal?: NodeJS.Signals;
  /**
   * Who gets the graceful stop signal: the whole process group, or only the child (for servers
   * like Postgres that shut their own workers down and mind stray signals). SIGKILL always goes
   * to the group.
   * @defaultValue 'group'
   */
  stopTarget?: 'group' | 'leader';
}

// Children run in their own process group (so a kill reaches grandchildren, and a terminal's
// Ctrl-C reaches only the parent, which stops them in order). The price: they would outlive a
// parent that exits without stopping them, so an exit hook signals whatever still runs.
const running = new Set<ManagedProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of running) p.signal(p.exitSignal, p.stopTarget);
  });
}

/**
 * One child process in its own process group: its output split into lines (kept in a short
 * tail, passed to a sink), its exit as a promise, and signals that reach its whole tree.
 */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  readonly exitSignal: NodeJS.Signals;
  readonly stopTarget: 'group' | 'leader';
  private exitInfo: ExitInfo | undefined;
  private readonly tailBuffer: string[] = [];
  private readonly tailLines: number;
  private readonly lineListeners = new Set<(line: string, stream: OutputStream) => void>();

  constructor(
    readonly name: string,
    opts: ManagedProcessOptions,
  ) {
    this.tailLines = opts.tailLines ?? 80;
    this.exitSignal = opts.exitSignal ?? 'SIGTERM';
    this.stopTarget = opts.stopTarget ?? 'group';
    const sink = opts.sink;
    this.child = spawn(opts.command, opts.args ?? [], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      uid: opts.uid,
      gid: opts.gid,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.once('error', (err) => {
        // Spawn failures (ENOENT, EACCES) emit 'error' and maybe no 'exit'.
        this.pushLine(`${opts.command}: ${err.message}`, 'stderr');
        if (this.child.pid === undefined) this.finish({ code: null, signal: null }, resolve);
      });
      // 'exit' is the process; 'close' also waits for its pipes, which a grandchild that
      // inherited them may hold open. Give the last lines a moment to arrive, then finish.
      this.child.once('exit', (code, signal) => {
        setTimeout(() => this.finish({ code, signal }, resolve), 250);
      });
      this.child.once('close', (code, signal) => this.finish({ code, signal }, resolve));
    });
    this.pid = this.child.pid ?? -1;
    if (this.pid > 0) {
      running.add(this);
      installExitHook();
    }
    for (const stream of ['stdout', 'stderr'] as const) {
      const readable = this.child[stream];
      if (readable === null) continue;
      createInterface({ input: readable, crlfDelay: Infinity }).on('line', (line) => {
        this.pushLine(line, stream);
        sink?.(line, stream);
      });
    }
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** How it exited, once it has. */
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** The last output lines, oldest first. */
  tail(): string[] {
    return [...this.tailBuffer];
  }

  /** Calls `listener` for every later output line; returns the unsubscribe function. */
  onLine(listener: (line: string, stream: OutputStream) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  /**
   * Resolves with the first later output line (stdout or stderr) matching `pattern`; rejects
   * if the process exits first or `timeoutMs` passes.
   */
  waitForLine(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        off();
        fn();
      };
      const off = this.onLine((line) => {
        if (pattern.test(line)) settle(() => resolve(line));
      });
      const timer = setTimeout(() => {
        settle(() => reject(new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms${this.formatTail()}`)));
      }, timeoutMs);
      void this.exited.then((info) => {
        settle(() => reject(new Error(`${this.name} ${describeExit(info)} before printing ${pattern}${this.formatTail()}`)));
      });
    });
  }

  /**
   * Sends `signal` to the whole process group (the child and everything it spawned that did
   * not leave the group), or only to the child with `target: 'leader'`. Returns false when
   * nothing was there to signal.
   */
  signal(signal: NodeJS.Signals | number, target: 'group' | 'leader' = 'group'): boolean {
    if (this.pid <= 0) return false;
    if (target === 'group' && this.groupMayBeOurs()) {
      try {
        process.kill(-this.pid, signal);
        return true;
      } catch {
        // The group is gone (or never formed); fall back to the child itself.
      }
    }
    if (!this.running) return false;
    try {
      return this.child.kill(signal);
    } catch {
      return false;
    }
  }

  /**
   * Whether `-pid` can still name this process's group. Once the leader has been reaped its pid is
   * free for reuse — within minutes on a busy machine whose pid_max is 32,768 — and a process that
   * holds it now is someone else, as is the group it leads: signalling that group once killed
   * another test's Postgres. While no process holds the pid, the id can only be our group's (the
   * kernel does not reuse a pid while a group with that id exists), so leftovers are still ours.
   */
  private groupMayBeOurs(): boolean {
    if (this.child.exitCode === null && this.child.signalCode === null) return true; // not reaped yet
    try {
      process.kill(this.pid, 0);
      return false; // the pid lives again: not our leader
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }

  /**
   * Stops the process: `signal` (SIGTERM) to its group (or leader, per `stopTarget`), then
   * SIGKILL to the group after `graceMs`. Leftovers of the group (grandchildren still running
   * after the leader exited) are killed too.
   */
  async stop(graceMs = 5_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitInfo> {
    if (this.running) {
      this.signal(signal, this.stopTarget);
      const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
      try {
        await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    this.signal('SIGKILL');
    return this.exitInfo!;
  }

  /** The tail as a block for error messages. */
  formatTail(): string {
    if (this.tailBuffer.length === 0) return '';
    return `\n--- last output of ${this.name} ---\n${this.tailBuffer.join('\n')}\n---`;
  }

  private pushLine(line: string, stream: OutputStream): void {
    this.tailBuffer.push(line);
    if (this.tailBuffer.length > this.tailLines) this.tailBuffer.shift();
    for (const listener of this.lineListeners) listener(line, stream);
  }

  private finish(info: ExitInfo, resolve: (info: ExitInfo) => void): void {
    if (this.exitInfo !== undefined) return;
    this.exitInfo = info;
    running.delete(this);
    resolve(info);
  }
}

/** "exited with code 1" / "was killed by SIGKILL". */
export function describeExit(info: ExitInfo | undefined): string {
  if (info === undefined) return 'is running';
  if (info.signal !== null) return `was killed by ${info.signal}`;
  if (info.code === null) return 'failed to start';
  return `exited with code ${info.code}`;
}

/** A sink writing `[name] line` to the parent's stdout (or another stream). */
export function prefixSink(name: string, out: NodeJS.WritableStream = process.stdout): LineSink {
  return (line) => {
    out.write(`[${name}] ${line}\n`);
  };
}

/** A sink appending lines to a file (created with its folder); `close()` flushes it. */
export function fileSink(path: string): LineSink & { close(): Promise<void>; path: string } {
  mkdirSync(dirname(path), { recursive: true });
  const stream: WriteStream = createWriteStream(path, { flags: 'a' });
  stream.on('error', () => undefined); // a full disk must not take the parent down with it
  const write: LineSink = (line) => {
    if (!stream.writableEnded) stream.write(`${line}\n`);
  };
  const close = (): Promise<void> => new Promise<void>((resolve) => stream.end(resolve));
  const sink = Object.assign(write, { close, path });
  return sink;
}
