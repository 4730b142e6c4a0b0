/**
 * A small real HTTP server speaking the tinysweep API contract, for the CLI's tests: sweeps, trials
 * (offset/limit/sort/order/status), nodes, bearer auth, 400/401/404/413 error shapes and the SSE stream.
 * Tests drive it through `FakeApi` (add sweeps and trials, finish trials, push events). Not shipped:
 * src/testing/ is excluded from the build.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import type { ConfigPage, JsonObject, SweepDetail, SweepEvent, SweepStatus, TrainerNode, Trial, TrialStatus } from '@tinysweep/api-types';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeApiOptions {
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Serve `GET /sweeps/:id/events`; when false it answers 404 (watch must poll). @defaultValue true */
  events?: boolean;
  /** Largest accepted POST body. @defaultValue 65536 */
  maxBody?: number;
}

export class FakeApi {
  readonly sweeps = new Map<string, SweepDetail>();
  readonly trials = new Map<string, Trial[]>();
  nodes: TrainerNode[] = [];
  /** What `GET /sweeps/:id/configs` answers, per sweep (the API ranks and summarises; the fake serves). */
  readonly configPages = new Map<string, ConfigPage>();
  readonly requests: RecordedRequest[] = [];
  private readonly subscribers = new Map<string, Set<ServerResponse>>();
  private server: Server | undefined;
  url = '';

  constructor(private readonly opts: FakeApiOptions = {}) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const subs of this.subscribers.values()) for (const res of subs) res.end();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Adds a sweep with `n` queued trials whose params come from `params(i)`. */
  addSweep(opts: { name?: string; metric?: string; maximize?: boolean; n: number; params?: (i: number) => JsonObject }): SweepDetail {
    const id = randomUUID();
    const sweep: SweepDetail = {
      id,
      name: opts.name ?? `sweep-${id.slice(0, 4)}`,
      status: 'queued',
      createdAt: new Date().toISOString(),
      finishedAt: null,
      updatedAt: new Date().toISOString(),
      trialCount: opts.n,
      counts: { queued: opts.n, running: 0, succeeded: 0, failed: 0, cancelled: 0, stopped: 0 },
      trainings: { total: 0, running: 0, done: 0 },
      metric: opts.metric ?? 'score',
      maximize: opts.maximize ?? true,
      best: null,
      originId: null,
      scheduleId: null,
      verdict: null,
      spec: { name: opts.name ?? 'x' },
      environment: null,
      verdictAt: null,
      firedAt: null,
    };
    this.sweeps.set(id, sweep);
    const trials: Trial[] = [];
    for (let i = 0; i < opts.n; i++) {
      trials.push({
        id: randomUUID(),
        sweepId: id,
        ordinal: i,
        status: 'queued',
        params: opts.params?.(i) ?? { adapter: { rank: 1 + (i % 2) } },
        seed: 1 + (i % 3),
        configHash: `c${i}`,
        groupHash: `g${i}`,
        attempts: 0,
        trainerId: null,
        metrics: null,
        trainableParams: null,
        effectiveParams: null,
        error: null,
        queuedAt: sweep.createdAt,
        startedAt: null,
        finishedAt: null,
        reusedFromTrialId: null,
        trainingId: null,
      });
    }
    this.trials.set(id, trials);
    return sweep;
  }

  /** Moves trial `ordinal` to `status` (with metrics when succeeded), updates the sweep and emits events. */
  setTrial(sweepId: string, ordinal: number, status: TrialStatus, metrics?: Record<string, number>): Trial {
    const trial = this.trials.get(sweepId)![ordinal]!;
    trial.status = status;
    if (status === 'running') trial.startedAt = new Date().toISOString();
    if (status === 'succeeded' || status === 'failed' || status === 'cancelled') trial.finishedAt = new Date().toISOString();
    if (metrics) {
      trial.metrics = metrics;
      trial.trainableParams = 13;
      trial.effectiveParams = 9;
    }
    if (status === 'failed') trial.error = 'boom';
    this.emit(sweepId, { type: 'trial', trial: { ...trial } });
    this.recompute(sweepId);
    return trial;
  }

  /** Recounts a sweep from its trials, derives status and best, and emits a sweep event. */
  recompute(sweepId: string, forceStatus?: SweepStatus): void {
    const sweep = this.sweeps.get(sweepId)!;
    const trials = this.trials.get(sweepId)!;
    const counts = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, stopped: 0 };
    for (const t of trials) counts[t.status]++;
    sweep.counts = counts;
    const done = counts.succeeded + counts.failed + counts.cancelled;
    if (forceStatus) sweep.status = forceStatus;
    else if (done === trials.length) sweep.status = counts.succeeded > 0 ? 'completed' : 'failed';
    else if (counts.running > 0 || done > 0) sweep.status = 'running';
    if (sweep.status === 'completed' || sweep.status === 'failed' || sweep.status === 'cancelled') sweep.finishedAt ??= new Date().toISOString();
    const best = this.sorted(trials.filter((t) => t.status === 'succeeded'), `metrics.${sweep.metric}`, sweep.maximize ? 'desc' : 'asc')[0];
    sweep.best = best?.metrics ? { trialId: best.id, value: best.metrics[sweep.metric]!, params: best.params } : null;
    const { spec: _spec, ...summary } = sweep;
    this.emit(sweepId, { type: 'sweep', sweep: structuredClone(summary) });
  }

  emit(sweepId: string, event: SweepEvent): void {
    for (const res of this.subscribers.get(sweepId) ?? []) {
      if (!res.writableEnded) res.write(`data: ${JSON.stringify(event)}\n\n`);
    }
  }

  /** Ends every open event stream of a sweep, as a restarting API would. */
  closeStreams(sweepId: string): void {
    const subs = this.subscribers.get(sweepId);
    for (const res of subs ?? []) res.end();
    subs?.clear();
  }

  /** Number of open event-stream connections for a sweep. */
  subscriberCount(sweepId: string): number {
    return this.subscribers.get(sweepId)?.size ?? 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    this.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, value: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    const notFound = (what: string): void => send(404, { statusCode: 404, message: `${what} not found`, error: 'Not Found' });

    if (this.opts.token !== undefined && req.headers.authorization !== `Bearer ${this.opts.token}`) {
      return send(401, { statusCode: 401, message: 'a bearer token is required', error: 'Unauthorized' });
    }
    const parts = url.pathname.split('/').filter(Boolean);
    const route = `${req.method} /${parts.map((p, i) => (i % 2 === 1 ? ':id' : p)).join('/')}`;
    const id = parts[1] ?? '';
    switch (route) {
      case 'GET /health':
        return send(200, { status: 'ok' });
      case 'POST /sweeps':
        return this.submit(req, body, send);
      case 'GET /sweeps': {
        const limit = Number(url.searchParams.get('limit') ?? 50);
        return send(200, { items: [...this.sweeps.values()].slice(0, limit).map(({ spec: _s, ...s }) => s) });
      }
      case 'GET /sweeps/:id':
        return this.sweeps.has(id) ? send(200, this.sweeps.get(id)) : notFound('sweep');
      case 'GET /sweeps/:id/trials': {
        const trials = this.trials.get(id);
        if (!trials) return notFound('sweep');
        const q = url.searchParams;
        const sort = q.get('sort') ?? 'ordinal';
        if (!/^(ordinal|status|startedAt|finishedAt|trainableParams|effectiveParams|metrics\..+)$/.test(sort)) {
          return send(400, { statusCode: 400, message: `unknown sort key ${sort}`, issues: [{ path: 'sort', message: 'unknown sort key' }] });
        }
        const status = q.get('status');
        const filtered = status ? trials.filter((t) => t.status === status) : trials;
        const ordered = this.sorted(filtered, sort, q.get('order') === 'desc' ? 'desc' : 'asc');
        const offset = Number(q.get('offset') ?? 0);
        const limit = Math.min(Number(q.get('limit') ?? 100), 100);
        return send(200, { total: ordered.length, items: ordered.slice(offset, offset + limit) });
      }
      case 'GET /sweeps/:id/events':
        return this.subscribe(id, res, notFound);
      case 'GET /sweeps/:id/configs':
        return this.configPages.has(id) ? send(200, this.configPages.get(id)) : notFound('sweep');
      case 'POST /sweeps/:id/cancel': {
        const trials = this.trials.get(id);
        if (!trials) return notFound('sweep');
        let cancelled = 0;
        for (const t of trials) {
          if (t.status !== 'queued' && t.status !== 'running') continue;
          t.status = 'cancelled';
          cancelled++;
        }
        this.recompute(id, 'cancelled');
        return send(200, { cancelled });
      }
      case 'GET /trials/:id':
      case 'POST /trials/:id/retry': {
        const trial = [...this.trials.values()].flat().find((t) => t.id === id);
        if (!trial) return notFound('trial');
        if (req.method === 'POST') {
          trial.status = 'queued';
          trial.attempts++;
        }
        return send(200, req.method === 'POST' ? trial : { ...trial, adapter: null, logTail: null, curve: [] });
      }
      case 'GET /nodes':
        return send(200, { items: this.nodes });
      default:
        return send(404, { statusCode: 404, message: `Cannot ${req.method} ${url.pathname}`, error: 'Not Found' });
    }
  }

  private submit(req: IncomingMessage, body: string, send: (status: number, value: unknown) => void): void {
    if (Buffer.byteLength(body) > (this.opts.maxBody ?? 65536)) return send(413, { statusCode: 413, message: 'request entity too large' });
    let spec: unknown;
    try {
      spec = (req.headers['content-type'] ?? '').startsWith('application/json') ? JSON.parse(body) : parseYaml(body);
    } catch {
      return send(400, { statusCode: 400, message: 'invalid sweep spec', issues: [{ path: '', message: 'not parseable' }] });
    }
    const s = spec as { name?: unknown; adapter?: { rank?: unknown }; seeds?: unknown };
    const issues: { path: string; message: string }[] = [];
    if (typeof s.name !== 'string') issues.push({ path: 'name', message: 'required' });
    const ranks = Array.isArray(s.adapter?.rank) ? (s.adapter.rank as unknown[]) : [];
    ranks.forEach((r, i) => {
      if (!Number.isInteger(r) || (r as number) < 1) issues.push({ path: `adapter.rank[${i}]`, message: 'must be a positive integer' });
    });
    if (issues.length > 0) return send(400, { statusCode: 400, error: 'Bad Request', message: 'invalid sweep spec', issues });
    const seeds = Array.isArray(s.seeds) ? s.seeds.length : 1;
    const sweep = this.addSweep({ name: s.name as string, n: Math.max(ranks.length, 1) * seeds });
    send(201, { id: sweep.id, name: sweep.name, status: sweep.status, trialCount: sweep.trialCount, duplicatesCollapsed: 0 });
  }

  private subscribe(id: string, res: ServerResponse, notFound: (what: string) => void): void {
    if (this.opts.events === false) return notFound('events');
    if (!this.sweeps.has(id)) return notFound('sweep');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const subs = this.subscribers.get(id) ?? new Set<ServerResponse>();
    subs.add(res);
    this.subscribers.set(id, subs);
    res.on('close', () => subs.delete(res));
  }

  private sorted(trials: Trial[], sort: string, order: 'asc' | 'desc'): Trial[] {
    const key = (t: Trial): number | string | null => {
      if (sort.startsWith('metrics.')) return t.metrics?.[sort.slice(8)] ?? null;
      const v = t[sort as keyof Trial];
      return typeof v === 'number' || typeof v === 'string' ? v : null;
    };
    return [...trials].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka === null || kb === null) return ka === kb ? a.ordinal - b.ordinal : ka === null ? 1 : -1; // nulls last
      if (ka === kb) return a.ordinal - b.ordinal;
      const cmp = ka < kb ? -1 : 1;
      return order === 'desc' ? -cmp : cmp;
    });
  }
}
