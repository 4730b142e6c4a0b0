import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startApi } from '@tinysweep/stack';
import { Cluster, slowSpec } from './cluster.js';

interface Run {
  id: string;
  status: string;
  verdict: string | null;
  originId: string | null;
}
interface Verdicts {
  verdict: string | null;
  items: { verdict: string; delta: number | null; groupHash: string; original: { mean: number }; reproduced: { mean: number } | null }[];
}

describe('schedules re-run sweeps, treat seeds as replicates, and flag drift', () => {
  let c: Cluster;
  let hooks: Server;
  const received: { event: string; drifted: unknown[]; environment: unknown }[] = [];
  let original: string;

  beforeAll(async () => {
    // The webhook receiver is a local http server: allowed here explicitly (by default https and public addresses only).
    c = await Cluster.start({
      trainers: 1,
      slotsPerTrainer: 4,
      env: {
        TINYSWEEP_VERDICT_MS: '300',
        TINYSWEEP_SCHEDULE_SYNC_MS: '1000',
        TINYSWEEP_MIN_CRON_SECONDS: '1', // crons of a few seconds, so the test sees firings
        TINYSWEEP_WEBHOOK_ALLOW_HTTP: '1',
        TINYSWEEP_WEBHOOK_ALLOW_PRIVATE: '1',
      },
    });
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as (typeof received)[number]);
        res.end();
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    original = await c.submit(slowSpec('deterministic', { xs: [1, 2], seeds: [1, 2, 3], steps: 1, stepMs: 1 }));
    await c.waitForSweep(original);
  });
  afterAll(async () => {
    hooks?.close();
    await c?.stop();
  });

  const runsOf = async (scheduleId: string) => (await c.get<{ items: Run[] }>(`/schedules/${scheduleId}/runs`)).items;
  const judged = async (scheduleId: string, n: number) => {
    await c.waitFor(async () => (await runsOf(scheduleId)).filter((r) => r.verdict).length >= n, 60_000, `${n} judged run(s)`);
    return (await runsOf(scheduleId)).filter((r) => r.verdict);
  };

  it('reports seeds as replicates: mean, std and 95% CI per config', async () => {
    const configs = await c.get<{ items: { params: { x: number }; seeds: number[]; summary: { mean: number; std: number; n: number; ci95: number[] } }[] }>(`/sweeps/${original}/configs`);
    expect(configs.items).toHaveLength(2);
    const best = configs.items[0]!;
    expect(best.params.x).toBe(2);
    expect(best.seeds).toEqual([1, 2, 3]);
    expect(best.summary.mean).toBe(22); // 20 + mean seed
    expect(best.summary.std).toBe(1);
    expect(best.summary.ci95[0]).toBeLessThan(22);
    expect(best.summary.ci95[1]).toBeGreaterThan(22);
  });

  /**
   * A schedule's runs: no tick fired twice, each on the cron's grid, and none lost — a tick is
   * skipped only when it had passed already as the tick before it ran (an API restarting, or lagging
   * on a loaded machine): it is coalesced into that late firing, as cron does (BullMQ computes the
   * next tick from the moment a tick is taken).
   */
  async function expectEveryTick(scheduleId: string, periodMs: number): Promise<void> {
    const runs = (await c.query<{ fired_at: Date; created_at: Date }>(`SELECT fired_at, created_at FROM sweep WHERE schedule_id = $1 ORDER BY fired_at`, scheduleId)).map((t) => ({ tick: t.fired_at.getTime(), ran: t.created_at.getTime() }));
    const ticks = runs.map((r) => r.tick);
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const t of ticks) expect(t % periodMs, `${new Date(t).toISOString()} is a tick of the cron`).toBe(0);
    for (let i = 1; i < runs.length; i++) {
      for (let skipped = runs[i - 1]!.tick + periodMs; skipped < runs[i]!.tick; skipped += periodMs) {
        expect(skipped, `tick ${new Date(skipped).toISOString()} skipped although the run before it came at ${new Date(runs[i - 1]!.ran).toISOString()}`).toBeLessThanOrEqual(runs[i - 1]!.ran + 250);
      }
    }
  }

  it('a cron of a few seconds fires and reproduces a deterministic sweep', async () => {
    const r = await c.request('POST', '/schedules', { sweepId: original, cron: '*/2 * * * * *', tolerance: 0.001 });
    expect(r.status).toBe(201);
    const id = (r.body as { id: string }).id;
    const [run] = await judged(id, 1);
    await c.request('POST', `/schedules/${id}/pause`);
    expect(run!.verdict).toBe('reproduced');
    expect(run!.originId).toBe(original);
    const v = await c.get<Verdicts>(`/sweeps/${run!.id}/verdicts`);
    expect(v.items).toHaveLength(2);
    expect(v.items.every((i) => i.verdict === 'reproduced' && i.delta === 0)).toBe(true);
    const sweep = await c.get<{ environment: { run: { trainer: string; device: string }[] } }>(`/sweeps/${run!.id}`);
    expect(sweep.environment?.run?.[0]).toMatchObject({ device: 'cpu', backend: 'command' });
    const history = await c.get<Verdicts>(`/sweeps/${original}/verdicts?as=origin`);
    expect(history.items.length).toBeGreaterThanOrEqual(2);
  });

  it('a program whose metric shifts under an environment toggle → drifted, and the webhook hears of it', async () => {
    const port = (hooks.address() as AddressInfo).port;
    const r = await c.request('POST', '/schedules', { sweepId: original, cron: '0 0 3 * * *', tolerance: 0.1, webhookUrl: `http://127.0.0.1:${port}/drift` });
    const id = (r.body as { id: string }).id;
    // the node's environment changes: the same program now scores 0.5 higher
    await c.group.stop('trainer-1');
    await c.startTrainer('trainer-drift', { DRIFT: '0.5', TINYSWEEP_COMMAND_ENV: 'DRIFT' }); // passed on to programs by name only
    // paused: the cron's ticks are skipped, but "run now" is a user's explicit request and still fires
    await c.request('POST', `/schedules/${id}/pause`);
    expect((await c.request('POST', `/schedules/${id}/run`)).status).toBe(202);
    const [run] = await judged(id, 1);
    expect(run!.verdict).toBe('drifted');
    expect((await c.get<{ paused: boolean }>(`/schedules/${id}`)).paused).toBe(true);
    const v = await c.get<Verdicts>(`/sweeps/${run!.id}/verdicts`);
    expect(v.items.every((i) => i.verdict === 'drifted' && Math.abs(i.delta! - 0.5) < 1e-9)).toBe(true);
    await c.waitFor(async () => received.length > 0, 10_000, 'the webhook');
    expect(received[0]).toMatchObject({ event: 'drift' });
    expect(received[0]!.drifted).toHaveLength(2);
    await c.group.stop('trainer-drift');
    await c.startTrainer('trainer-2');
  });

  it('restarting the API between firings neither loses nor duplicates a firing', async () => {
    const r = await c.request('POST', '/schedules', { sweepId: original, cron: '*/3 * * * * *', tolerance: 0.001 });
    const id = (r.body as { id: string }).id;
    await c.waitFor(async () => (await runsOf(id)).length >= 1, 20_000, 'the first firing');
    await c.restartApi();
    await c.waitFor(async () => (await runsOf(id)).length >= 4, 40_000, 'four firings');
    await c.request('POST', `/schedules/${id}/pause`);
    await expectEveryTick(id, 3000);
  });

  it('Redis restarted empty: the schedule clocks come back from Postgres and it fires again', async () => {
    const r = await c.request('POST', '/schedules', { sweepId: original, cron: '*/2 * * * * *', tolerance: 0.001 });
    const id = (r.body as { id: string }).id;
    await c.waitFor(async () => (await runsOf(id)).length >= 1, 20_000, 'the first firing');
    await c.stack.redis!.restart({ empty: true }); // every job scheduler gone with it
    const wiped = Date.now();
    // TINYSWEEP_SCHEDULE_SYNC_MS (the cluster's: 1 s) re-upserts it from Postgres
    await c.waitFor(async () => (await c.query(`SELECT 1 FROM sweep WHERE schedule_id = $1 AND fired_at > $2`, id, new Date(wiped))).length > 0, 30_000, 'a firing after the wipe');
    await c.request('POST', `/schedules/${id}/pause`);
  });

  it('refuses extra seeds that would take a run past its budget (it would fail every tick)', async () => {
    const tight = { ...slowSpec('tight', { xs: [1, 2], steps: 1, stepMs: 1 }), budget: { maxTrials: 10 } }; // 2 trials; 2 × 11 seeds is 22
    const r = await c.request('POST', '/schedules', { spec: tight, cron: '0 3 * * *', extraSeeds: 10 });
    expect(r.status).toBe(400);
    expect((r.body as { issues: { path: string; message: string }[] }).issues).toEqual([{ path: 'extraSeeds', message: expect.stringMatching(/budget\.maxTrials|trials/) }]);
  });

  it('refuses a bad schedule with field paths', async () => {
    const r = await c.request('POST', '/schedules', { sweepId: original, cron: 'every tuesday', timeZone: 'Mars/Olympus' });
    expect(r.status).toBe(400);
    const paths = (r.body as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['timeZone']));
    const r2 = await c.request('POST', '/schedules', { sweepId: original, cron: 'every tuesday' });
    expect((r2.body as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain('cron');
  });

  it('fires once per tick with two API replicas taking ticks', async () => {
    const port = await freePort();
    await startApi(c.group, { urls: { ...c.urls, apiPort: port, apiUrl: `http://127.0.0.1:${port}` }, name: 'api-2', env: c.env('api') });
    const r = await c.request('POST', '/schedules', { sweepId: original, cron: '*/2 * * * * *', tolerance: 0.001 });
    const id = (r.body as { id: string }).id;
    await c.waitFor(async () => (await runsOf(id)).length >= 4, 30_000, 'four firings');
    await c.request('POST', `/schedules/${id}/pause`);
    await c.group.stop('api-2');
    await expectEveryTick(id, 2000);
  });

  it('works from the CLI: schedule add, ls, run, runs, pause, rm, and configs', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['apps/cli/bin/tinysweep.js', '--api', c.urls.apiUrl, ...args], {
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, TINYSWEEP_API_TOKEN_FILE: c.urls.secrets!.tokenFile },
      });
    const added = cli('--json', 'schedule', 'add', original, '--cron', '0 4 * * *', '--tz', 'Europe/Paris', '--tolerance', '0.05');
    expect(added.status, added.stderr).toBe(0);
    const id = (JSON.parse(added.stdout) as { id: string }).id;
    expect(cli('schedule', 'ls').stdout).toMatch(/0 4 \* \* \*.*Europe\/Paris/);
    expect(cli('schedule', 'run', id).status).toBe(0);
    expect(cli('schedule', 'pause', id).status).toBe(0);
    expect(cli('schedule', 'runs', id).status).toBe(0);
    expect(cli('schedule', 'rm', id).status).toBe(0);
    const bad = cli('schedule', 'add', original, '--cron', 'nonsense');
    expect(bad.status).toBe(2);
    expect(bad.stdout + bad.stderr).toMatch(/cron/);
    const configs = cli('configs', original);
    expect(configs.status, configs.stderr).toBe(0);
    expect(configs.stdout).toMatch(/score mean/);
    expect(configs.stdout).toMatch(/22/);
  });
});
