/**
 * One seeded chaos run: a cluster (ChaosCluster), a workload — a big sweep, small sweeps submitted
 * all along by a client that retries with an Idempotency-Key (some cancelled by their user), a
 * schedule ticking every 10 s — and faults injected at random (the seed picks their kinds, targets,
 * durations and gaps) while it runs. Then every fault is mended, the work allowed to finish, and
 * Postgres asked whether anything was lost or duplicated (see checkInvariants).
 *
 * The same seed picks the same faults in the same order; their exact timing against the cluster's
 * own progress is the machine's, so a replay reproduces the kinds of trouble, not the instants.
 */
import { randomUUID } from 'node:crypto';
import { createRng, type Rng } from '@tinysweep/spec';
import { ChaosCluster } from './chaos-cluster.js';
import { faultKinds, inject, type FaultKind, type InjectedFault } from './faults.js';

export interface ChaosOptions {
  seed: number;
  /** Trials of the big sweep (the small sweeps and the schedule's runs add some). */
  trials: number;
  /** Faults to inject in all. */
  faults: number;
  /** Faults broken at once, at most. @defaultValue 2 */
  concurrent?: number;
  /** Steps each trial's program reports, and the pause between them. @defaultValue 8, 120 */
  steps?: number;
  stepMs?: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  seed: number;
  faults: number;
  trials: number;
  /** Trials without the result they should have (not finished, failed, cancelled unasked, no metric), and submissions lost. */
  lost: number;
  /** Results recorded twice, and sweeps created twice for one Idempotency-Key. */
  duplicated: number;
  open_attempts: number;
  /** Sweeps not finished, whose counts disagree with their trials, or reproduction runs left without a verdict. */
  stuck_sweeps: number;
  seconds: number;
  /** Succeeded trials whose learning curve (of the attempt that produced the result) is not exactly steps 1…n. */
  curve_gaps: number;
  /** The schedule fired after the last fault was mended. */
  schedule_firing: boolean;
  kinds: Partial<Record<FaultKind, number>>;
  /** What went wrong, for a failing run (at most 20 lines). */
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (rng: Rng, lo: number, hi: number): number => lo + rng.int(hi - lo + 1);

function sweepSpec(name: string, xs: number[], steps: number, stepMs: number) {
  return {
    name,
    backend: { kind: 'command', command: ['node', 'test/fixtures/slow-program.mjs'] },
    params: { x: xs, steps, stepMs },
    seeds: [1],
    objective: { metric: 'score', mode: 'max' },
    // Retries for the trial's own failures; faults of the infrastructure cost none (they are interrupted, not lost).
    budget: { maxTrials: 10_000, trialTimeout: '5m', retries: 10 },
  };
}

/** A seeded shuffle of `xs`. */
function shuffled<T>(rng: Rng, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const log = o.log ?? (() => undefined);
  const at = () => `+${((Date.now() - started) / 1000).toFixed(1)}s`;
  const steps = o.steps ?? 8;
  const stepMs = o.stepMs ?? 120;
  const rng = createRng(o.seed);
  const problems: string[] = [];
  const problem = (p: string) => problems.length < 20 && problems.push(p);

  log(`chaos: seed ${o.seed}, ${o.trials} trials, ${o.faults} faults`);
  const c = await ChaosCluster.start();
  log(`${at()} cluster up (trainers on ${c.trainers.some((t) => t.host) ? 'hosts of their own' : 'this host: no network faults'})`);
  try {
    /** A client that retries what did not get an answer — same request, same Idempotency-Key. */
    const call = async (method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: unknown }> => {
      const until = Date.now() + 240_000;
      for (let pause = 250; ; pause = Math.min(2 * pause, 4000)) {
        try {
          const r = await c.request(method, path, body, key ? { 'idempotency-key': key } : {});
          if (r.status < 500) return r;
          if (Date.now() > until) return r;
        } catch (err) {
          if (Date.now() > until) throw err;
        }
        await sleep(pause);
      }
    };
    const submitted = new Map<string, string>(); // idempotency key → sweep id the client was answered
    const unanswered: string[] = [];
    const cancelled = new Set<string>();
    const submit = async (name: string, xs: number[]): Promise<string | undefined> => {
      const key = randomUUID();
      try {
        const r = await call('POST', '/sweeps', sweepSpec(name, xs, steps, stepMs), key);
        if (r.status !== 201) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
        const id = (r.body as { id: string }).id;
        submitted.set(key, id);
        return id;
      } catch (err) {
        unanswered.push(`${name}: ${(err as Error).message}`);
        return undefined;
      }
    };

    // The schedule: its own one-trial spec, every 10 s (runs reproduce its first run).
    const sched = await call('POST', '/schedules', { spec: sweepSpec('chaos-nightly', [7], 2, 50), cron: '*/10 * * * * *' });
    if (sched.status !== 201) throw new Error(`schedule → ${sched.status}: ${JSON.stringify(sched.body)}`);
    const scheduleId = (sched.body as { id: string }).id;

    const main = await submit('chaos-main', Array.from({ length: o.trials }, (_, i) => i));
    if (!main) throw new Error(`the big sweep was not accepted: ${unanswered.join('; ')}`);

    // Small sweeps all along, some cancelled by their user a moment later.
    let working = true;
    const side: Promise<void>[] = [];
    const workload = (async () => {
      for (let n = 1; working; n++) {
        side.push(
          (async () => {
            const id = await submit(`chaos-side-${n}`, [1000 + 4 * n, 1001 + 4 * n, 1002 + 4 * n, 1003 + 4 * n]);
            if (!id || rng.next() >= 0.25) return;
            await sleep(between(rng, 300, 4000));
            const r = await call('POST', `/sweeps/${id}/cancel`).catch((err: Error) => ({ status: 0, body: err.message }));
            if (r.status === 200) cancelled.add(id);
            else problem(`cancel of ${id} → ${r.status} ${JSON.stringify(r.body)}`);
          })(),
        );
        await sleep(between(rng, 2000, 5000));
      }
    })();

    // The faults: every kind in each round, the order shuffled by the seed; at most `concurrent` at once.
    const kinds = faultKinds(c);
    const counts: Partial<Record<FaultKind, number>> = {};
    const busy = new Set<string>();
    const mending = new Set<Promise<void>>();
    let injected = 0;
    let round: FaultKind[] = [];
    while (injected < o.faults) {
      while (mending.size >= (o.concurrent ?? 2)) await Promise.race(mending);
      if (round.length === 0) round = shuffled(rng, kinds);
      const kind = round.shift()!;
      let f: InjectedFault | undefined;
      try {
        f = await inject(c, kind, rng, busy);
      } catch (err) {
        problem(`injecting ${kind}: ${(err as Error).message}`);
      }
      if (!f) {
        round.push(kind); // its target is broken already: later in the round
        await sleep(200);
        continue;
      }
      injected++;
      counts[kind] = (counts[kind] ?? 0) + 1;
      busy.add(f.target);
      log(`${at()} fault ${injected}/${o.faults}: ${kind} ${f.target} (for ${f.holdMs} ms)`);
      const fault = f;
      const p: Promise<void> = (async () => {
        await sleep(fault.holdMs);
        try {
          await fault.mend();
        } catch (err) {
          problem(`mending ${fault.kind} ${fault.target}: ${(err as Error).message}`);
        }
        busy.delete(fault.target);
      })().finally(() => mending.delete(p));
      mending.add(p);
      await sleep(between(rng, 300, 2000));
    }
    await Promise.all(mending);
    const calm = Date.now();
    log(`${at()} every fault mended; letting the work finish`);
    working = false;
    await workload;
    await Promise.all(side);

    // Settling: every trainer back, the schedule firing again, every sweep finished, every attempt closed.
    await c.waitFor(async () => (await c.liveNodes()) === c.trainers.length, 120_000, 'every trainer back in the pool').catch((e: Error) => problem(e.message));
    let scheduleFiring = true;
    await c
      .waitFor(async () => (await c.query(`SELECT 1 FROM sweep WHERE schedule_id = $1 AND fired_at > $2`, scheduleId, new Date(calm))).length > 0, 60_000, 'a schedule tick after the faults')
      .catch((e: Error) => {
        scheduleFiring = false;
        problem(e.message);
      });
    const paused = await call('POST', `/schedules/${scheduleId}/pause`);
    if (paused.status !== 200) problem(`pausing the schedule → ${paused.status}`);
    const trialCount = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM trial`))[0]!.n);
    await c
      .waitFor(async () => (await c.query(`SELECT 1 FROM sweep WHERE status IN ('queued', 'running') LIMIT 1`)).length === 0, 120_000 + 500 * trialCount, 'every sweep to finish')
      .catch((e: Error) => problem(e.message));
    await c.waitFor(async () => (await c.query(`SELECT 1 FROM trial_attempt WHERE finished_at IS NULL LIMIT 1`)).length === 0, 60_000, 'every attempt closed').catch((e: Error) => problem(e.message));
    await c
      .waitFor(async () => (await c.query(`SELECT 1 FROM sweep WHERE origin_sweep_id IS NOT NULL AND verdict IS NULL LIMIT 1`)).length === 0, 60_000, 'every reproduction judged')
      .catch((e: Error) => problem(e.message));

    const inv = await checkInvariants(c, { steps, cancelled, submitted, problem });
    const lost = inv.lost + unanswered.length;
    for (const u of unanswered) problem(`a submission never got an answer: ${u}`);
    return {
      seed: o.seed,
      faults: injected,
      trials: Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM trial`))[0]!.n),
      lost,
      duplicated: inv.duplicated,
      open_attempts: inv.openAttempts,
      stuck_sweeps: inv.stuckSweeps,
      seconds: Math.round((Date.now() - started) / 1000),
      curve_gaps: inv.curveGaps,
      schedule_firing: scheduleFiring,
      kinds: counts,
      problems,
    };
  } finally {
    if (process.env.KEEP_CHAOS_DATA) log(`logs and data kept in ${c.dir}`);
    await c.stop();
  }
}

interface InvariantInput {
  steps: number;
  /** Sweeps their user cancelled (their trials may end cancelled). */
  cancelled: ReadonlySet<string>;
  /** Idempotency key → the sweep the client was answered with. */
  submitted: ReadonlyMap<string, string>;
  problem: (p: string) => void;
}

/** What Postgres holds once everything settled, against what the workload asked for. */
export async function checkInvariants(c: ChaosCluster, x: InvariantInput) {
  const rows = async <T extends Record<string, unknown>>(what: string, sql: string, ...args: unknown[]): Promise<T[]> => {
    const r = await c.query<T>(sql, ...args);
    for (const row of r.slice(0, 3)) x.problem(`${what}: ${JSON.stringify(row)}`);
    return r;
  };
  const cancelled = [...x.cancelled];
  // Every trial finished the way it should: succeeded with its metric, or cancelled because its user asked.
  const unfinished = await rows('not finished', `SELECT id, sweep_id, status, attempts FROM trial WHERE status IN ('queued', 'running')`);
  const failed = await rows('failed', `SELECT id, sweep_id, error FROM trial WHERE status = 'failed'`);
  const unasked = await rows('cancelled unasked', `SELECT id, sweep_id, error FROM trial WHERE status = 'cancelled' AND NOT (sweep_id = ANY($1::uuid[]))`, cancelled);
  const noMetric = await rows('succeeded without its metric', `SELECT id FROM trial WHERE status = 'succeeded' AND jsonb_typeof(metrics->'score') IS DISTINCT FROM 'number'`);
  const answered = [...x.submitted.values()];
  const missing = await rows('answered but not stored', `SELECT a FROM unnest($1::uuid[]) a WHERE NOT EXISTS (SELECT 1 FROM sweep WHERE id = a)`, answered);
  const lost = unfinished.length + failed.length + unasked.length + noMetric.length + missing.length;

  // Exactly once: one winning attempt per result, the winner the one the trial names; one sweep per key.
  const twice = await rows(
    'result recorded twice',
    `SELECT trial_id, count(*) AS n FROM trial_attempt WHERE outcome IN ('succeeded', 'reused', 'failed', 'stopped') GROUP BY trial_id HAVING count(*) > 1`,
  );
  const wrongWinner = await rows(
    'result attempt not the winner',
    `SELECT t.id, t.result_attempt, a.outcome FROM trial t LEFT JOIN trial_attempt a ON a.trial_id = t.id AND a.attempt = t.result_attempt
      WHERE t.status = 'succeeded' AND a.outcome IS DISTINCT FROM 'succeeded' AND a.outcome IS DISTINCT FROM 'reused'`,
  );
  const dupSweeps = await rows('sweep created twice', `SELECT name, count(*) AS n FROM sweep WHERE schedule_id IS NULL GROUP BY name HAVING count(*) > 1`);
  const duplicated = twice.length + wrongWinner.length + dupSweeps.reduce((s, r) => s + Number(r.n) - 1, 0);

  const open = await rows('attempt left open', `SELECT trial_id, attempt, trainer_id, started_at FROM trial_attempt WHERE finished_at IS NULL`);

  // Curves: the recorded attempt's steps are exactly 1…steps (the schedule's runs report 2).
  const gaps = await rows(
    'curve with a gap',
    `SELECT t.id, t.result_attempt, s.n, s.lo, s.hi FROM trial t
       LEFT JOIN LATERAL (SELECT count(*) AS n, min(step) AS lo, max(step) AS hi FROM trial_step WHERE trial_id = t.id AND attempt = t.result_attempt) s ON true
      WHERE t.status = 'succeeded' AND NOT (s.n = (t.params->>'steps')::int AND s.lo = 1 AND s.hi = (t.params->>'steps')::int)`,
  );

  const stuck = await rows(
    'sweep stuck',
    `SELECT s.id, s.name, s.status::text AS status FROM sweep s WHERE s.status IN ('queued', 'running')
     UNION ALL
     SELECT s.id, s.name, 'counts ' || s.succeeded_count || '/' || s.trial_count FROM sweep s
       CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE status = 'queued') AS q, count(*) FILTER (WHERE status = 'running') AS r,
                                  count(*) FILTER (WHERE status = 'succeeded') AS ok, count(*) FILTER (WHERE status = 'failed') AS f,
                                  count(*) FILTER (WHERE status = 'cancelled') AS x, count(*) FILTER (WHERE status = 'stopped') AS p, count(*) AS n
                             FROM trial WHERE sweep_id = s.id) t
      WHERE (s.queued_count, s.running_count, s.succeeded_count, s.failed_count, s.cancelled_count, s.stopped_count, s.trial_count)
            IS DISTINCT FROM (t.q::int, t.r::int, t.ok::int, t.f::int, t.x::int, t.p::int, t.n::int)
     UNION ALL
     SELECT id, name, 'no verdict' FROM sweep WHERE origin_sweep_id IS NOT NULL AND verdict IS NULL`,
  );
  return { lost, duplicated, openAttempts: open.length, stuckSweeps: stuck.length, curveGaps: gaps.length };
}
