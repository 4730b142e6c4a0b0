import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ReproductionRepository, ScheduleRepository, SweepRepository, type JsonObject, type PendingReproduction } from '@tinysweep/db';
import { ScheduleQueue } from '@tinysweep/queue';
import { compareReplicates, runVerdict, summarise } from '@tinysweep/stats';
import { parseSweepSpec, planSweep, type SweepSpec } from '@tinysweep/spec';
import type { Worker } from 'bullmq';
import { API_CONFIG, type ApiConfig } from '../config/api.config.js';
import { codeVersion } from '../config/code-version.js';
import { summariseConfigs } from '../replicates/config-summary.js';
import { redactUrl } from '../security/redact.js';
import { SweepsService } from '../sweeps/sweeps.service.js';
import { postWebhook } from './webhook.js';

/** Tolerance for runs made by hand (no schedule), on the sweep's metric. */
const DEFAULT_TOLERANCE = 0.02;

/**
 * The two halves of a reproduction: a tick creates a run of the original's spec and seeds (through
 * the normal sweep path), and once that run has finished its verdicts are recorded — per config
 * (seed replicates compared with the original's) and for the run — with the environment it saw,
 * and a webhook is told about drift.
 */
@Injectable()
export class Reproductions implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(Reproductions.name);
  private worker?: Worker;
  private judging?: NodeJS.Timeout;
  private syncing?: NodeJS.Timeout;
  private closed = false;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(ScheduleRepository) private readonly schedules: ScheduleRepository,
    @Inject(SweepRepository) private readonly sweeps: SweepRepository,
    @Inject(ReproductionRepository) private readonly runs: ReproductionRepository,
    @Inject(ScheduleQueue) private readonly ticks: ScheduleQueue,
    @Inject(SweepsService) private readonly launcher: SweepsService,
  ) {}

  onModuleInit(): void {
    this.worker = this.ticks.work(async (tick) => {
      await this.fire(tick.scheduleId, new Date(tick.firedAt), { manual: tick.manual });
    });
    this.worker.on('error', (err) => this.log.warn(`schedule worker: ${err.message}`));
    this.worker.on('failed', (job, err) => this.log.error(`schedule ${job?.data.scheduleId ?? '?'}: a tick failed: ${err.message}`));
    const every = this.config.TINYSWEEP_VERDICT_MS;
    const loop = () => {
      this.judging = setTimeout(() => void this.judgePending().finally(loop), every);
    };
    loop();
    // Postgres holds the schedules; Redis only their clocks, which a Redis restarted empty forgets.
    const sync = () => {
      void this.syncClocks().finally(() => {
        if (!this.closed) this.syncing = setTimeout(sync, this.config.TINYSWEEP_SCHEDULE_SYNC_MS);
      });
    };
    sync();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.judging);
    clearTimeout(this.syncing);
    await this.worker?.close();
  }

  /** Makes Redis's clocks match Postgres's active schedules (see ScheduleQueue.sync). */
  async syncClocks(): Promise<void> {
    try {
      const active = (await this.schedules.list()).filter((s) => !s.paused);
      const { started, removed } = await this.ticks.sync(active, async (id) => {
        const s = await this.schedules.get(id);
        return s !== null && !s.paused;
      });
      if (started.length > 0) this.log.warn(`schedule clocks restored from Postgres: ${started.join(', ')}`);
      if (removed.length > 0) this.log.log(`schedule clocks removed (no active schedule): ${removed.join(', ')}`);
    } catch (err) {
      this.log.warn(`could not sync schedule clocks; will retry: ${(err as Error).message}`);
    }
  }

  /**
   * One tick: run the schedule's sweep again. Returns the new run's id, or null if nothing ran. A
   * paused schedule skips its clock's ticks but not a manual "run now".
   */
  async fire(scheduleId: string, firedAt: Date, opts: { manual?: boolean } = {}): Promise<string | null> {
    const schedule = await this.schedules.get(scheduleId);
    if (!schedule || (schedule.paused && !opts.manual)) return null;
    const origin = schedule.sourceSweepId ? await this.sweeps.get(schedule.sourceSweepId) : null;
    const spec = withFreshSeeds(parseSweepSpec(origin ? origin.spec : schedule.spec), schedule.extraSeeds);
    let plan = planSweep(spec);
    if (origin && schedule.mode === 'top-k' && schedule.topK) {
      const best = summariseConfigs(await this.runs.configValues(origin.id, origin.metric), origin.maximize).slice(0, schedule.topK);
      const keep = new Set(best.map((c) => c.groupHash));
      plan = { ...plan, trials: plan.trials.filter((t) => keep.has(t.groupHash)) };
    }
    const stamp = firedAt.toISOString().replace(/\.\d+Z$/, 'Z');
    const run = await this.launcher.launch(
      { ...spec, name: origin ? `${origin.name} · reproduction ${stamp}` : spec.name },
      plan,
      JSON.stringify(spec),
      { originId: origin?.id ?? null, scheduleId, firedAt },
      schedule.owner,
    );
    await this.schedules.markFired(scheduleId, firedAt);
    if (!run) {
      this.log.log(`schedule ${scheduleId}: tick ${stamp} had already fired`);
      return null;
    }
    // A schedule with a spec of its own reproduces its first run from then on.
    if (!origin) await this.schedules.setSource(scheduleId, run.id);
    this.log.log(`schedule ${scheduleId}: tick ${stamp} → sweep ${run.id} (${run.trialCount} trials)`);
    return run.id;
  }

  /** Records verdicts for every finished run that has none yet; one run that cannot be judged does not hold up the others. */
  async judgePending(): Promise<void> {
    let pending: PendingReproduction[];
    try {
      pending = await this.runs.pending();
    } catch (err) {
      this.log.warn(`looking for reproductions to judge failed; will retry: ${(err as Error).message}`);
      return;
    }
    for (const run of pending) {
      try {
        await this.judge(run);
      } catch (err) {
        this.log.warn(`judging reproduction ${run.runId} failed; will retry: ${(err as Error).message}`);
      }
    }
  }

  private async judge(run: PendingReproduction): Promise<void> {
    const schedule = run.scheduleId ? await this.schedules.get(run.scheduleId) : null;
    const tolerance = schedule?.tolerance ?? DEFAULT_TOLERANCE;
    const original = new Map((await this.runs.configValues(run.originId, run.metric)).map((c) => [c.groupHash, c]));
    const configs = (await this.runs.configValues(run.runId, run.metric)).map((c) => {
      const o = original.get(c.groupHash);
      const before = o && o.values.length > 0 ? summarise(o.values) : null;
      const after = c.values.length > 0 ? summarise(c.values) : null;
      const cmp = compareReplicates(before, after, tolerance);
      return {
        groupHash: c.groupHash,
        params: c.params,
        verdict: cmp.verdict,
        original: { ...(before ?? {}), seeds: o?.seeds ?? [] } as JsonObject,
        reproduced: after ? ({ ...after, seeds: c.seeds } as JsonObject) : null,
        delta: cmp.delta,
        reason: cmp.reason,
      };
    });
    const verdict = runVerdict(configs.map((c) => c.verdict));
    const environment: JsonObject = {
      control: { code: codeVersion() },
      run: await this.runs.environments(run.runId),
      original: await this.runs.environments(run.originId),
    };
    if (!(await this.runs.record(run, configs.map(({ reason: _r, ...c }) => c), verdict, environment))) return;
    this.log.log(`reproduction ${run.runId}: ${verdict}`);
    if (verdict === 'drifted' && schedule?.webhookUrl) {
      await this.notify(schedule.webhookUrl, {
        event: 'drift',
        schedule: { id: schedule.id, name: schedule.name },
        run: { id: run.runId, verdict },
        original: { id: run.originId },
        metric: run.metric,
        tolerance,
        drifted: configs.filter((c) => c.verdict === 'drifted'),
        environment,
      });
    }
  }

  /** Best effort, bounded: a slow or broken receiver must not hold up verdicts. Logs show the URL redacted. */
  private async notify(url: string, body: JsonObject): Promise<void> {
    const policy = { allowHttp: this.config.TINYSWEEP_WEBHOOK_ALLOW_HTTP, allowPrivate: this.config.TINYSWEEP_WEBHOOK_ALLOW_PRIVATE };
    try {
      const status = await postWebhook(url, body, policy);
      if (status >= 300) this.log.warn(`drift webhook ${redactUrl(url)} answered ${status}${status < 400 ? ' (redirects are not followed)' : ''}`);
    } catch (err) {
      this.log.warn(`drift webhook ${redactUrl(url)} failed: ${(err as Error).message}`);
    }
  }
}

/** The spec a reproduction runs: its seeds plus `extraSeeds` fresh ones. */
export function withFreshSeeds(spec: SweepSpec, extraSeeds: number): SweepSpec {
  return extraSeeds > 0 ? { ...spec, seeds: [...spec.seeds, ...freshSeeds(spec.seeds, extraSeeds)] } : spec;
}

/** `n` seeds not among `seeds`, counting up from the largest (deterministic, so reruns agree). */
function freshSeeds(seeds: readonly number[], n: number): number[] {
  const out: number[] = [];
  let s = Math.max(-1, ...seeds);
  while (out.length < n) if (!seeds.includes(++s)) out.push(s);
  return out;
}
