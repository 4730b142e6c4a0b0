/**
 * The cluster the chaos suite runs against, as a small production deployment is laid out: durable
 * Postgres (fsync on) and Redis with its append-only file, two API replicas behind a load balancer,
 * two dispatchers, three trainers — each trainer on a host of its own (a network namespace, when we
 * are root) so the network between it and the control plane can be cut, both ways or one way.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, LocalStack, ProcessGroup, REPO_ROOT, securityEnv, startApi, startDispatcher, tlsEnv, type StackUrls } from '@tinysweep/stack';
import { canMakeHosts, NetHost } from '../support/net-host.js';
import { ApiBalancer } from './api-balancer.js';

const TRAINER = join(REPO_ROOT, 'apps', 'trainer', 'dist', 'main.js');

/** Fault recovery on a test's clock (the defaults are production's: 10 s heartbeats, 30 s locks). */
export const CHAOS_TIMINGS = {
  TINYSWEEP_HEARTBEAT_MS: '500',
  TINYSWEEP_HEARTBEAT_TIMEOUT_MS: '2000',
  TINYSWEEP_LOCK_MS: '3000',
  TINYSWEEP_LEASE_TTL_MS: '3000',
  TINYSWEEP_RECONCILE_MS: '1000',
  TINYSWEEP_SCHEDULE_SYNC_MS: '2000',
  TINYSWEEP_VERDICT_MS: '1000',
};

export interface ChaosClusterOptions {
  apis?: number;
  dispatchers?: number;
  trainers?: number;
  slotsPerTrainer?: number;
  /** Where output lines of the processes go besides their log files. */
  log?: (line: string) => void;
}

export interface ChaosTrainer {
  name: string;
  /** Its host (undefined: it runs on this host, where no network fault can reach it). */
  host?: NetHost;
}

export class ChaosCluster {
  readonly group: ProcessGroup;
  readonly stack = new LocalStack();
  readonly dir: string;
  urls!: StackUrls;
  db!: pg.Pool;
  balancer!: ApiBalancer;
  /** The balancer's address: what clients and trainers use. */
  apiUrl!: string;
  apiNames: string[] = [];
  dispatcherNames: string[] = [];
  trainers: ChaosTrainer[] = [];
  private readonly hosts: NetHost[] = [];
  private balancerPort = 0;
  private apiPorts: number[] = [];
  readonly token: string = '';

  private constructor(private readonly o: Required<ChaosClusterOptions>) {
    this.dir = mkdtempSync(join(tmpdir(), 'tinysweep-chaos-'));
    chmodSync(this.dir, 0o755); // Postgres runs as the postgres user when we are root
    this.group = new ProcessGroup({ logDir: join(this.dir, 'logs'), graceMs: 5000 });
  }

  /** Whether trainers get hosts of their own (root and `ip` available): partitions need them. */
  static get networkFaults(): boolean {
    return canMakeHosts();
  }

  static async start(opts: ChaosClusterOptions = {}): Promise<ChaosCluster> {
    const c = new ChaosCluster({ apis: 2, dispatchers: 2, trainers: 3, slotsPerTrainer: 2, log: () => undefined, ...opts });
    try {
      await c.boot();
      return c;
    } catch (err) {
      await c.stop();
      throw err;
    }
  }

  private async boot(): Promise<void> {
    const { o } = this;
    if (ChaosCluster.networkFaults) for (let i = 1; i <= o.trainers; i++) this.hosts.push(NetHost.create(`chaos-${i}`, i));
    this.urls = await this.stack.start({
      dataDir: this.dir,
      durable: true, // fsync on: a killed Postgres must keep what it committed
      persistRedis: true, // the append-only file: a killed Redis comes back with its queue
      databaseUrl: '',
      redisUrl: '',
      tlsHosts: this.hosts.map((h) => h.address),
      workdir: REPO_ROOT,
      tokens: true,
    });
    (this as { token: string }).token = this.urls.secrets!.apiToken;
    this.db = new pg.Pool({ connectionString: this.urls.databaseUrl, max: 4 });
    this.db.on('error', () => undefined); // Postgres is killed on purpose

    this.apiPorts = await Promise.all(Array.from({ length: o.apis }, () => freePort()));
    this.balancer = new ApiBalancer(this.apiPorts);
    this.balancerPort = await this.balancer.listen('0.0.0.0');
    this.apiUrl = `http://127.0.0.1:${this.balancerPort}`;
    this.apiNames = this.apiPorts.map((_, i) => `api-${i + 1}`);
    await Promise.all(this.apiNames.map((name, i) => this.spawnApi(name, this.apiPorts[i]!)));

    this.dispatcherNames = Array.from({ length: o.dispatchers }, (_, i) => `dispatcher-${i + 1}`);
    this.trainers = Array.from({ length: o.trainers }, (_, i) => ({ name: `trainer-${i + 1}`, host: this.hosts[i] }));
    await Promise.all([...this.dispatcherNames.map((n) => this.spawnDispatcher(n)), ...this.trainers.map((t) => this.spawnTrainer(t))]);
    await this.waitFor(async () => (await this.liveNodes()) === o.trainers, 60_000, 'every trainer in the pool');
  }

  private env(): Record<string, string> {
    return { ...CHAOS_TIMINGS, LOG_LEVEL: 'info' };
  }

  private apiUrls(port: number): StackUrls {
    return { ...this.urls, apiPort: port, apiUrl: `http://127.0.0.1:${port}` };
  }

  private async spawnApi(name: string, port: number): Promise<void> {
    await startApi(this.group, {
      name,
      urls: this.apiUrls(port),
      env: {
        ...this.env(),
        TINYSWEEP_API_HOST: '0.0.0.0', // trainers on their own hosts heartbeat through the balancer
        TINYSWEEP_MIN_CRON_SECONDS: '1',
        TINYSWEEP_SUBMITS_PER_MINUTE: '10000',
      },
      readyTimeoutMs: 120_000,
    });
  }

  private async spawnDispatcher(name: string): Promise<void> {
    await startDispatcher(this.group, { name, urls: this.urls, env: this.env(), readyTimeoutMs: 120_000 });
  }

  /** A trainer on its host (or here); `advertise` overrides the address dispatchers dial (a black-hole node). */
  async spawnTrainer(t: ChaosTrainer, opts: { advertise?: string; port?: number } = {}): Promise<void> {
    const port = opts.port ?? (t.host ? 50051 : await freePort());
    const argv = t.host ? t.host.exec(process.execPath, '--enable-source-maps', TRAINER) : { command: process.execPath, args: ['--enable-source-maps', TRAINER] };
    await this.group.spawn(t.name, {
      command: argv.command,
      args: argv.args,
      env: {
        ...this.env(),
        ...securityEnv(this.urls, 'trainer'),
        ...tlsEnv(this.urls, 'trainer'),
        TINYSWEEP_API_URL: t.host ? `http://${t.host.gateway}:${this.balancerPort}` : this.apiUrl,
        TINYSWEEP_TRAINER_HOST: t.host?.address ?? '127.0.0.1',
        TINYSWEEP_TRAINER_PORT: String(port),
        ...(opts.advertise ? { TINYSWEEP_TRAINER_ADVERTISE: opts.advertise } : {}),
        TINYSWEEP_TRAINER_ID: t.name,
        TINYSWEEP_TRAINER_SLOTS: String(this.o.slotsPerTrainer),
        TINYSWEEP_LOG_LEVEL: 'info',
      },
      ready: { line: /trainer listening/, timeoutMs: 120_000 },
    });
  }

  /** Starts a component again after a fault stopped it. */
  async respawn(name: string): Promise<void> {
    const api = this.apiNames.indexOf(name);
    if (api >= 0) return this.spawnApi(name, this.apiPorts[api]!);
    if (this.dispatcherNames.includes(name)) return this.spawnDispatcher(name);
    const t = this.trainers.find((x) => x.name === name);
    if (t) return this.spawnTrainer(t);
    throw new Error(`no component ${name}`);
  }

  async liveNodes(): Promise<number> {
    const r = await this.request('GET', '/nodes');
    return r.status === 200 ? (r.body as { items: { alive: boolean }[] }).items.filter((n) => n.alive).length : -1;
  }

  /** An HTTP request through the balancer with the stack's admin token. */
  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as unknown };
    } catch {
      return { status: res.status, body: text };
    }
  }

  async query<T extends pg.QueryResultRow>(sql: string, ...args: unknown[]): Promise<T[]> {
    return (await this.db.query<T>(sql, args)).rows;
  }

  async waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (await check().catch(() => false)) return;
      if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async stop(): Promise<void> {
    await this.balancer?.close().catch(() => undefined);
    await this.db?.end().catch(() => undefined);
    await this.group.stopAll();
    let cluster: string | undefined;
    try {
      cluster = this.stack.postgres?.dataDir;
    } catch {
      // Postgres never started
    }
    await this.stack.stop();
    for (const h of this.hosts) h.destroy();
    if (process.env.KEEP_CHAOS_DATA) return;
    rmSync(this.dir, { recursive: true, force: true });
    if (cluster !== undefined && !cluster.startsWith(this.dir)) rmSync(cluster, { recursive: true, force: true });
  }
}
