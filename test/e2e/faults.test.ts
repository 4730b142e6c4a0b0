import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnrecoverableError, Worker } from 'bullmq';
import { redisConnection, TRIAL_QUEUE } from '@tinysweep/queue';
import { isProcessAlive } from '@tinysweep/stack';
import { Cluster, slowSpec } from './cluster.js';


/** Every trial of the sweep has exactly one recorded result and one succeeded attempt. */
async function expectStoredOnce(c: Cluster, sweepId: string): Promise<void> {
  const rows = await c.query<{ id: string; status: string; result_attempt: number; wins: string }>(
    `SELECT t.id, t.status, t.result_attempt,
            (SELECT count(*) FROM trial_attempt a WHERE a.trial_id = t.id AND a.outcome = 'succeeded') AS wins
       FROM trial t WHERE t.sweep_id = $1`,
    sweepId,
  );
  for (const r of rows) {
    expect(r.status, `trial ${r.id}`).toBe('succeeded');
    expect(Number(r.wins), `succeeded attempts of ${r.id}`).toBe(1);
  }
}

describe('faults: every result lands in Postgres exactly once, whatever crashes on the way', () => {
  let c: Cluster;
  // Programs write their pids here: a folder the trainers let them write to (TINYSWEEP_COMMAND_WRITE),
  // open to the user they run as.
  const pidDir = mkdtempSync(join(tmpdir(), 'tinysweep-pids-'));
  chmodSync(pidDir, 0o777);
  beforeAll(async () => {
    c = await Cluster.start({ trainers: 2, slotsPerTrainer: 1, env: { TINYSWEEP_COMMAND_WRITE: pidDir } });
  });
  afterAll(async () => {
    await c?.stop();
    rmSync(pidDir, { recursive: true, force: true });
  });

  it('a trainer SIGKILLed mid-trial: the trial reruns on the other trainer and is stored once', async () => {
    const id = await c.submit(slowSpec('trainer-dies', { xs: [1, 2, 3, 4], steps: 15, stepMs: 100 }));
    await c.waitFor(async () => (await c.query(`SELECT 1 FROM trial WHERE sweep_id = $1 AND status = 'running' AND trainer_id = 'trainer-1'`, id)).length > 0, 20_000, 'a trial on trainer-1');
    const [victim] = await c.query<{ id: string }>(`SELECT id FROM trial WHERE sweep_id = $1 AND status = 'running' AND trainer_id = 'trainer-1'`, id);
    await c.group.kill('trainer-1', 'SIGKILL');
    const done = await c.waitForSweep(id, 90_000);
    expect(done.counts).toMatchObject({ succeeded: 4, failed: 0 });
    await expectStoredOnce(c, id);
    const attempts = await c.query<{ attempt: number; trainer_id: string; outcome: string }>(
      `SELECT attempt, trainer_id, outcome FROM trial_attempt WHERE trial_id = $1 ORDER BY attempt`,
      victim!.id,
    );
    // lost (charged) when trainer-1 had answered the call before it died; interrupted (not charged) when it died before
    expect(attempts[0]).toMatchObject({ trainer_id: 'trainer-1' });
    expect(['lost', 'interrupted']).toContain(attempts[0]!.outcome);
    expect(attempts.at(-1)).toMatchObject({ trainer_id: 'trainer-2', outcome: 'succeeded' });
    // the dead node left the pool
    await c.waitFor(async () => (await c.get<{ items: { id: string; alive: boolean }[] }>('/nodes')).items.some((n) => n.id === 'trainer-1' && !n.alive), 10_000, 'trainer-1 marked gone');
    await c.startTrainer('trainer-1b');
  });

  it('the dispatcher SIGKILLed mid-sweep: a new one finishes the sweep with no duplicate results', async () => {
    const id = await c.submit(slowSpec('dispatcher-dies', { xs: [1, 2, 3, 4, 5, 6], steps: 10, stepMs: 100 }));
    await c.waitFor(async () => (await c.query(`SELECT 1 FROM trial WHERE sweep_id = $1 AND status = 'succeeded'`, id)).length >= 1, 30_000, 'first result');
    await c.group.kill('dispatcher-1', 'SIGKILL');
    await c.startDispatcher('dispatcher-2');
    const done = await c.waitForSweep(id, 90_000);
    expect(done.counts).toMatchObject({ succeeded: 6, failed: 0 });
    await expectStoredOnce(c, id);
    const steps = await c.query<{ n: string; d: string }>(
      `SELECT count(*) AS n, count(DISTINCT (s.trial_id, s.attempt, s.step)) AS d FROM trial_step s JOIN trial t ON t.id = s.trial_id WHERE t.sweep_id = $1`,
      id,
    );
    expect(steps[0]!.n).toBe(steps[0]!.d);
  });

  it('Redis restarted empty mid-sweep: the reconciler re-enqueues from Postgres and the sweep finishes', async () => {
    const id = await c.submit(slowSpec('redis-flushed', { xs: [1, 2, 3, 4, 5, 6, 7, 8], steps: 5, stepMs: 100 }));
    await c.waitFor(async () => (await c.query(`SELECT 1 FROM trial WHERE sweep_id = $1 AND status = 'succeeded'`, id)).length >= 1, 30_000, 'first result');
    await c.stack.redis!.restart({ empty: true });
    const done = await c.waitForSweep(id, 120_000);
    expect(done.counts).toMatchObject({ succeeded: 8, failed: 0 });
    await expectStoredOnce(c, id);
  });

  it('a cancel whose message never arrived: the dispatcher finds it in Postgres at its next lease renewal and stops the program', async () => {
    const id = await c.submit(slowSpec('cancel-unheard', { xs: [1], steps: 600, stepMs: 100, env: { PID_DIR: pidDir } }));
    await c.waitFor(async () => (await c.query(`SELECT 1 FROM trial WHERE sweep_id = $1 AND status = 'running'`, id)).length > 0, 20_000, 'the trial running');
    const [t] = await c.query<{ id: string }>(`SELECT id FROM trial WHERE sweep_id = $1`, id);
    await c.waitFor(async () => readdirSync(pidDir).some((f) => f.startsWith(t!.id)), 20_000, 'its program running');
    const pid = JSON.parse(readFileSync(join(pidDir, readdirSync(pidDir).find((f) => f.startsWith(t!.id))!), 'utf8')) as { pid: number; child: number };
    // What the API's cancel writes, without the message it publishes (as if no dispatcher heard it).
    await c.query(`UPDATE sweep SET status = 'cancelled', finished_at = now() WHERE id = $1`, id);
    await c.query(`UPDATE trial SET status = 'cancelled', finished_at = now(), error = 'cancelled by user' WHERE sweep_id = $1`, id);
    await c.waitFor(async () => !isProcessAlive(pid.pid) && !isProcessAlive(pid.child), 20_000, 'the program and its child to exit');
    await c.waitFor(
      async () => (await c.query(`SELECT 1 FROM trial_attempt WHERE trial_id = $1 AND outcome = 'cancelled' AND finished_at IS NOT NULL`, t!.id)).length === 1,
      20_000,
      'the attempt closed as cancelled',
    );
    for (const f of readdirSync(pidDir)) rmSync(join(pidDir, f));
  });

  it('cancel stops running trials (their processes are gone) and queued ones', async () => {
    const id = await c.submit(slowSpec('cancel-me', { xs: [1, 2, 3, 4, 5, 6], steps: 600, stepMs: 100, env: { PID_DIR: pidDir } }));
    await c.waitFor(async () => existsSync(pidDir) && readdirSync(pidDir).length >= 2, 20_000, 'two programs running');
    const r = await c.request('POST', `/sweeps/${id}/cancel`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ cancelled: 6 });
    const pids = readdirSync(pidDir).map((f) => JSON.parse(readFileSync(join(pidDir, f), 'utf8')) as { pid: number; child: number });
    await c.waitFor(async () => pids.every((p) => !isProcessAlive(p.pid) && !isProcessAlive(p.child)), 15_000, 'programs and their children to exit');
    const s = await c.waitForSweep(id, 10_000);
    expect(s.status).toBe('cancelled');
    expect(s.counts).toMatchObject({ cancelled: 6, queued: 0, running: 0, succeeded: 0 });
    // nothing left in the queue for it: no new program starts
    await new Promise((res) => setTimeout(res, 1500));
    expect(readdirSync(pidDir).length).toBe(pids.length);
  });

  it('open trials whose jobs Redis holds as completed or failed are run again by the reconciler', async () => {
    // The fault, injected by a test double: a worker that finishes jobs without touching Postgres, as
    // an older dispatcher's graceful stop completed the jobs still waiting for a slot, and as a job
    // failed for good while Postgres was too far away to hear it.
    const running = c.group.names().filter((n) => n.startsWith('dispatcher') && c.group.get(n)?.running);
    for (const n of running) await c.group.stop(n);
    const id = await c.submit(slowSpec('stranded', { xs: [1, 2, 3, 4], steps: 2, stepMs: 20 }));
    let seen = 0;
    const stranding = new Worker(TRIAL_QUEUE, async () => (seen++ % 2 === 0 ? 'cancelled' : Promise.reject(new UnrecoverableError('postgres away'))), {
      connection: redisConnection(c.urls.redisUrl),
    });
    await c.waitFor(async () => seen >= 4, 20_000, 'the four jobs finished by the stranding worker');
    await stranding.close();
    expect((await c.sweep(id)).counts).toMatchObject({ queued: 4 });
    await c.startDispatcher('dispatcher-3');
    const done = await c.waitForSweep(id, 60_000);
    expect(done.counts).toMatchObject({ succeeded: 4, failed: 0 });
    await expectStoredOnce(c, id);
  });
});
