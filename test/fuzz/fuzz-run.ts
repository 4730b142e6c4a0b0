/**
 * The API fuzz: a real API process (Postgres, Redis, tokens) answers generated cases (fuzz-cases.ts),
 * a few at a time. Counted: answers ≥ 500, 4xx answers about the request's content (400, 409, 422)
 * that do not name the field they refuse, the API's resident memory, and whether anything was stored
 * for a rejected spec (the sweeps and trials in Postgres against the 201s).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { isProcessAlive, LocalStack, ProcessGroup, REPO_ROOT, startApi } from '@tinysweep/stack';
import { BASE_SPECS, queryCase, specCase, type FuzzCase } from './fuzz-cases.js';

export interface FuzzOptions {
  seed: number;
  cases: number;
  /** Requests in flight at once. @defaultValue 4 */
  concurrency?: number;
  log?: (line: string) => void;
}

export interface FuzzReport {
  cases: number;
  server_errors: number;
  unnamed_4xx: number;
  /** Sweeps or trials in Postgres that no 201 accounts for (written for a rejected spec). */
  written_for_rejected: number;
  accepted: number;
  rejected: number;
  /** The API's resident memory after warming up, at its largest, and at the end (MiB). */
  rss_mib: { warm: number; max: number; end: number };
  /** Requests sent again after the connection was reset while the API stayed up. */
  connection_resets: number;
  seconds: number;
  /** A few failing cases, for a failing run. */
  examples: string[];
}

/** A 4xx about the request's content names the field: `issues: [{ path, message }]`, the path a field (or the spec as a whole, saying so). */
function namesTheField(status: number, body: unknown): boolean {
  if (![400, 409, 422].includes(status)) return true;
  const issues = (body as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return false;
  return issues.every((i: { path?: unknown; message?: unknown }) => {
    if (typeof i.path !== 'string' || typeof i.message !== 'string' || i.message === '') return false;
    // the spec (or body) as a whole: size, syntax, not a mapping — the message says which
    return i.path !== '' || /spec|YAML|JSON|body|document|mapping|UTF-8/i.test(i.message);
  });
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const log = o.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'tinysweep-fuzz-'));
  chmodSync(dir, 0o755);
  const stack = new LocalStack();
  const group = new ProcessGroup({ logDir: join(dir, 'logs') });
  let db: pg.Client | undefined;
  try {
    const urls = await stack.start({ dataDir: dir, durable: false, databaseUrl: '', redisUrl: '', workdir: REPO_ROOT, tokens: true });
    const api = await startApi(group, { urls, env: { TINYSWEEP_SUBMITS_PER_MINUTE: '1000000', TINYSWEEP_MIN_CRON_SECONDS: '1', LOG_LEVEL: 'warn' } });
    db = new pg.Client({ connectionString: urls.databaseUrl });
    await db.connect();
    const token = urls.secrets!.apiToken;
    let resets = 0;
    const send = async (method: string, path: string, body?: string, contentType?: string, idempotencyKey?: string) => {
      let res: Response;
      for (let attempt = 1; ; attempt++) {
        try {
          res = await fetch(`${urls.apiUrl}${path}`, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              ...(contentType ? { 'content-type': contentType } : {}),
              ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
            },
            body,
            signal: AbortSignal.timeout(60_000),
          });
          break;
        } catch (err) {
          // A kept-alive socket the server closed as the request went out (undici's known race, seen
          // under load) is not the API failing: count it and send again — with the same Idempotency-Key,
          // so a spec stored the first time is not stored twice. A dead API is a finding.
          if (!isProcessAlive(api.pid)) throw new Error(`the API exited during ${method} ${path.slice(0, 100)}: see its log`, { cause: err });
          if (attempt >= 3) throw err;
          resets++;
        }
      }
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed };
    };

    // Real ids for the routes' path parameters: a sweep, its trials, a schedule.
    const seeded = await send('POST', '/sweeps', JSON.stringify(BASE_SPECS.command), 'application/json');
    if (seeded.status !== 201) throw new Error(`the valid spec was refused: ${seeded.status} ${JSON.stringify(seeded.body)}`);
    const sweepId = (seeded.body as { id: string }).id;
    const trials = (await send('GET', `/sweeps/${sweepId}/trials?limit=5`)).body as { items: { id: string }[] };
    const schedule = await send('POST', '/schedules', JSON.stringify({ sweepId, cron: '0 3 * * *' }), 'application/json');
    const ids = { sweep: [sweepId], trial: trials.items.map((t) => t.id), schedule: [(schedule.body as { id: string }).id] };
    const doc = (await send('GET', '/docs-json')).body as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths)
      .filter(([p, ops]) => 'get' in ops && !p.endsWith('/events')) // event streams never end
      .map(([p]) => p);
    log(`fuzz: seed ${o.seed}, ${o.cases} cases, ${routes.length} GET routes: ${routes.join(' ')}`);

    const cases = fc.sample(fc.oneof({ weight: 7, arbitrary: specCase }, { weight: 3, arbitrary: queryCase(routes, ids) }), { numRuns: o.cases, seed: o.seed });
    let accepted = 1; // the seeding sweep
    let acceptedTrials = trials.items.length === 0 ? 0 : Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM trial')).rows[0]!.n);
    let rejected = 0;
    let serverErrors = 0;
    let unnamed = 0;
    const examples: string[] = [];
    const note = (what: string, c: FuzzCase, status: number, body: unknown) => {
      if (examples.length < 12) examples.push(`${what} ${status} for ${c.how}: ${c.kind === 'query' ? c.path.slice(0, 200) : c.body.slice(0, 200).replace(/\n/g, '⏎')} → ${JSON.stringify(body).slice(0, 300)}`);
    };
    const rss = { warm: 0, max: 0, end: 0 };
    let done = 0;
    const run = async (c: FuzzCase) => {
      const r = c.kind === 'spec' ? await send('POST', '/sweeps', c.body, c.contentType, randomUUID()) : await send('GET', c.path);
      if (r.status >= 500) {
        serverErrors++;
        note('server error', c, r.status, r.body);
      } else if (!namesTheField(r.status, r.body)) {
        unnamed++;
        note('unnamed', c, r.status, r.body);
      }
      if (c.kind === 'spec') {
        if (r.status === 201) {
          accepted++;
          acceptedTrials += (r.body as { trialCount: number }).trialCount;
        } else rejected++;
      }
      done++;
      if (done === Math.min(200, o.cases)) rss.warm = rssMiB(api.pid);
      if (done % 100 === 0) rss.max = Math.max(rss.max, rssMiB(api.pid));
      if (done % 1000 === 0) log(`${done}/${o.cases} cases: ${serverErrors} server errors, ${unnamed} unnamed 4xx, ${accepted} accepted; API resident ${rssMiB(api.pid)} MiB`);
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: o.concurrency ?? 4 }, async () => {
        while (next < cases.length) await run(cases[next++]!);
      }),
    );
    rss.end = rssMiB(api.pid);
    rss.max = Math.max(rss.max, rss.end);
    rss.warm ||= rss.end;

    const [{ sweeps, trialsStored }] = (
      await db.query<{ sweeps: string; trialsStored: string }>(`SELECT (SELECT count(*) FROM sweep) AS sweeps, (SELECT count(*) FROM trial) AS "trialsStored"`)
    ).rows as [{ sweeps: string; trialsStored: string }];
    const written = Number(sweeps) - accepted + (Number(trialsStored) - acceptedTrials);
    if (written !== 0) examples.push(`stored: ${sweeps} sweeps and ${trialsStored} trials for ${accepted} accepted specs holding ${acceptedTrials} trials`);
    return {
      cases: done,
      server_errors: serverErrors,
      unnamed_4xx: unnamed,
      written_for_rejected: written,
      accepted,
      rejected,
      rss_mib: rss,
      connection_resets: resets,
      seconds: Math.round((Date.now() - started) / 1000),
      examples,
    };
  } finally {
    await db?.end().catch(() => undefined);
    await group.stopAll();
    let cluster: string | undefined;
    try {
      cluster = stack.postgres?.dataDir;
    } catch {
      // never started
    }
    await stack.stop();
    if (!process.env.TINYSWEEP_FUZZ_KEEP) rmSync(dir, { recursive: true, force: true });
    if (cluster !== undefined && !cluster.startsWith(dir)) rmSync(cluster, { recursive: true, force: true });
  }
}
