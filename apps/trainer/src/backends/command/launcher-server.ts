import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Socket } from 'node:net';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { LineSplitter } from './line-splitter.js';
import { LAUNCHER } from './sandbox.js';

/** What one launch asks of the server (see serve() in sandbox/launch.py). */
export interface LaunchRequest {
  /** The launcher's config (cwd, writeDirs, limits, uid, cgroup, …). */
  config: Record<string, unknown>;
  /** The program and its arguments; argv[0] an absolute path. */
  argv: string[];
  /** The program's whole environment. */
  env: Record<string, string>;
  /** The launcher's working directory. */
  cwd: string;
}

export interface LauncherExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A launcher forked by the server: its pid (signal it to cancel), its three pipes, its end. */
export interface LaunchedProgram {
  pid: number;
  stdout: Readable;
  stderr: Readable;
  /** The launcher's status lines (fd 3). */
  status: Readable;
  /** Once the launcher is reaped and its pipes are drained; `lost` when the server itself went away. */
  exited: Promise<LauncherExit & { lost?: string }>;
}

interface Running {
  streams: [PassThrough, PassThrough, PassThrough];
  started?: (pid: number) => void;
  refused?: (err: Error) => void;
  exit: (e: LauncherExit & { lost?: string }) => void;
}

type ServerMessage = { id: number; pid?: number; fd?: 1 | 2 | 3; data?: string; exit?: LauncherExit; error?: string };

/**
 * The sandbox launcher kept running (`launch.py --serve`): each program start is a fork of one
 * warm Python instead of a fresh interpreter, which cost 40–70 ms of CPU per start on this
 * project's machines — most of a no-op trial. The launcher forked for each attempt does exactly
 * what a launcher started alone does (same confinement, same status lines); the server relays its
 * pipes. Started on first use; restarted on the next launch if it died (its launchers end with it).
 */
export class LauncherServer {
  private proc?: ChildProcessByStdio<Writable, Readable, null>;
  private readonly running = new Map<number, Running>();
  private seq = 0;

  constructor(private readonly python: string) {}

  launch(req: LaunchRequest): Promise<LaunchedProgram> {
    const proc = this.proc ?? this.start();
    const id = ++this.seq;
    const streams: Running['streams'] = [new PassThrough(), new PassThrough(), new PassThrough()];
    let exit!: Running['exit'];
    const exited = new Promise<LauncherExit & { lost?: string }>((r) => (exit = r));
    return new Promise((resolve, reject) => {
      const entry: Running = {
        streams,
        exit,
        started: (pid) => resolve({ pid, stdout: streams[0], stderr: streams[1], status: streams[2], exited }),
        refused: reject,
      };
      this.running.set(id, entry);
      (proc.stdout as Socket).ref(); // a launch in flight keeps the process alive; an idle server does not
      proc.stdin.write(`${JSON.stringify({ id, ...req })}\n`);
    });
  }

  /** Ends the server: its launchers get SIGTERM (their programs end as on a cancel). */
  close(): void {
    this.proc?.stdin.end();
  }

  private start(): ChildProcessByStdio<Writable, Readable, null> {
    const proc = spawn(this.python, ['-I', '-S', LAUNCHER, '--serve'], { cwd: '/', env: {}, stdio: ['pipe', 'pipe', 'inherit'] });
    this.proc = proc;
    const lines = new LineSplitter((line) => this.onMessage(line), Infinity);
    proc.stdout.on('data', (chunk: Buffer) => lines.push(chunk));
    proc.stdin.on('error', () => undefined); // a dead server: 'close' below says so
    const gone = (why: string) => {
      if (this.proc !== proc) return;
      this.proc = undefined;
      for (const [id, r] of this.running) this.end(id, r, { code: null, signal: null, lost: why });
    };
    proc.on('error', (err) => gone(`the sandbox launcher could not start (${this.python}): ${err.message}`));
    proc.on('close', (code, signal) => gone(`the sandbox launcher server exited (${signal ?? `code ${code}`})`));
    proc.unref();
    (proc.stdout as Socket).unref(); // a pipe's end is a net.Socket
    return proc;
  }

  private onMessage(line: string): void {
    const m = JSON.parse(line) as ServerMessage;
    const r = this.running.get(m.id);
    if (!r) return;
    if (m.pid !== undefined) {
      r.started?.(m.pid);
      r.started = r.refused = undefined;
    } else if (m.fd !== undefined && m.data !== undefined) {
      r.streams[m.fd - 1].write(Buffer.from(m.data, 'base64'));
    } else if (m.exit) {
      this.end(m.id, r, m.exit);
    } else if (m.error !== undefined) {
      this.end(m.id, r, { code: null, signal: null, lost: m.error });
    }
  }

  private end(id: number, r: Running, e: LauncherExit & { lost?: string }): void {
    this.running.delete(id);
    if (this.running.size === 0 && this.proc) (this.proc.stdout as Socket).unref();
    for (const s of r.streams) s.end();
    if (r.refused) r.refused(new Error(e.lost ?? 'the launcher ended before it started'));
    else r.exit(e);
  }
}
