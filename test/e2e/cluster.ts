/**
 * A whole tinysweep on this machine for one test file: real Postgres (embedded), real Redis,
 * the api, dispatcher(s) and trainer(s) as separate processes talking HTTP, BullMQ and gRPC —
 * secured as `tinysweep up` runs it: API tokens by role, the trainers' node and gRPC tokens, and
 * `node` programs only, sandboxed. `request` sends the stack's admin token unless told otherwise.
 */
import { addToken, type Role } from '@tinysweep/access';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  LocalStack,
  ProcessGroup,
  REPO_ROOT,
  securityEnv,
  startApi,
  startDispatcher,
  startTrainer,
  type StackUrls,
  type StartedTrainer,
} from '@tinysweep/stack';

export interface ClusterOptions {
  trainers?: number;
  slotsPerTrainer?: number;
  dispatchers?: number;
  /** Environment for every app. */
  env?: Record<string, string>;
  /** Extra names/addresses the trainer certificate must be valid for (trainers on other hosts). */
  tlsHosts?: string[];
  /** More API tokens to make, by name: their role (the stack makes local-admin and local-node). */
  tokens?: Record<string, Role>;
  /** Run the API without tokens (`tinysweep up --insecure-no-token`). */
  insecureNoToken?: boolean;
  /** Data roots for the trainers besides ../shared/data. */
  dataRoots?: string[];
}

/** ../shared/data beside the checkout (GSM8K, stories260K): a data root for the trainers when it is there. */
export const SHARED_DATA = join(REPO_ROOT, '..', 'shared', 'data');

/** Short timings so fault recovery happens within a test's patience. */
const FAST_RECOVERY = {
  TINYSWEEP_HEARTBEAT_MS: '500',
  TINYSWEEP_HEARTBEAT_TIMEOUT_MS: '2000',
  TINYSWEEP_LOCK_MS: '3000',
  TINYSWEEP_LEASE_TTL_MS: '3000',
  TINYSWEEP_RECONCILE_MS: '1000',
};

export { FAST_RECOVERY };

export class Cluster {
  readonly group: ProcessGroup;
  readonly stack = new LocalStack();
  urls!: StackUrls;
  db!: pg.Client;
  trainers: StartedTrainer[] = [];
  /** Tokens by name: `admin` (the stack's), `node`, and those asked for in ClusterOptions.tokens. */
  readonly tokens: Record<string, string> = {};
  private readonly dir: string;

  private constructor(private readonly opts: ClusterOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'tinysweep-e2e-'));
    chmodSync(this.dir, 0o755); // Postgres runs as the postgres user when we are root
    this.group = new ProcessGroup({ logDir: join(this.dir, 'logs'), graceMs: 3000 });
  }

  static async start(opts: ClusterOptions = {}): Promise<Cluster> {
    const c = new Cluster(opts);
    c.urls = await c.stack.start({
      dataDir: c.dir,
      durable: false,
      databaseUrl: '',
      redisUrl: '',
      tlsHosts: opts.tlsHosts,
      workdir: REPO_ROOT,
      dataRoots: [...(existsSync(SHARED_DATA) ? [SHARED_DATA] : []), ...(opts.dataRoots ?? [])],
      tokens: !opts.insecureNoToken,
    });
    const secrets = c.urls.secrets;
    if (secrets) {
      Object.assign(c.tokens, { admin: secrets.apiToken, node: secrets.nodeToken });
      for (const [name, role] of Object.entries(opts.tokens ?? {})) c.tokens[name] = addToken(secrets.tokensFile, name, role);
    }
    c.db = new pg.Client({ connectionString: c.urls.databaseUrl });
    await c.db.connect();
    await startApi(c.group, { urls: c.urls, env: c.env('api') });
    for (let i = 1; i <= (opts.dispatchers ?? 1); i++) await c.startDispatcher(`dispatcher-${i}`);
    for (let i = 1; i <= (opts.trainers ?? 1); i++) await c.startTrainer(`trainer-${i}`);
    await c.waitFor(async () => (await c.get<{ items: unknown[] }>('/nodes')).items.length === (opts.trainers ?? 1), 15_000, 'trainers registered');
    return c;
  }

  get dataDir(): string {
    return this.dir;
  }

  env(_app: string): Record<string, string> {
    return { ...FAST_RECOVERY, ...this.opts.env };
  }

  /** What a trainer started by hand (on another host) needs to join: node and gRPC tokens, roots, programs. */
  trainerEnv(): Record<string, string | undefined> {
    return securityEnv(this.urls, 'trainer');
  }

  /** Stops the API (SIGTERM) and starts it again on the same port. */
  async restartApi(): Promise<void> {
    await this.group.stop('api');
    await startApi(this.group, { urls: this.urls, env: this.env('api') });
  }

  /** What a process of the cluster logged so far (`api`, `dispatcher-1`, …: pino JSON lines). */
  logOf(name: string): string {
    const file = join(this.dir, 'logs', `${name}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  async startDispatcher(name: string): Promise<void> {
    await startDispatcher(this.group, { urls: this.urls, name, env: this.env('dispatcher') });
  }

  async startTrainer(name: string, env: Record<string, string> = {}): Promise<StartedTrainer> {
    const t = await startTrainer(this.group, {
      urls: this.urls,
      name,
      env: { ...this.env('trainer'), TINYSWEEP_TRAINER_SLOTS: String(this.opts.slotsPerTrainer ?? 2), ...env },
    });
    this.trainers.push(t);
    return t;
  }

  /**
   * An HTTP request to the API with the admin token, unless `headers.authorization` says otherwise
   * (`''`: none).
   */
  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const { authorization = this.tokens.admin ? `Bearer ${this.tokens.admin}` : '', ...rest } = headers;
    const res = await fetch(`${this.urls.apiUrl}${path}`, {
      method,
      headers: {
        ...(typeof body === 'string' ? { 'content-type': 'application/yaml' } : body ? { 'content-type': 'application/json' } : {}),
        ...(authorization ? { authorization } : {}),
        ...rest,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed };
  }

  async get<T>(path: string): Promise<T> {
    const r = await this.request('GET', path);
    if (r.status !== 200) throw new Error(`GET ${path} → ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body as T;
  }

  async submit(spec: unknown): Promise<string> {
    const r = await this.request('POST', '/sweeps', spec);
    if (r.status !== 201) throw new Error(`submit → ${r.status}: ${JSON.stringify(r.body)}`);
    return (r.body as { id: string }).id;
  }

  async sweep(id: string): Promise<{ status: string; counts: Record<string, number>; trialCount: number }> {
    return this.get(`/sweeps/${id}`);
  }

  async waitForSweep(id: string, timeoutMs = 60_000): Promise<{ status: string; counts: Record<string, number> }> {
    let last = await this.sweep(id);
    await this.waitFor(async () => {
      last = await this.sweep(id);
      return ['completed', 'failed', 'cancelled'].includes(last.status);
    }, timeoutMs, `sweep ${id} to finish`).catch((err: Error) => {
      throw new Error(`${err.message}; last: ${JSON.stringify(last)}`);
    });
    return last;
  }

  async waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (await check().catch(() => false)) return;
      if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async query<T extends pg.QueryResultRow>(sql: string, ...args: unknown[]): Promise<T[]> {
    return (await this.db.query<T>(sql, args)).rows;
  }

  async stop(): Promise<void> {
    await this.db?.end().catch(() => undefined);
    await this.group.stopAll();
    let cluster: string | undefined;
    try {
      cluster = this.stack.postgres?.dataDir;
    } catch {
      // Postgres never started
    }
    await this.stack.stop();
    if (process.env.KEEP_E2E_DATA) return;
    rmSync(this.dir, { recursive: true, force: true });
    // a cluster kept outside the data dir (TMPDIR under a mode-700 folder, as root)
    if (cluster !== undefined && !cluster.startsWith(this.dir)) rmSync(cluster, { recursive: true, force: true });
  }
}

/** A spec running test/fixtures/slow-program.mjs over `xs` × `seeds`. */
export function slowSpec(name: string, o: { xs: number[]; seeds?: number[]; steps?: number; stepMs?: number; retries?: number; timeout?: string; env?: Record<string, string> }) {
  return {
    name,
    backend: { kind: 'command', command: ['node', 'test/fixtures/slow-program.mjs'], env: o.env ?? {} },
    params: { x: o.xs, steps: o.steps ?? 5, stepMs: o.stepMs ?? 50 },
    seeds: o.seeds ?? [1],
    objective: { metric: 'score', mode: 'max' },
    budget: { maxTrials: 1000, trialTimeout: o.timeout ?? '2m', retries: o.retries ?? 2 },
  };
}
