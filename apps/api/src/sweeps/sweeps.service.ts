import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { SubmitSweepResult } from '@tinysweep/api-types';
import { ReproductionRepository, SweepRepository, TrialRepository, type JsonObject, type NewSweep, type Sweep, type SweepWithSpec, type TrialPage, type TrialPageQuery } from '@tinysweep/db';
import { CancelBus, SweepEvents, TrialQueue, trainJobId } from '@tinysweep/queue';
import { createSearch } from '@tinysweep/search';
import { parseSweepSpec, type SweepPlan, type SweepSpec } from '@tinysweep/spec';
import { API_CONFIG, type ApiConfig } from '../config/api.config.js';
import { ApiMetrics } from '../health/api-metrics.js';
import { sharedTrainings } from './shared-trainings.js';

@Injectable()
export class SweepsService {
  private readonly log = new Logger(SweepsService.name);

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(SweepRepository) private readonly sweeps: SweepRepository,
    @Inject(TrialRepository) private readonly trials: TrialRepository,
    @Inject(TrialQueue) private readonly queue: TrialQueue,
    @Inject(CancelBus) private readonly cancels: CancelBus,
    @Inject(SweepEvents) private readonly events: SweepEvents,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
    @Inject(ReproductionRepository) private readonly runs: ReproductionRepository,
  ) {}

  /** Validate → store sweep and trials in one transaction → one job per trial (a flow per shared training), in bulk. */
  async submit(body: unknown): Promise<SubmitSweepResult> {
    // parseSweepSpec and the search's plan throw SpecError (→ 400) before anything is stored.
    const spec = parseSweepSpec(body, { maxBytes: this.config.TINYSWEEP_MAX_SPEC_BYTES });
    const launched = await this.launch(spec, createSearch(spec).plan(), typeof body === 'string' ? body : JSON.stringify(body));
    if (!launched) throw new Error('unreachable: a sweep without a schedule tick cannot collide');
    return launched;
  }

  /**
   * Stores a planned sweep and enqueues its trials. A reproduction run names what it reproduces;
   * null means that schedule tick already created its run (a tick fires once). A reproduction never
   * reuses results (it exists to measure again): its stored spec says `reuse: false`.
   */
  async launch(spec: SweepSpec, plan: SweepPlan, source: string, reproduces?: NewSweep['reproduces']): Promise<SubmitSweepResult | null> {
    const id = randomUUID();
    if (reproduces) spec = { ...spec, reuse: false };
    const shared = sharedTrainings(plan.trials);
    const trials = plan.trials.map((t) => ({
      id: randomUUID(),
      ordinal: t.ordinal,
      params: t.params as JsonObject,
      seed: t.seed,
      configHash: t.configHash,
      groupHash: t.groupHash,
      ...(t.trainHash !== undefined && shared.has(t.trainHash) ? { trainHash: t.trainHash } : {}),
    }));
    const created = await this.sweeps.create({
      id,
      name: spec.name,
      spec: spec as unknown as JsonObject,
      specSource: source,
      metric: plan.metric,
      maximize: plan.maximize,
      trials,
      trainings: [...shared.values()],
      reproduces,
      searchOpen: spec.search.kind === 'pareto', // the dispatcher adds its trials as others finish
    });
    if (!created) return null;
    let enqueued = true;
    try {
      // A shared training's trials are enqueued by its flow's fan-out job once it trained.
      const own = trials.filter((t) => t.trainHash === undefined);
      await this.queue.enqueue(own.map((t) => ({ trialId: t.id, sweepId: id, maxAttempts: plan.maxAttempts })));
      await this.queue.enqueueTrainings([...shared.values()].map((g) => ({ trainingId: g.id, sweepId: id, maxAttempts: plan.maxAttempts })));
      this.metrics.trialsEnqueued.inc(own.length);
    } catch (err) {
      enqueued = false;
      this.log.warn(`sweep ${id} stored but not enqueued (${(err as Error).message}); the reconciler will enqueue it`);
    }
    this.metrics.sweepsSubmitted.inc();
    return { id, name: spec.name, status: 'queued', trialCount: trials.length, duplicatesCollapsed: plan.duplicatesCollapsed, sharedTrainings: shared.size, enqueued };
  }

  list(limit: number, offset: number, where: { scheduleId?: string; originId?: string } = {}): Promise<Sweep[]> {
    return this.sweeps.list(limit, offset, where);
  }

  async get(id: string): Promise<SweepWithSpec> {
    const s = await this.sweeps.get(id);
    if (!s) throw new NotFoundException(`sweep ${id} not found`);
    return s;
  }

  async trialsPage(id: string, q: TrialPageQuery): Promise<TrialPage> {
    // Only whether the sweep exists: its counts and best are not needed for a page of trials.
    if ((await this.sweeps.status(id)) === null) throw new NotFoundException(`sweep ${id} not found`);
    return this.trials.page(id, q);
  }

  async verdicts(id: string, asOrigin: boolean, groupHash?: string) {
    // The sweep's verdict only: its counts and best trial are not needed here.
    const [s, items] = await Promise.all([this.sweeps.verdict(id), this.runs.verdicts(asOrigin ? { originId: id, groupHash } : { runId: id, groupHash })]);
    if (!s) throw new NotFoundException(`sweep ${id} not found`);
    return { verdict: s.verdict, items };
  }

  /** Queued trials are removed from the queue; running ones are told to stop via the CancelBus. */
  async cancel(id: string): Promise<{ cancelled: number }> {
    const r = await this.sweeps.cancel(id);
    if (!r) throw new NotFoundException(`sweep ${id} not found`);
    for (let i = 0; i < r.queued.length; i += 200) {
      await Promise.all(r.queued.slice(i, i + 200).map((t) => this.queue.removeIfIdle(t)));
    }
    for (const g of r.trainings) await this.queue.removeTrainingIfIdle(g);
    // A job picked up between the UPDATE and the removal is among "running" for the bus (a shared
    // training's job by its own id).
    if (r.running.length + r.queued.length + r.trainings.length > 0) {
      await this.cancels.publish({ trialIds: [...r.running, ...r.queued, ...r.trainings.map(trainJobId)], reason: 'cancelled by user' });
    }
    for (const t of [...r.running, ...r.queued].slice(0, 1000)) {
      this.events.publish({ sweepId: id, trialId: t, kind: 'cancelled' });
    }
    return { cancelled: r.queued.length + r.running.length };
  }
}
