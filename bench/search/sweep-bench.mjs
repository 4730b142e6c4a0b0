/**
 * What bench:search and bench:tpe share: a local stack (embedded Postgres with fsync off, redis-server,
 * the API and a dispatcher as processes), fresh trainers on demand, submitting a sweep and waiting for
 * it, and reading back its trials with their accuracy and trainer seconds.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { LocalStack, ProcessGroup, startApi, startDispatcher, startTrainer } from '@tinysweep/stack';

export const log = (m) => process.stdout.write(`bench: ${m}\n`);
export const sum = (xs) => xs.reduce((s, x) => s + x, 0);
export const round = (x, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export class SweepBench {
  /** @param {string} name a tag for the data directory */
  constructor(name) {
    this.dir = mkdtempSync(join(tmpdir(), `tinysweep-bench-${name}-`));
    chmodSync(this.dir, 0o755); // Postgres runs as the postgres user when we are root
    this.group = new ProcessGroup({ logDir: join(this.dir, 'logs'), graceMs: 3000 });
    this.stack = new LocalStack();
  }

  async start() {
    this.urls = await this.stack.start({ dataDir: this.dir, durable: false, databaseUrl: '', redisUrl: '' });
    await startApi(this.group, { urls: this.urls });
    await startDispatcher(this.group, { urls: this.urls });
    this.db = new pg.Client({ connectionString: this.urls.databaseUrl });
    await this.db.connect();
  }

  async api(method, path, body) {
    const res = await fetch(`${this.urls.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.urls.secrets.apiToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(json)}`);
    return json;
  }

  /**
   * Starts `count` trainers of one slot each (one runtime thread, a graph cache directory of their
   * own) and waits until they are the whole live pool; returns their names (stop them with stopTrainers).
   */
  async freshTrainers(tag, count) {
    const names = [];
    for (let i = 1; i <= count; i++) {
      const name = `trainer-${tag}-${i}`;
      await startTrainer(this.group, { urls: this.urls, name, env: { TINYSWEEP_TRAINER_SLOTS: '1', TINYSWEEP_TRAINER_THREADS: '1', TINYSWEEP_CACHE_DIR: join(this.dir, `graphs-${tag}`) } });
      names.push(name);
    }
    for (let t0 = Date.now(); ; ) {
      const live = (await this.api('GET', '/nodes')).items.filter((n) => n.alive !== false).map((n) => n.id);
      if (live.length === names.length && names.every((n) => live.includes(n))) return names;
      if (Date.now() - t0 > 60_000) throw new Error(`trainers ${names.join(', ')} did not become the live pool (live: ${live.join(', ')})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Stops trainers (they leave the pool). */
  async stopTrainers(names) {
    for (const name of names) await this.group.stop(name);
  }

  /** Submits a sweep and waits for it, logging progress now and then; returns its id and wall seconds. */
  async runSweep(spec) {
    const t0 = performance.now();
    const { id, trialCount } = await this.api('POST', '/sweeps', spec);
    log(`${spec.name}: ${trialCount} trials submitted`);
    let lastLog = performance.now();
    for (;;) {
      const s = await this.api('GET', `/sweeps/${id}`);
      const c = s.counts;
      if (['completed', 'failed', 'cancelled'].includes(s.status)) {
        const wall = (performance.now() - t0) / 1000;
        log(`${spec.name}: ${s.status} in ${wall.toFixed(0)} s (${c.succeeded} succeeded, ${c.stopped ?? 0} stopped, ${c.failed} failed)`);
        if (s.status !== 'completed') throw new Error(`${spec.name} ended ${s.status}`);
        return { id, wall };
      }
      if (performance.now() - lastLog > 30_000) {
        lastLog = performance.now();
        log(`${spec.name}: ${c.succeeded + (c.stopped ?? 0) + c.failed}/${s.trialCount} done, ${c.running} running${c.paused ? `, ${c.paused} paused` : ''}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** Every trial of a sweep with its final accuracy (and Wilson interval), ASHA rung, and its attempts' trainer seconds. */
  async trials(sweepId) {
    const { rows } = await this.db.query(
      `SELECT t.id, t.ordinal, t.status, t.group_hash, (t.metrics->>'acc')::float8 AS acc, (t.metrics->>'acc_lo')::float8 AS lo,
              (t.metrics->>'acc_hi')::float8 AS hi, (t.metrics->>'asha_rung')::int AS rung,
              (SELECT coalesce(sum(extract(epoch FROM (coalesce(a.finished_at, now()) - a.started_at))), 0)
                 FROM trial_attempt a WHERE a.trial_id = t.id)::float8 AS seconds,
              (SELECT count(*) FROM trial_attempt a WHERE a.trial_id = t.id)::int AS attempts
         FROM trial t WHERE t.sweep_id = $1 ORDER BY t.ordinal`,
      [sweepId],
    );
    return rows;
  }

  async stop() {
    await this.db?.end().catch(() => undefined);
    await this.group.stopAll().catch(() => undefined);
    await this.stack.stop().catch(() => undefined);
    if (process.env.BENCH_KEEP) log(`data kept in ${this.dir}`);
    else rmSync(this.dir, { recursive: true, force: true });
  }
}
