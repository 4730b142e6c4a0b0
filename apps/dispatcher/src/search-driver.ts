import { randomUUID } from 'node:crypto';
import type { Metrics, NewTrial, SearchRepository, SearchTrial } from '@tinysweep/db';
import type { SweepEvents, TrialQueue } from '@tinysweep/queue';
import { AshaSearch, configPoints, ParetoSearch } from '@tinysweep/search';
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
 * - asha: each intermediate metric a trial streams is judged at the rungs it passed
 *   ({@link onStep}); the rung values live in Postgres (rung_result), so every dispatcher judges
 *   against all of them;
 * - pareto: whenever a trial ends ({@link onFinished}), the finished configurations are sorted into
 *   fronts and new ones proposed near the front, inserted as trials and enqueued on the same queue,
 *   keeping `parallel` configurations in flight until `budget.maxTrials`.
 *
 * Grid and random sweeps pass straight through.
 */
export class SearchDriver {
  /** Rungs each running trial was judged at here (the DB keeps the values; this avoids re-asking). */
  private readonly judged = new Map<string, number>();

  constructor(private readonly d: SearchDriverDeps) {}

  /** ASHA: a trial's metrics at `step`; resolves with a stop when it fell out of the top 1/η at a rung. */
  async onStep(sweepId: string, trialId: string, step: number, metrics: Metrics): Promise<AshaStop | null> {
    const settings = await this.d.specs.get(sweepId);
    if (settings?.spec.search.kind !== 'asha') return null;
    const search = new AshaSearch(settings.spec);
    const { metric, eta } = search.search;
    const value = metrics[metric];
    if (typeof value !== 'number') return null;
    const pruner = search.pruner();
    const after = this.judged.get(trialId) ?? 0;
    for (const rung of pruner.rungs.filter((r) => r > after && r <= step)) {
      this.judged.set(trialId, rung);
      for (const r of await this.d.search.recordRung(sweepId, rung, trialId, value)) pruner.record(r.trialId, rung, r.value);
      if (pruner.decide(trialId, rung) === 'stop') {
        return { rung, metric, value, cutoff: pruner.cutoff(rung), competitors: pruner.valuesAt(rung).length, eta };
      }
    }
    return null;
  }

  /** The trial's attempt ended (any way): forget its rungs; a pareto sweep proposes what comes next. */
  async onFinished(sweepId: string, trialId?: string): Promise<void> {
    if (trialId) this.judged.delete(trialId);
    const settings = await this.d.specs.get(sweepId);
    if (settings?.spec.search.kind !== 'pareto') return;
    const spec = settings.spec;
    const search = new ParetoSearch(spec); // cheap: the space is the spec's axes
    const added = await this.d.search.extend(sweepId, (trials) => this.proposals(search, trials, spec.budget.maxTrials, spec.seeds));
    if (added.length === 0) return;
    await this.d.queue.enqueue(added.map((t) => ({ trialId: t.id, sweepId, maxAttempts: settings.maxAttempts })));
    for (const t of added) this.d.events.publish({ sweepId, trialId: t.id, kind: 'started' });
    this.d.log.info({ sweepId, proposed: added.length / Math.max(1, spec.seeds.length) }, 'pareto search proposed configurations');
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
