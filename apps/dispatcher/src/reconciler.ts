import type { SearchRepository, TrainingRepository, TrialRepository } from '@tinysweep/db';
import { trainJobId, type TrialQueue } from '@tinysweep/queue';
import type { Logger } from 'pino';
import type { SearchDriver } from './search-driver.js';
import type { SweepSpecs } from './sweep-specs.js';

export interface ReconcilerOptions {
  /**
   * An attempt row still open this long after its trial ended is closed (its dispatcher died
   * before saying how the attempt ended). Give it at least the job lock's duration.
   * @defaultValue 60000
   */
  attemptGraceMs?: number;
}

/**
 * Postgres is the truth about which trials still need to run; Redis only carries jobs. When
 * the two disagree — Redis restarted empty, a job evicted, the API crashed between commit and
 * enqueue — this puts the missing jobs back. So too for an open trial whose job Redis holds as
 * completed or failed, which no worker will look at again: a job that stalled past its limit while
 * its dispatchers kept dying, one whose final failure could not be written to a Postgres that was
 * away, one an older dispatcher completed on shutdown. Job id = trial id, so racing the API or another
 * dispatcher's reconciler adds nothing twice. A trial of a shared training waits for its training:
 * the training's flow is what gets restored until the training succeeded. A pareto search left open
 * with no trial running (a dispatcher died between a trial's result and its proposals) is asked again,
 * so is an ASHA sweep whose open trials all wait at rungs, and attempt rows that no dispatcher will
 * finish are closed.
 */
export class Reconciler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly trials: TrialRepository,
    private readonly trainings: TrainingRepository,
    private readonly queue: TrialQueue,
    private readonly specs: SweepSpecs,
    private readonly log: Logger,
    private readonly search: { searches: SearchRepository; driver: SearchDriver },
    private readonly opts: ReconcilerOptions = {},
  ) {}

  start(everyMs: number): void {
    const tick = () => {
      void this.reconcileOnce()
        .catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'reconcile failed; will retry'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, everyMs);
        });
    };
    this.timer = setTimeout(tick, Math.min(everyMs, 1000));
  }

  /** One pass over every open trial; returns how many jobs it re-created. */
  reconcileOnce(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    let after: string | null = null;
    let restored = 0;
    for (;;) {
      const page = await this.trials.open(after, 5000);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      // A trial whose shared training has not succeeded is started by the training's fan-out job.
      const own = page.filter((t) => t.trainingId === null || t.trainingStatus === 'succeeded');
      const states = await this.queue.jobStates(own.map((t) => t.id));
      const jobs = [];
      for (const [i, t] of own.entries()) {
        const state = states[i];
        if (state !== 'missing' && state !== 'completed' && state !== 'failed') continue;
        // A finished job of a trial that is still open: it finished (or failed) just now, after our
        // read of Postgres, or it was stranded. Postgres, read again, tells which.
        if (state !== 'missing' && ((await this.trials.status(t.id)) !== t.status || !(await this.queue.removeIfIdle(t.id)))) continue;
        const s = await this.specs.get(t.sweepId);
        if (s) jobs.push({ trialId: t.id, sweepId: t.sweepId, maxAttempts: Math.max(1, s.maxAttempts - t.charged) });
      }
      if (jobs.length > 0) {
        await this.queue.enqueue(jobs);
        restored += jobs.length;
      }
    }
    restored += await this.reconcileTrainings();
    const closed = await this.trials.closeAbandonedAttempts(this.opts.attemptGraceMs ?? 60_000);
    if (closed > 0) this.log.warn({ closed }, 'closed attempts no dispatcher finished');
    for (const sweepId of await this.search.searches.idleOpenSearches()) await this.search.driver.onFinished(sweepId);
    // An ASHA sweep whose trials all wait at rungs (the dispatcher that would have promoted one died first).
    for (const sweepId of await this.search.searches.idlePausedSweeps()) await this.search.driver.resolvePauses(sweepId);
    if (restored > 0) this.log.warn({ restored }, 're-enqueued open trials whose jobs were missing or finished in Redis');
    return restored;
  }

  /**
   * Open shared trainings whose training job Redis lost, or that ended without settling the training
   * (a dispatcher stopping mid-wait), get their flow again — under their current segment's job ids,
   * so a promoted training whose flow was never added gets it. Paused trainings wait for a promotion.
   */
  private async reconcileTrainings(): Promise<number> {
    let after: string | null = null;
    let restored = 0;
    for (;;) {
      const page = await this.trainings.open(after, 5000);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      for (const g of page) {
        // The jobs of its current segment (a promoted training's are not the first ones); a paused training is not open.
        if (!['missing', 'completed', 'failed'].includes(await this.queue.stateOf(trainJobId(g.id, g.segment)))) continue;
        const s = await this.specs.get(g.sweepId);
        if (!s || !(await this.queue.removeTrainingIfIdle(g.id, g.segment))) continue;
        await this.queue.enqueueTrainings([{ trainingId: g.id, sweepId: g.sweepId, maxAttempts: Math.max(1, s.maxAttempts - g.attempts), segment: g.segment, first: g.segment > 0 }]);
        restored++;
      }
    }
    return restored;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
