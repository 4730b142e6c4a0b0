import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Metrics, NewTrial, PauseDecision, PauseOutcome, PauseTrial, RungValue, SearchRepository, SearchTrial } from '@tinysweep/db';
import type { SweepEvents, TrialQueue } from '@tinysweep/queue';
import { ashaOf, ashaPruner, configPoints, ParetoSearch, promotions, TpeSearch, tpeHistory } from '@tinysweep/search';
import type { AshaSettings, SweepSpec } from '@tinysweep/spec';
import type { Logger } from 'pino';
import type { SweepSpecs } from './sweep-specs.js';

/** ASHA's verdict on a running trial: stop it here. */
export interface AshaStop {
  rung: number;
  metric: string;
  value: number;
  /** What it needed to continue. */
  cutoff: number | undefined;
  /** Values recorded at the rung, its own included. */
  competitors: number;
  eta: number;
}

/** Whether a sweep's ASHA (its own, or a tpe search's) pauses trials at rungs (older specs, without `promotion`: no). */
export function pausesAtRungs(spec: SweepSpec): boolean {
  return ashaOf(spec)?.promotion === 'pause';
}

/** How a trial that reached a rung (promotion: pause) goes on. */
export type RungOutcome = 'continue' | 'paused' | 'stopped' | 'gone';

export interface SearchDriverDeps {
  search: SearchRepository;
  specs: SweepSpecs;
  queue: TrialQueue;
  events: SweepEvents;
  log: Logger;
}

/**
 * Runs the adaptive part of a sweep's search in the dispatcher, with libs/search's pure strategies:
 *
 * - asha (kind asha, or a tpe search's `asha`): each intermediate metric a trial streams is recorded
 *   at the rungs it passed ({@link onStep}); the rung values live in Postgres (rung_result), so every
 *   dispatcher judges against all of them. With asynchronous promotion a trial out of the top 1/η is
 *   stopped there; with pausing ({@link atRung}) it pauses, and paused trials are promoted or stopped
 *   as values arrive and trials end ({@link resolvePauses});
 * - pareto and tpe: whenever a trial ends ({@link onFinished}), new configurations are proposed (near
 *   the front; where l(x)/g(x) is largest), inserted as trials and enqueued on the same queue, keeping
 *   `parallel` configurations in flight until `budget.maxTrials` (pareto) or `search.n` (tpe).
 *
 * Grid and random sweeps pass straight through.
 */
const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(4));

export class SearchDriver {
  /** Rungs each running trial was judged at here (the DB keeps the values; this avoids re-asking). */
  private readonly judged = new Map<string, number>();

  constructor(private readonly d: SearchDriverDeps) {}

  /**
   * ASHA: a trial's metrics at `step`, recorded at the rungs it passed; with asynchronous promotion,
   * resolves with a stop when it fell out of the top 1/η at one (pausing sweeps decide in {@link atRung}).
   */
  async onStep(sweepId: string, trialId: string, step: number, metrics: Metrics): Promise<AshaStop | null> {
    const settings = await this.d.specs.get(sweepId);
    const asha = settings && ashaOf(settings.spec);
    if (!asha) return null;
    const pausing = asha.promotion === 'pause';
    const { metric, eta } = asha;
    const value = metrics[metric];
    if (typeof value !== 'number') return null;
    const pruner = ashaPruner(asha);
    const after = this.judged.get(trialId) ?? 0;
    for (const rung of pruner.rungs.filter((r) => r > after && r <= step)) {
      this.judged.set(trialId, rung);
      for (const r of await this.d.search.recordRung(sweepId, rung, trialId, value)) pruner.record(r.trialId, rung, r.value);
      if (!pausing && pruner.decide(trialId, rung) === 'stop') {
        return { rung, metric, value, cutoff: pruner.cutoff(rung), competitors: pruner.valuesAt(rung).length, eta };
      }
    }
    return null;
  }

  /**
   * ASHA with pausing: a trial's run stopped at `rung` (its checkpoint saved). Under the sweep's lock
   * it goes on at once if it is among the top ⌊n/η⌋ there (`continue`: the caller runs it on from the
   * checkpoint), else it pauses — or stops, if nothing else can reach the rung; the paused trials the
   * new value lets through are promoted (queued again, their jobs enqueued). A shared training comes
   * with `trainingId` (`trialId` its representative, `attempt` the training's): it competes as one.
   */
  async atRung(sweepId: string, trialId: string, attempt: number, rung: number, metrics: Metrics, trainingId?: string): Promise<RungOutcome> {
    const settings = await this.d.specs.get(sweepId);
    const asha = settings && ashaOf(settings.spec);
    if (!settings || !asha) return 'continue';
    const value = metrics[asha.metric];
    const pausing = { trialId, attempt, rung, value: typeof value === 'number' ? value : Number.NaN, metrics, ...(trainingId !== undefined ? { trainingId } : {}) };
    const out = await this.d.search.resolvePauses(sweepId, pausing, (open, values) => this.promotionsOf(asha, open, values));
    await this.afterPauses(sweepId, settings.maxAttempts, out);
    return out.self ?? 'gone';
  }

  /** ASHA with pausing: what the recorded values decide for the paused trials now (after any trial ended, and from the reconciler). */
  async resolvePauses(sweepId: string): Promise<void> {
    const settings = await this.d.specs.get(sweepId);
    const asha = settings && ashaOf(settings.spec);
    if (!settings || asha?.promotion !== 'pause') return;
    const out = await this.d.search.resolvePauses(sweepId, null, (open, values) => this.promotionsOf(asha, open, values));
    await this.afterPauses(sweepId, settings.maxAttempts, out);
  }

  private promotionsOf(asha: AshaSettings, open: PauseTrial[], values: RungValue[]): PauseDecision {
    const pruner = ashaPruner(asha);
    for (const v of values) if (pruner.rungs.includes(v.rung)) pruner.record(v.trialId, v.rung, v.value);
    const top = (t: PauseTrial) => Math.max(0, ...[...t.rungs.keys()].filter((r) => pruner.rungs.includes(r)));
    const decided = promotions(pruner, {
      paused: open.filter((t) => t.status === 'paused').map((t) => ({ id: t.id, rung: top(t) })),
      open: open.filter((t) => t.status !== 'paused').map((t) => ({ id: t.id, reached: top(t) })),
    });
    const { metric, eta } = asha;
    return {
      promote: decided.promote,
      stop: decided.stop.map((x) => {
        const n = pruner.valuesAt(x.rung).length;
        const v = values.find((r) => r.trialId === x.id && r.rung === x.rung)?.value;
        return {
          ...x,
          error: `stopped by ASHA at rung ${x.rung}: ${metric} ${fmt(v)} is not among the ${Math.max(1, Math.floor(n / eta))} best of the ${n} values recorded there (needed ${fmt(x.cutoff)}), and no other trial can reach the rung`,
        };
      }),
    };
  }

  /**
   * Promoted trials run next (ahead of fresh ones, as ASHA's promotions do); so do promoted shared
   * trainings, whose flows are added under their new segment's job ids (nothing holds those yet, so
   * unlike a trial's they need no retry; if Redis is away the reconciler adds them). Stopped ones are finished.
   */
  private async afterPauses(sweepId: string, maxAttempts: number, out: PauseOutcome): Promise<void> {
    for (const trialId of out.promoted) {
      this.d.events.publish({ sweepId, trialId, kind: 'progress' });
      void this.requeue({ trialId, sweepId, maxAttempts, first: true });
    }
    if (out.promotedTrainings.length > 0) {
      const flows = out.promotedTrainings.map((g) => ({ trainingId: g.id, sweepId, maxAttempts, segment: g.segment, first: true }));
      await this.d.queue.enqueueTrainings(flows).catch((err: unknown) => this.d.log.warn({ sweepId, err: (err as Error).message }, 'promoted trainings left for the reconciler to enqueue'));
    }
    for (const trialId of out.stopped) this.d.events.publish({ sweepId, trialId, kind: 'finished' });
    const promoted = out.promoted.length + out.promotedTrainings.length;
    if (promoted + out.stopped.length > 0) this.d.log.info({ sweepId, promoted, trainings: out.promotedTrainings.length, stopped: out.stopped.length }, 'ASHA promotions');
  }

  /**
   * A promoted trial's job: the id is the trial's, and the job of the run that paused it may not have
   * completed yet (it is returning): try again for a while; the reconciler enqueues what is left.
   */
  private async requeue(job: { trialId: string; sweepId: string; maxAttempts: number; first: boolean }): Promise<void> {
    for (let pause = 50; pause <= 3200; pause *= 2) {
      try {
        if (await this.d.queue.requeue(job)) return;
      } catch (err) {
        this.d.log.warn({ trialId: job.trialId, err: (err as Error).message }, 'could not enqueue a promoted trial yet');
      }
      await sleep(pause);
    }
    this.d.log.warn({ trialId: job.trialId }, 'promoted trial left for the reconciler to enqueue');
  }

  /** The trial's attempt ended (any way): forget its rungs; a pausing ASHA may promote, pareto and tpe propose what comes next. */
  async onFinished(sweepId: string, trialId?: string): Promise<void> {
    if (trialId) this.judged.delete(trialId);
    const settings = await this.d.specs.get(sweepId);
    if (settings && pausesAtRungs(settings.spec)) await this.resolvePauses(sweepId);
    if (settings?.spec.search.kind === 'tpe') return this.proposeTpe(sweepId, settings.spec, settings.maxAttempts);
    if (settings?.spec.search.kind !== 'pareto') return;
    const spec = settings.spec;
    const search = new ParetoSearch(spec); // cheap: the space is the spec's axes
    const added = await this.d.search.extend(sweepId, (trials) => this.proposals(search, trials, spec.budget.maxTrials, spec.seeds));
    if (added.length === 0) return;
    await this.d.queue.enqueue(added.map((t) => ({ trialId: t.id, sweepId, maxAttempts: settings.maxAttempts })));
    for (const t of added) this.d.events.publish({ sweepId, trialId: t.id, kind: 'started' });
    this.d.log.info({ sweepId, proposed: added.length / Math.max(1, spec.seeds.length) }, 'pareto search proposed configurations');
  }

  /**
   * tpe: new configurations where the Parzen estimators favour, keeping `parallel` in flight until
   * `search.n` configurations; the rung values are read first for BOHB's fit (a value recorded in
   * between only joins the next round).
   */
  private async proposeTpe(sweepId: string, spec: SweepSpec, maxAttempts: number): Promise<void> {
    const search = new TpeSearch(spec);
    const rungs = search.search.asha ? await this.d.search.rungValues(sweepId) : [];
    let level: 'final' | number = 'final';
    const added = await this.d.search.extend(sweepId, (trials) => {
      const h = tpeHistory(search, spec.objective, trials, rungs);
      level = h.level;
      const inFlight = h.running.length;
      const want = Math.min(search.search.parallel - inFlight, search.search.n - h.configs, Math.floor((spec.budget.maxTrials - trials.length) / Math.max(1, spec.seeds.length)));
      if (want <= 0) return [];
      let ordinal = trials.reduce((m, t) => Math.max(m, t.ordinal), -1) + 1;
      return search.propose(h.observations, h.running, want, h.seen).flatMap((point) =>
        search.space.trials(point, spec.seeds).map((t) => ({ id: randomUUID(), ordinal: ordinal++, params: t.params, seed: t.seed, configHash: t.configHash, groupHash: t.groupHash })),
      );
    });
    if (added.length === 0) return;
    await this.d.queue.enqueue(added.map((t) => ({ trialId: t.id, sweepId, maxAttempts })));
    for (const t of added) this.d.events.publish({ sweepId, trialId: t.id, kind: 'started' });
    this.d.log.info({ sweepId, proposed: added.length / Math.max(1, spec.seeds.length), level }, 'tpe proposed configurations');
  }

  /** What to add, given every trial of the sweep (called under the sweep's lock). */
  private proposals(search: ParetoSearch, trials: SearchTrial[], maxTrials: number, seeds: readonly number[]): NewTrial[] {
    const configs = configPoints(search.space, trials, search.search.objectives);
    const inFlight = configs.filter((c) => c.open).length;
    const finished = configs.filter((c) => !c.open && c.succeeded > 0);
    const room = Math.floor((maxTrials - trials.length) / Math.max(1, seeds.length));
    const want = Math.min(search.search.parallel - inFlight, room);
    if (want <= 0) return [];
    let ordinal = trials.reduce((m, t) => Math.max(m, t.ordinal), -1) + 1;
    return search.propose(finished, want, configs.map((c) => c.indices)).flatMap((indices) =>
      search.space.trials(indices, seeds).map((t) => ({ id: randomUUID(), ordinal: ordinal++, params: t.params, seed: t.seed, configHash: t.configHash, groupHash: t.groupHash })),
    );
  }
}
