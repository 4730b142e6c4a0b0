import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from '@tinysweep/db';
import { ensureDevPki, type TlsFiles } from '@tinysweep/tls';
import { freePort } from './free-port.js';
import type { ManagedProcess } from './managed-process.js';
import { LocalPostgres } from './postgres.js';
import type { ProcessGroup } from './process-group.js';
import { LocalRedis } from './redis.js';
import { ensureStackSecrets, type StackSecrets } from './stack-secrets.js';

/** `libs/stack/{src,dist}/local-stack.{ts,js}` → the repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface LocalStackOptions {
  /** Folder for `postgres/`, `redis/` and `logs/` (created if missing). */
  dataDir: string;
  /** @defaultValue a free port */
  postgresPort?: number;
  /** @defaultValue a free port */
  redisPort?: number;
  /** Port the api will listen on (reported in the URLs; the api is started by `startApps`). @defaultValue a free port */
  apiPort?: number;
  /**
   * Use this database instead of starting Postgres; `''` starts one even when DATABASE_URL is set.
   * @defaultValue process.env.DATABASE_URL
   */
  databaseUrl?: string;
  /**
   * Use this Redis instead of starting one; `''` starts one even when REDIS_URL is set.
   * @defaultValue process.env.REDIS_URL
   */
  redisUrl?: string;
  /** Apply the SQL migrations. @defaultValue true */
  migrate?: boolean;
  /**
   * Redis keeps its data across restarts: an append-only file (fsync every second) and snapshots in
   * `<dataDir>/redis`, as the compose file runs it — restarting the stack loses no queued job or
   * schedule clock. Off: memory only. @defaultValue true
   */
  persistRedis?: boolean;
  /** Crash-safe Postgres storage (false: fsync off; for tests and benchmarks). @defaultValue true */
  durable?: boolean;
  /**
   * Mutual TLS between dispatcher and trainers with a dev CA written to `<dataDir>/pki` (made once,
   * reused). Off: plain text, allowed explicitly.
   * @defaultValue true
   */
  tls?: boolean;
  /** Extra names and addresses the trainer certificate is valid for (other hosts). @defaultValue [] */
  tlsHosts?: string[];
  /**
   * API tokens made once in `<dataDir>` (see ensureStackSecrets): the apps get theirs, `urls.secrets`
   * holds them for clients. Off: the API runs without any (TINYSWEEP_INSECURE_NO_TOKEN, loopback only).
   * @defaultValue true
   */
  tokens?: boolean;
  /** The trainers' workdir: where relative model, data and program paths resolve. @defaultValue process.cwd() */
  workdir?: string;
  /** Directories trainers may read models and data from besides their workdir. @defaultValue [] */
  dataRoots?: string[];
  /** Progress lines. @defaultValue none */
  log?: (message: string) => void;
}

/** Where the stack's services are; what the apps get in their environment. */
export interface StackUrls {
  databaseUrl: string;
  redisUrl: string;
  apiPort: number;
  apiUrl: string;
  /** The dev PKI's files, when TLS is on. */
  tls?: { trainer: Required<TlsFiles>; dispatcher: Required<TlsFiles> };
  /** The stack's tokens; absent when it runs without (LocalStackOptions.tokens false). */
  secrets?: StackSecrets;
  /** The trainers' workdir (absolute). */
  workdir: string;
  /** Directories trainers may read models and data from besides their workdir (absolute). */
  dataRoots: string[];
}

/**
 * What each app gets to authenticate and to stay within its roots: the API its token store (or
 * explicit permission to run without), the data roots to check specs against and the trainer token
 * for Try it; the dispatcher the trainer token; a trainer its node token, the trainer token, its
 * roots and the `command` backend for `node` programs (the examples and tests) — and not the
 * database or Redis URLs, which a trainer never needs.
 */
export function securityEnv(urls: StackUrls, app: AppName): Record<string, string | undefined> {
  const s = urls.secrets;
  switch (app) {
    case 'api':
      return {
        ...(s ? { TINYSWEEP_API_TOKENS_FILE: s.tokensFile, TINYSWEEP_TRAINER_TOKEN: s.trainerToken } : { TINYSWEEP_INSECURE_NO_TOKEN: '1' }),
        TINYSWEEP_DATA_ROOTS: [urls.workdir, ...urls.dataRoots].join(','),
      };
    case 'dispatcher':
      return s ? { TINYSWEEP_TRAINER_TOKEN: s.trainerToken } : {};
    case 'trainer':
      return {
        ...(s ? { TINYSWEEP_NODE_TOKEN: s.nodeToken, TINYSWEEP_TRAINER_TOKEN: s.trainerToken } : {}),
        TINYSWEEP_WORKDIR: urls.workdir,
        TINYSWEEP_DATA_ROOTS: urls.dataRoots.join(','),
        TINYSWEEP_ALLOW_COMMAND: 'node',
        DATABASE_URL: undefined,
        REDIS_URL: undefined,
        TINYSWEEP_API_TOKEN: undefined,
      };
  }
}

/** gRPC security env for the dispatcher or a trainer: its TLS files, or plain text allowed. */
export function tlsEnv(urls: StackUrls, side: 'trainer' | 'dispatcher'): Record<string, string> {
  const files = urls.tls?.[side];
  if (!files) return { TINYSWEEP_ALLOW_PLAINTEXT: '1' };
  return { TINYSWEEP_TLS_CA: files.ca, TINYSWEEP_TLS_CERT: files.cert, TINYSWEEP_TLS_KEY: files.key };
}

/** The environment every app process gets from the stack's URLs. */
export function stackEnv(urls: StackUrls): Record<string, string> {
  return {
    DATABASE_URL: urls.databaseUrl,
    REDIS_URL: urls.redisUrl,
    TINYSWEEP_API_PORT: String(urls.apiPort),
    TINYSWEEP_API_URL: urls.apiUrl,
  };
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

/**
 * The services under tinysweep: Postgres (migrated) and Redis, started locally unless
 * DATABASE_URL / REDIS_URL point elsewhere. `tinysweep up`, the cross-process tests and the
 * benchmarks use it, then start the apps with `startApps`.
 */
export class LocalStack {
  postgres: LocalPostgres | undefined;
  redis: LocalRedis | undefined;
  private current: StackUrls | undefined;

  /** The URLs, once started. */
  get urls(): StackUrls {
    if (this.current === undefined) throw new Error('LocalStack is not started');
    return this.current;
  }

  async start(opts: LocalStackOptions): Promise<StackUrls> {
    if (this.current !== undefined) throw new Error('LocalStack is already started');
    const log = opts.log ?? (() => undefined);
    const dataDir = resolve(opts.dataDir);
    const logDir = join(dataDir, 'logs');

    try {
      let databaseUrl = nonEmpty(opts.databaseUrl ?? process.env.DATABASE_URL);
      if (databaseUrl === undefined) {
        this.postgres = new LocalPostgres({ durable: opts.durable ?? true, logFile: join(logDir, 'postgres.log'), log });
        databaseUrl = await this.postgres.start(join(dataDir, 'postgres'), opts.postgresPort ?? (await freePort()));
      } else {
        log('using DATABASE_URL (not starting Postgres)');
      }

      let redisUrl = nonEmpty(opts.redisUrl ?? process.env.REDIS_URL);
      if (redisUrl === undefined) {
        this.redis = new LocalRedis({ persist: opts.persistRedis ?? true, logFile: join(logDir, 'redis.log'), log });
        redisUrl = await this.redis.start(join(dataDir, 'redis'), opts.redisPort ?? (await freePort()));
      } else {
        log('using REDIS_URL (not starting Redis)');
      }

      if (opts.migrate ?? true) {
        const { applied } = await migrate(databaseUrl, { log });
        if (applied.length > 0) log(`migrated: ${applied.join(', ')}`);
      }

      const apiPort = opts.apiPort ?? (await freePort());
      this.current = {
        databaseUrl,
        redisUrl,
        apiPort,
        apiUrl: `http://127.0.0.1:${apiPort}`,
        workdir: resolve(opts.workdir ?? process.cwd()),
        dataRoots: (opts.dataRoots ?? []).map((d) => resolve(d)),
      };
      if (opts.tokens ?? true) this.current.secrets = ensureStackSecrets(dataDir);
      if (opts.tls ?? true) {
        const pki = await ensureDevPki(join(dataDir, 'pki'), ['localhost', '127.0.0.1', hostname(), ...(opts.tlsHosts ?? [])]);
        this.current.tls = { trainer: pki.trainer, dispatcher: pki.dispatcher };
      }
      return this.current;
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Stops what this stack started (Redis, then Postgres); data directories are kept. */
  async stop(): Promise<void> {
    await this.redis?.stop();
    await this.postgres?.stop();
    this.current = undefined;
  }
}

export type AppName = 'api' | 'dispatcher' | 'trainer';

/** `apps/<app>/dist/main.js` under `rootDir`. */
export function appEntry(app: AppName, rootDir: string = REPO_ROOT): string {
  return join(rootDir, 'apps', app, 'dist', 'main.js');
}

export interface StartAppOptions {
  urls: StackUrls;
  /** Process name in the group. @defaultValue the app's name ('trainer-1', … for trainers) */
  name?: string;
  /** More environment for this process. @defaultValue {} */
  env?: Record<string, string | undefined>;
  /** Repository root holding `apps/*\/dist/main.js`. @defaultValue this repository */
  rootDir?: string;
  /** @defaultValue 60000 */
  readyTimeoutMs?: number;
  /** Where output goes (see SpawnOptions.log). @defaultValue the group's default */
  log?: 'parent' | 'ignore' | string;
}

export interface StartTrainerOptions extends StartAppOptions {
  /** gRPC port. @defaultValue a free port */
  port?: number;
}

export interface StartedTrainer {
  name: string;
  port: number;
  /** host:port the trainer serves gRPC on. */
  address: string;
  process: ManagedProcess;
}

function entryOrThrow(app: AppName, rootDir: string | undefined): string {
  const entry = appEntry(app, rootDir);
  if (!existsSync(entry)) throw new Error(`${entry} not found; build first: node scripts/setup.mjs`);
  return entry;
}

/**
 * Starts the api (`apps/api/dist/main.js`); ready when `GET /health` answers 200. It dials trainers
 * for Try it as a client, so it gets the dispatcher's side of the TLS material.
 */
export async function startApi(group: ProcessGroup, opts: StartAppOptions): Promise<ManagedProcess> {
  return group.spawn(opts.name ?? 'api', {
    script: entryOrThrow('api', opts.rootDir),
    nodeArgs: ['--enable-source-maps'],
    env: { ...stackEnv(opts.urls), ...tlsEnv(opts.urls, 'dispatcher'), ...securityEnv(opts.urls, 'api'), ...opts.env },
    log: opts.log,
    ready: { http: `${opts.urls.apiUrl}/health`, timeoutMs: opts.readyTimeoutMs ?? 60_000 },
  });
}

/** Starts the dispatcher; ready when it prints a line containing "dispatcher ready". */
export async function startDispatcher(group: ProcessGroup, opts: StartAppOptions): Promise<ManagedProcess> {
  return group.spawn(opts.name ?? 'dispatcher', {
    script: entryOrThrow('dispatcher', opts.rootDir),
    nodeArgs: ['--enable-source-maps'],
    env: { ...stackEnv(opts.urls), ...tlsEnv(opts.urls, 'dispatcher'), ...securityEnv(opts.urls, 'dispatcher'), ...opts.env },
    log: opts.log,
    ready: { line: /dispatcher ready/, timeoutMs: opts.readyTimeoutMs ?? 60_000 },
  });
}

/**
 * Starts a trainer on `port` (TINYSWEEP_TRAINER_PORT; TINYSWEEP_TRAINER_ID is its name); ready
 * when it prints a line containing "trainer listening".
 */
export async function startTrainer(group: ProcessGroup, opts: StartTrainerOptions): Promise<StartedTrainer> {
  const name = opts.name ?? 'trainer-1';
  const port = opts.port ?? (await freePort());
  const proc = await group.spawn(name, {
    script: entryOrThrow('trainer', opts.rootDir),
    nodeArgs: ['--enable-source-maps'],
    env: {
      ...stackEnv(opts.urls),
      ...tlsEnv(opts.urls, 'trainer'),
      ...securityEnv(opts.urls, 'trainer'),
      TINYSWEEP_TRAINER_PORT: String(port),
      TINYSWEEP_TRAINER_ID: name,
      ...opts.env,
    },
    log: opts.log,
    ready: { line: /trainer listening/, timeoutMs: opts.readyTimeoutMs ?? 60_000 },
  });
  return { name, port, address: `127.0.0.1:${port}`, process: proc };
}

export interface StartAppsOptions {
  urls: StackUrls;
  /** @defaultValue true */
  api?: boolean;
  /** @defaultValue true */
  dispatcher?: boolean;
  /** How many trainers (named trainer-1…n). @defaultValue 1 */
  trainers?: number;
  /** Environment for every app. @defaultValue {} */
  env?: Record<string, string | undefined>;
  /** Environment per app (trainers share `trainer`). @defaultValue {} */
  appEnv?: Partial<Record<AppName, Record<string, string | undefined>>>;
  /** @defaultValue this repository */
  rootDir?: string;
  /** @defaultValue 60000 */
  readyTimeoutMs?: number;
}

export interface StartedApps {
  api?: ManagedProcess;
  dispatcher?: ManagedProcess;
  trainers: StartedTrainer[];
}

/**
 * Starts the apps against the stack: the api first (trainers register through it), then the
 * dispatcher and the trainers together. Resolves when all are ready; stop them with
 * `group.stopAll()` (reverse order).
 */
export async function startApps(group: ProcessGroup, opts: StartAppsOptions): Promise<StartedApps> {
  const { urls, rootDir, readyTimeoutMs } = opts;
  const trainerCount = opts.trainers ?? 1;
  if (!Number.isInteger(trainerCount) || trainerCount < 0) throw new Error('trainers must be a whole number ≥ 0');
  const envFor = (app: AppName): Record<string, string | undefined> => ({ ...opts.env, ...opts.appEnv?.[app] });
  const common = { urls, rootDir, readyTimeoutMs };

  const started: StartedApps = { trainers: [] };
  if (opts.api ?? true) started.api = await startApi(group, { ...common, env: envFor('api') });
  const [dispatcher, trainers] = await Promise.all([
    (opts.dispatcher ?? true) ? startDispatcher(group, { ...common, env: envFor('dispatcher') }) : undefined,
    Promise.all(
      Array.from({ length: trainerCount }, (_, i) =>
        startTrainer(group, { ...common, name: `trainer-${i + 1}`, env: envFor('trainer') }),
      ),
    ),
  ]);
  started.dispatcher = dispatcher;
  started.trainers = trainers;
  return started;
}
