import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileSink, ManagedProcess, type LineSink } from './managed-process.js';
import { waitUntil } from './wait-for.js';

/** What to run (as root) when `redis-server` is missing on a Debian/Ubuntu machine. */
export const REDIS_INSTALL_COMMAND = 'apt-get update && apt-get install -y redis-server';

export interface LocalRedisOptions {
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /**
   * Keep data across restarts (RDB snapshots + append-only file in the dir). Off, Redis is
   * memory only: `--save '' --appendonly no`.
   * @defaultValue false
   */
  persist?: boolean;
  /** Server log lines go to this file. @defaultValue kept in memory only (shown on failure) */
  logFile?: string;
  /** More `redis-server` arguments (`['--maxmemory', '256mb']`). @defaultValue [] */
  extraArgs?: string[];
  /**
   * Install `redis-server` with apt-get when it is missing and we are root.
   * @defaultValue true
   */
  install?: boolean;
  /** @defaultValue 15000 */
  startTimeoutMs?: number;
  /** Progress lines (installing, started). @defaultValue none */
  log?: (message: string) => void;
}

/** The path of `redis-server` on PATH (or the usual Debian place), if there is one. */
export function findRedisServer(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin', '/usr/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Returns the path of `redis-server`, installing it with apt-get when it is missing, we are root
 * and apt-get exists. Otherwise throws an Error that names the command to run.
 */
export function ensureRedisServer(opts: { install?: boolean; log?: (message: string) => void } = {}): string {
  const found = findRedisServer();
  if (found !== undefined) return found;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if ((opts.install ?? true) && isRoot && hasApt) {
    opts.log?.(`redis-server is missing; running: ${REDIS_INSTALL_COMMAND}`);
    try {
      execFileSync('sh', ['-c', REDIS_INSTALL_COMMAND], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (err) {
      const detail = (err as { stderr?: Buffer }).stderr?.toString().trim().split('\n').slice(-5).join('\n') ?? '';
      throw new Error(`installing redis-server failed (${REDIS_INSTALL_COMMAND}):\n${detail}`, { cause: err });
    }
    const installed = findRedisServer();
    if (installed !== undefined) return installed;
  }
  const prefix = isRoot ? '' : 'sudo sh -c ';
  const command = isRoot ? REDIS_INSTALL_COMMAND : `${prefix}'${REDIS_INSTALL_COMMAND}'`;
  throw new Error(`redis-server is not installed; install it with: ${command}`);
}

/**
 * Sends one command to a Redis server over a fresh connection and returns its reply (simple
 * strings, errors as rejections, integers and bulk strings; null for a nil reply). Enough for
 * health checks and tests without a client library.
 */
export function redisCommand(port: number, host: string, args: string[], timeoutMs = 5_000): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    let buffer = Buffer.alloc(0);
    const finish = (err: Error | undefined, value?: string | null): void => {
      socket.destroy();
      if (err) reject(err);
      else resolve(value ?? null);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`redis ${host}:${port}: no reply within ${timeoutMs} ms`)));
    socket.once('error', (err) => finish(err));
    socket.once('connect', () => {
      const parts = [`*${args.length}\r\n`];
      for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
      socket.write(parts.join(''));
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const lineEnd = buffer.indexOf('\r\n');
      if (lineEnd < 0) return;
      const kind = String.fromCharCode(buffer[0]!);
      const head = buffer.subarray(1, lineEnd).toString();
      if (kind === '+' || kind === ':') return finish(undefined, head);
      if (kind === '-') return finish(new Error(`redis: ${head}`));
      if (kind === '$') {
        const length = Number(head);
        if (length < 0) return finish(undefined, null);
        if (buffer.length < lineEnd + 2 + length + 2) return; // wait for the rest
        return finish(undefined, buffer.subarray(lineEnd + 2, lineEnd + 2 + length).toString());
      }
      finish(new Error(`redis: unsupported reply type '${kind}'`));
    });
  });
}

/**
 * A `redis-server` child process for the local stack and tests: memory-only by default, bound to
 * localhost, its files in a folder of its own.
 */
export class LocalRedis {
  private proc: ManagedProcess | undefined;
  private closeLog: (() => Promise<void>) | undefined;
  private started: { dir: string; port: number } | undefined;
  private readonly opts: Required<Omit<LocalRedisOptions, 'logFile' | 'log'>> & Pick<LocalRedisOptions, 'logFile' | 'log'>;

  constructor(opts: LocalRedisOptions = {}) {
    this.opts = { host: '127.0.0.1', persist: false, extraArgs: [], install: true, startTimeoutMs: 15_000, ...opts };
    if (this.opts.startTimeoutMs <= 0) throw new Error('startTimeoutMs must be greater than 0');
  }

  /** `redis://host:port` of the running server. */
  get url(): string {
    return `redis://${this.opts.host}:${this.port}`;
  }

  get port(): number {
    if (this.started === undefined) throw new Error('LocalRedis is not started');
    return this.started.port;
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  /** The server process (for fault tests that kill it). */
  get process(): ManagedProcess | undefined {
    return this.proc;
  }

  /** Starts `redis-server` on `port` with its files in `dir`; resolves when it answers PING. Returns the URL. */
  async start(dir: string, port: number): Promise<string> {
    if (this.running) throw new Error(`LocalRedis is already running on port ${this.port}`);
    const bin = ensureRedisServer({ install: this.opts.install, log: this.opts.log });
    mkdirSync(dir, { recursive: true });
    const persistence = this.opts.persist
      ? ['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '60 1']
      : ['--save', '', '--appendonly', 'no'];
    const args = [
      '--port', String(port),
      '--bind', this.opts.host,
      '--dir', dir,
      '--daemonize', 'no',
      '--logfile', '',
      ...persistence,
      ...this.opts.extraArgs,
    ];
    let sink: LineSink | undefined;
    if (this.opts.logFile !== undefined) {
      const file = fileSink(this.opts.logFile);
      sink = file;
      this.closeLog = file.close;
    }
    const proc = new ManagedProcess('redis', { command: bin, args, sink });
    this.proc = proc;
    this.started = { dir, port };
    const abort = new AbortController();
    void proc.exited.then(() => abort.abort(new Error(`redis-server on port ${port} exited at start${proc.formatTail()}`)));
    try {
      await waitUntil(`redis-server on port ${port} to answer PING`, () => this.ping(), {
        timeoutMs: this.opts.startTimeoutMs,
        intervalMs: 50,
        signal: abort.signal,
      });
    } catch (err) {
      await this.stop();
      throw abort.signal.aborted ? abort.signal.reason : err;
    }
    this.opts.log?.(`redis listening on ${this.url}`);
    return this.url;
  }

  /** Stops the server (SIGTERM; SIGKILL after `graceMs`). Memory-only data is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    const proc = this.proc;
    if (proc === undefined) return;
    await proc.stop(graceMs);
    await this.closeLog?.();
    this.closeLog = undefined;
  }

  /** Sends one command (`'SET', 'k', 'v'`) and returns the reply. */
  command(...args: string[]): Promise<string | null> {
    return redisCommand(this.port, this.opts.host, args);
  }

  /** True when the server answers PING. */
  async ping(): Promise<boolean> {
    return (await this.command('PING')) === 'PONG';
  }

  /** Deletes every key in every database. */
  async flushAll(): Promise<void> {
    await this.command('FLUSHALL');
  }

  /**
   * Stops and starts the server on the same port and folder. `empty: true` deletes its files in
   * between, so it comes back with no data even when persisting (the "Redis lost everything"
   * fault); `signal: 'SIGKILL'` makes it a crash rather than a shutdown.
   */
  async restart(opts: { empty?: boolean; signal?: NodeJS.Signals } = {}): Promise<void> {
    if (this.started === undefined) throw new Error('LocalRedis was never started');
    const { dir, port } = this.started;
    if (this.proc?.running) {
      if (opts.signal !== undefined && opts.signal !== 'SIGTERM') {
        this.proc.signal(opts.signal);
        await this.proc.exited;
      }
      await this.stop();
    }
    if (opts.empty === true) {
      for (const file of ['dump.rdb', 'appendonly.aof', 'appendonlydir']) {
        const path = join(dir, file);
        if (existsSync(path)) rmSync(path, { recursive: true, force: true });
      }
    }
    await this.start(dir, port);
  }
}
