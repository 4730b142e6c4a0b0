import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { BoardSnapshotRepository } from '@tinysweep/db';
import { API_CONFIG, type ApiConfig } from '../config/api.config.js';
import { InsightsService } from './insights.service.js';
import { SweepImportanceService } from './sweep-importance.js';

/**
 * Sweeps changed longer ago than this are not looked for (an upgrade does not build every old sweep
 * at once): one gets its snapshot once someone opens it, from the answers that visit computed.
 */
const WITHIN_DAYS = 30;
/** A sweep whose build failed is tried again after this long (its version may be unreadable). */
const RETRY_FAILED_MS = 10 * 60_000;

/**
 * Builds a board snapshot (libs/db BoardSnapshotRepository) for each finished sweep of at least
 * TINYSWEEP_BOARD_SNAPSHOT_MIN_TRIALS trials, one sweep at a time, soon after it finished: what the
 * sweep page first asks for (InsightsService.board, the Pareto plots, parameter importance, the best
 * trials its summary and learning curves show) is then
 * one row read for its first visitor — after an API restart, on another replica — instead of passes
 * over every trial (2–5 s for 100,000 trials on two cores). Looks every TINYSWEEP_BOARD_SNAPSHOT_MS
 * (0: never; the board then computes on first open, as it does for running sweeps), for finished
 * sweeps changed in the last WITHIN_DAYS and those the board just computed answers for (built from
 * the answers kept in memory: little work). Replicas may build the same sweep twice; the answers are
 * the same, and the last one kept wins.
 */
@Injectable()
export class BoardSnapshots implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger(BoardSnapshots.name);
  private timer?: NodeJS.Timeout;
  private closed = false;
  /** Sweeps whose last build failed, with when. */
  private readonly failed = new Map<string, number>();
  /** Sweeps the board computed answers for since the last round (InsightsService.onCompute). */
  private readonly opened = new Set<string>();

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(BoardSnapshotRepository) private readonly snapshots: BoardSnapshotRepository,
    @Inject(InsightsService) private readonly insights: InsightsService,
    @Inject(SweepImportanceService) private readonly importance: SweepImportanceService,
  ) {
    insights.onCompute((sweepId) => this.opened.add(sweepId));
  }

  onApplicationBootstrap(): void {
    const every = this.config.TINYSWEEP_BOARD_SNAPSHOT_MS;
    if (every <= 0) return;
    const loop = () => {
      void this.buildDue().finally(() => {
        if (!this.closed) this.timer = setTimeout(loop, every);
      });
    };
    this.timer = setTimeout(loop, every);
  }

  onModuleDestroy(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  /** Builds the snapshots that are due, newest sweep first; returns the sweeps built. */
  async buildDue(): Promise<string[]> {
    const built: string[] = [];
    // Each sweep once per round: one that changed while it was built waits for the next round.
    const tried: string[] = [];
    const now = Date.now();
    for (const [id, at] of this.failed) if (now - at > RETRY_FAILED_MS) this.failed.delete(id);
    const also = [...this.opened];
    this.opened.clear();
    try {
      while (!this.closed) {
        const [sweepId] = await this.snapshots.due({ minTrials: this.config.TINYSWEEP_BOARD_SNAPSHOT_MIN_TRIALS, withinDays: WITHIN_DAYS, limit: 1, skip: [...this.failed.keys(), ...tried], also });
        if (!sweepId) break;
        tried.push(sweepId);
        if (await this.build(sweepId)) built.push(sweepId);
      }
    } catch (err) {
      this.log.warn(`board snapshots: could not look for finished sweeps; will retry: ${(err as Error).message}`);
    }
    return built;
  }

  /** Builds and keeps one sweep's snapshot; false when it failed (said in the log) or the sweep changed meanwhile. */
  async build(sweepId: string): Promise<boolean> {
    const t0 = performance.now();
    try {
      const snapshot = await this.insights.snapshot(sweepId, () =>
        Promise.all([this.insights.board(sweepId), this.insights.pareto(sweepId, undefined), this.importance.importance(sweepId)]),
      );
      const kept = await this.snapshots.save(sweepId, snapshot, performance.now() - t0);
      // Not kept: the sweep changed while it was built (it is due again) or is gone (it is not).
      return kept;
    } catch (err) {
      this.failed.set(sweepId, Date.now());
      this.log.warn(`board snapshot of sweep ${sweepId} failed; trying again in ${RETRY_FAILED_MS / 60_000} min: ${(err as Error).message}`);
      return false;
    }
  }
}
