import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import {
  AggregateRepository,
  SweepRepository,
  type GridCell,
  type GroupStats,
  type ParamFacet,
  type ReplicateGroup,
  type Scatter,
  type SeriesLine,
  type Sweep,
  type SweepScheduleRef,
  type TrialCurve,
} from '@tinysweep/db';
import { studentTQuantile } from '@tinysweep/stats';

/** Mean ± 95% Student-t interval; null when one value says nothing about spread. */
export type Ci95 = [number, number] | null;

export function ci95(s: GroupStats): Ci95 {
  if (s.n < 2 || s.std === null || !Number.isFinite(s.std)) return null;
  const half = (studentTQuantile(0.975, s.n - 1) * s.std) / Math.sqrt(s.n);
  return [s.mean - half, s.mean + half];
}

const withCi = <T extends GroupStats>(s: T): T & { ci95: Ci95 } => ({ ...s, ci95: ci95(s) });

export interface SweepMeta {
  name: string;
  metric: string;
  maximize: boolean;
  trialCount: number;
}

export interface Facets {
  metric: string;
  maximize: boolean;
  /** Metric names on results, and on learning curves. */
  metrics: string[];
  curveMetrics: string[];
  params: ParamFacet[];
}

export interface OverviewSweep extends Sweep {
  schedules: SweepScheduleRef[];
}

/** How long a sweep's parameter facets are kept: params never change once a sweep is stored. */
const FACET_TTL_MS = 10 * 60_000;
const FACET_CACHE_SIZE = 64;

/**
 * What the board draws, computed in Postgres (libs/db AggregateRepository) and finished here:
 * 95% intervals, defaults from the sweep's objective, and a small cache of parameter facets.
 */
@Injectable()
export class InsightsService {
  private readonly facetCache = new Map<string, { at: number; params: ParamFacet[] }>();

  constructor(
    @Inject(AggregateRepository) private readonly agg: AggregateRepository,
    @Inject(SweepRepository) private readonly sweeps: SweepRepository,
  ) {}

  async meta(sweepId: string): Promise<SweepMeta> {
    const m = await this.agg.sweepMeta(sweepId);
    if (!m) throw new NotFoundException(`sweep ${sweepId} not found`);
    return m;
  }

  async overview(limit: number, offset: number): Promise<OverviewSweep[]> {
    const items = await this.sweeps.list(limit, offset);
    const schedules = await this.agg.schedulesOf(items.map((s) => s.id));
    return items.map((s) => ({ ...s, schedules: schedules.get(s.id) ?? [] }));
  }

  async facets(sweepId: string): Promise<Facets> {
    const m = await this.meta(sweepId);
    const [params, names] = await Promise.all([this.paramFacets(sweepId, m.trialCount), this.agg.metricNames(sweepId)]);
    const metrics = names.metrics.includes(m.metric) ? names.metrics : [m.metric, ...names.metrics];
    return { metric: m.metric, maximize: m.maximize, metrics, curveMetrics: names.curveMetrics, params };
  }

  async grid(sweepId: string, metric: string | undefined, x: string[], y?: string[]) {
    const m = await this.meta(sweepId);
    const name = metric ?? m.metric;
    const cells = await this.agg.grid(sweepId, name, x, y);
    return { metric: name, maximize: m.maximize, x: x.join('.'), y: y?.join('.') ?? null, cells: cells.map((c) => withCi<GridCell>(c)) };
  }

  async pareto(sweepId: string, metric: string | undefined): Promise<{ metric: string; maximize: boolean; trainable: Scatter; effective: Scatter }> {
    const m = await this.meta(sweepId);
    const name = metric ?? m.metric;
    const [trainable, effective] = await Promise.all([
      this.agg.scatter(sweepId, name, 'trainable', m.maximize),
      this.agg.scatter(sweepId, name, 'effective', m.maximize),
    ]);
    return { metric: name, maximize: m.maximize, trainable, effective };
  }

  async series(sweepId: string, metric: string | undefined, x: string[], limit: number) {
    const m = await this.meta(sweepId);
    const name = metric ?? m.metric;
    const s = await this.agg.series(sweepId, name, x, m.maximize, limit);
    const lines = s.lines.map((l: SeriesLine) => ({ config: l.config, points: l.points.map((p) => withCi(p)) }));
    return { metric: name, maximize: m.maximize, x: x.join('.'), configs: s.configs, lines };
  }

  async replicates(sweepId: string, metric: string | undefined, limit: number, offset: number) {
    const m = await this.meta(sweepId);
    const name = metric ?? m.metric;
    const page = await this.agg.replicates(sweepId, name, m.maximize, limit, offset);
    return { metric: name, maximize: m.maximize, total: page.total, items: page.items.map((g) => withCi<ReplicateGroup>(g)) };
  }

  /** Curves of the given trials, or of the sweep's best `top` when none are given. */
  async curves(sweepId: string, ids: string[], top: number, maxPoints: number): Promise<{ chosen: 'given' | 'best'; trials: TrialCurve[] }> {
    const m = await this.meta(sweepId);
    const chosen = ids.length > 0 ? 'given' : 'best';
    const which = ids.length > 0 ? ids : await this.agg.topTrials(sweepId, m.metric, m.maximize, top);
    return { chosen, trials: await this.agg.curves(sweepId, which, maxPoints) };
  }

  private async paramFacets(sweepId: string, trialCount: number): Promise<ParamFacet[]> {
    const key = `${sweepId}:${trialCount}`;
    const hit = this.facetCache.get(key);
    if (hit && Date.now() - hit.at < FACET_TTL_MS) return hit.params;
    const paths = await this.agg.paramPaths(sweepId);
    const params = await this.agg.facets(sweepId, paths);
    this.facetCache.delete(key);
    this.facetCache.set(key, { at: Date.now(), params });
    while (this.facetCache.size > FACET_CACHE_SIZE) this.facetCache.delete(this.facetCache.keys().next().value as string);
    return params;
  }
}
