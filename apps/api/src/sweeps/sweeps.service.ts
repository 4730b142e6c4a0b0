import { BadRequestException, ConflictException, ForbiddenException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { ExtendSweepResult, SubmitSweepResult } from '@tinysweep/api-types';
import { ReproductionRepository, SweepRepository, TrialRepository, type JsonObject, type NewSweep, type Sweep, type SweepWithSpec, type TrialPage, type TrialPageQuery } from '@tinysweep/db';
import { CancelBus, JOB_PRIORITY, SweepEvents, TrialQueue, trainJobId } from '@tinysweep/queue';
import { createSearch } from '@tinysweep/search';
import { checkDataPaths, parseSweepSpec, planTrainings, redactSpec, SpecError, storedSpec, type SweepPlan, type SweepSpec } from '@tinysweep/spec';
import { mayChange, type Caller } from '../auth/access.js';
import { API_CONFIG, type ApiConfig } from '../config/api.config.js';
import { ApiMetrics } from '../health/api-metrics.js';
import { trainingRows } from './shared-trainings.js';
import { extendSpec, newTrials, parseExtension } from './sweep-extension.js';

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

  /**
   * Validate → store sweep and trials in one transaction → one job per trial (a flow per shared
   * training), in bulk. With an `Idempotency-Key`, a retry of the same request (same submitter, key
   * and spec) answers with the sweep the first one created, and stores nothing; the same key with
   * another spec is a 409.
   */
  async submit(body: unknown, owner: string | null = null, idempotencyKey?: string | string[]): Promise<SubmitSweepResult> {
    const key = idempotencyKey === undefined ? undefined : idempotencyHash(owner, idempotencyKey);
    // parseSweepSpec, the server's own limits and the search's plan throw SpecError (→ 400) before anything is stored.
    const spec = this.parse(body);
    const source = typeof body === 'string' ? body : JSON.stringify(body);
    const plan = createSearch(spec).plan();
    const earlier = key && (await this.replay(key, source, spec, plan));
    if (earlier) return earlier;
    const launched = await this.launch(spec, plan, source, undefined, owner, key);
    if (launched) return launched;
    // Another request with the same key committed first.
    const replayed = key && (await this.replay(key, source, spec, plan));
    if (!replayed) throw new Error('unreachable: a sweep without a schedule tick or idempotency key cannot collide');
    return replayed;
  }

  /** What the request that first used `key` was answered, if there was one. */
  private async replay(key: string, source: string, spec: SweepSpec, plan: SweepPlan): Promise<SubmitSweepResult | null> {
    const s = await this.sweeps.byIdempotencyKey(key);
    if (!s) return null;
    if (s.specSource !== source) {
      throw new ConflictException({
        message: `Idempotency-Key: already used for another spec (sweep ${s.id}); use a new key for a new sweep`,
        issues: [{ path: 'Idempotency-Key', message: `already used for another spec (sweep ${s.id})` }],
      });
    }
    const shared = plan.trainings.length;
    return { id: s.id, name: spec.name, status: 'queued', trialCount: s.trialCount, duplicatesCollapsed: plan.duplicatesCollapsed, sharedTrainings: shared, enqueued: true, replayed: true };
  }

  /**
   * A spec as this server accepts it: valid, within TINYSWEEP_MAX_TRIALS_PER_SWEEP, and with model
   * and data paths inside the trainers' workdir or TINYSWEEP_DATA_ROOTS. Throws SpecError.
   */
  parse(body: unknown): SweepSpec {
    const spec = parseSweepSpec(body, { maxBytes: this.config.TINYSWEEP_MAX_SPEC_BYTES });
    const cap = this.config.TINYSWEEP_MAX_TRIALS_PER_SWEEP;
    if (spec.budget.maxTrials > cap) {
      throw SpecError.at('budget.maxTrials', `this server runs at most ${cap.toLocaleString('en-US')} trials per sweep (got ${spec.budget.maxTrials.toLocaleString('en-US')}; TINYSWEEP_MAX_TRIALS_PER_SWEEP)`);
    }
    checkDataPaths(spec, this.dataRoots);
    return spec;
  }

  /** TINYSWEEP_DATA_ROOTS, or undefined when unset (then trainers alone judge absolute paths). */
  private get dataRoots(): string[] | undefined {
    const roots = this.config.TINYSWEEP_DATA_ROOTS.split(',').map((r) => r.trim()).filter(Boolean);
    return roots.length > 0 ? roots : undefined;
  }

  /**
   * Stores a planned sweep and enqueues its trials. A reproduction run names what it reproduces;
   * null means that schedule tick already created its run (a tick fires once). A reproduction never
   * reuses results (it exists to measure again): its stored spec says `reuse: false`.
   */
  async launch(spec: SweepSpec, plan: SweepPlan, source: string, reproduces?: NewSweep['reproduces'], owner: string | null = null, idempotencyKey?: string): Promise<SubmitSweepResult | null> {
    const id = randomUUID();
    if (reproduces) spec = { ...spec, reuse: false };
    const shared = trainingRows(plan.trainings);
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
      searchOpen: spec.search.kind === 'pareto' || spec.search.kind === 'tpe', // the dispatcher adds its trials as others finish
      owner,
      idempotencyKey: idempotencyKey ?? null,
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

  /** A sweep as the API shows it: its spec's secrets (backend.env values) redacted. */
  async get(id: string): Promise<SweepWithSpec> {
    const s = await this.sweeps.get(id);
    if (!s) throw new NotFoundException(`sweep ${id} not found`);
    return { ...s, spec: redactSpec(s.spec) };
  }

  /** Throws 404 for no such sweep, 403 when `caller` may not change it (see mayChange). */
  async assertMayChange(id: string, caller: Caller, what: string): Promise<void> {
    const owner = await this.sweeps.owner(id);
    if (owner === undefined) throw new NotFoundException(`sweep ${id} not found`);
    if (!mayChange(caller, owner)) throw new ForbiddenException(`${what} a sweep ${owner === null ? 'submitted without a token' : `submitted by ${owner}`} needs an admin token`);
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

  /**
   * Adds trials to a sweep: more seeds, or more values of an axis (see sweep-extension.ts). The trials
   * it has are untouched. A new trial that differs from an existing shared training's only in prune
   * joins that training (evaluated at once if it already trained); new groups train once, as at submit.
   */
  async extend(id: string, body: unknown, caller: Caller): Promise<ExtendSweepResult> {
    await this.assertMayChange(id, caller, 'extending');
    const stored = await this.sweeps.get(id);
    if (!stored) throw new NotFoundException(`sweep ${id} not found`);
    if (stored.status === 'cancelled') throw new ConflictException(`sweep ${id} was cancelled; submit a new one`);
    const spec = extendSpec(storedSpec(stored.spec, id), parseExtension(body));
    const cap = this.config.TINYSWEEP_MAX_TRIALS_PER_SWEEP;
    if (spec.budget.maxTrials > cap) throw SpecError.at('budget.maxTrials', `extended, the sweep would have ${spec.budget.maxTrials.toLocaleString('en-US')} trials; this server runs at most ${cap.toLocaleString('en-US')} (TINYSWEEP_MAX_TRIALS_PER_SWEEP)`);
    checkDataPaths(spec, this.dataRoots);
    const state = await this.sweeps.extensionState(id);
    const plan = newTrials(spec, state.configHashes);
    // Shared trainings: an existing one (not failed) takes the new thresholds; new groups of two or more train once.
    // (A training that finishes between this read and the insert has fanned out without the new trial:
    // the reconciler enqueues a queued trial of a succeeded training whose job is missing.)
    const joinable = (h: string | undefined) => {
      const g = h === undefined ? undefined : state.trainings.get(h);
      return g && (g.status === 'succeeded' || g.status === 'queued' || g.status === 'running') ? g : undefined;
    };
    const fresh = trainingRows(planTrainings(plan.filter((t) => t.trainHash !== undefined && !state.trainings.has(t.trainHash))));
    const trials = plan.map((t, i) => {
      const existing = joinable(t.trainHash);
      return {
        id: randomUUID(),
        ordinal: state.maxOrdinal + 1 + i,
        params: t.params as JsonObject,
        seed: t.seed,
        configHash: t.configHash,
        groupHash: t.groupHash,
        ...(existing ? { trainingId: existing.id, evaluateNow: existing.status === 'succeeded' } : {}),
        ...(!existing && t.trainHash !== undefined && fresh.has(t.trainHash) ? { trainHash: t.trainHash } : {}),
      };
    });
    const inserted = new Set((await this.sweeps.addTrials(id, spec as unknown as JsonObject, trials, [...fresh.values()])) ?? []);
    const added = trials.filter((t) => inserted.has(t.id));
    const maxAttempts = spec.budget.retries + 1;
    try {
      // Trials on their own train; those of a training already done evaluate at once (the fan-out has run).
      await this.queue.enqueue(added.filter((t) => !t.trainingId && !t.trainHash).map((t) => ({ trialId: t.id, sweepId: id, maxAttempts })));
      await this.queue.enqueue(added.filter((t) => t.evaluateNow).map((t) => ({ trialId: t.id, sweepId: id, maxAttempts, priority: JOB_PRIORITY.evaluate })));
      await this.queue.enqueueTrainings([...fresh.values()].map((g) => ({ trainingId: g.id, sweepId: id, maxAttempts })));
    } catch (err) {
      this.log.warn(`sweep ${id} extended but not enqueued (${(err as Error).message}); the reconciler will enqueue it`);
    }
    for (const t of added.slice(0, 1000)) this.events.publish({ sweepId: id, trialId: t.id, kind: 'started' });
    return { id, added: added.length, trialCount: state.configHashes.size + added.length, sharedTrainings: fresh.size, seeds: spec.seeds };
  }

  /** Queued trials are removed from the queue; running ones are told to stop via the CancelBus. */
  async cancel(id: string, caller: Caller): Promise<{ cancelled: number }> {
    await this.assertMayChange(id, caller, 'cancelling');
    const r = await this.sweeps.cancel(id);
    if (!r) throw new NotFoundException(`sweep ${id} not found`);
    for (let i = 0; i < r.queued.length; i += 200) {
      await Promise.all(r.queued.slice(i, i + 200).map((t) => this.queue.removeIfIdle(t)));
    }
    for (const g of r.trainings) await this.queue.removeTrainingIfIdle(g.id, g.segment);
    // A job picked up between the UPDATE and the removal is among "running" for the bus (a shared
    // training's job by its own id, its current segment's).
    if (r.running.length + r.queued.length + r.trainings.length > 0) {
      await this.cancels.publish({ trialIds: [...r.running, ...r.queued, ...r.trainings.map((g) => trainJobId(g.id, g.segment))], reason: 'cancelled by user' });
    }
    for (const t of [...r.running, ...r.queued].slice(0, 1000)) {
      this.events.publish({ sweepId: id, trialId: t, kind: 'cancelled' });
    }
    return { cancelled: r.queued.length + r.running.length };
  }
}

/**
 * An Idempotency-Key header (1–255 visible ASCII characters, as clients such as Stripe's send) scoped
 * to its submitter: two tokens' keys never collide. Throws a 400 naming the header.
 */
function idempotencyHash(owner: string | null, header: string | string[]): string {
  const value = Array.isArray(header) ? undefined : header;
  if (value === undefined || !/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new BadRequestException({
      message: 'Idempotency-Key: must be one key of 1 to 255 visible ASCII characters',
      issues: [{ path: 'Idempotency-Key', message: 'must be one key of 1 to 255 visible ASCII characters (e.g. a UUID)' }],
    });
  }
  return createHash('sha256').update(`${owner ?? ''}\n${value}`).digest('hex');
}
