import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { AggregateRepository, SweepRepository, type GroupMetric, type Scatter, type Sweep, type SweepScheduleRef, type TrialCurve, type TrialValue } from '@tinysweep/db';
import { Memo } from './memo.js';
import { facets, grid, groupablePaths, pickPath, rankConfigs, series, type ConfigTable, type FacetSummary } from './sweep-cube.js';

export interface SweepMeta {
  name: string;
  metric: string;
  maximize: boolean;
  trialCount: number;
  /** Moves whenever a trial changes state: results cached under it stay right. */
  updatedAt: string;
}

export interface OverviewSweep extends Sweep {
  schedules: SweepScheduleRef[];
}

/** How long a sweep's config table is kept: params never change once a sweep is stored. */
const TABLE_TTL_MS = 10 * 60_000;
const TABLE_CACHE_SIZE = 16;
/** The sweeps list warms the caches of its newest sweeps of at least this many trials. */
const PREWARM_SWEEPS = 3;
const PREWARM_MIN_TRIALS = 5000;

/**
 * Results are cached under the sweep's updatedAt, which moves with every trial change; the time
 * to live only bounds memory and guards against a missed touch.
 */
const RESULT_TTL_MS = 5 * 60_000;

/**
 * What the board draws. Postgres reduces a sweep to one row per config (AggregateRepository);
 * this combines configs into cells, lines and rankings (./sweep-cube.ts) and adds 95% intervals.
 * A sweep's config table (parameter texts per config) is cached: params never change.
 */
@Injectable()
export class InsightsService {
  private readonly tables = new Memo<ConfigTable>(TABLE_TTL_MS, TABLE_CACHE_SIZE);
  private warming?: Promise<void>;
  private readonly metricPasses = new Memo<Map<string, GroupMetric>>(RESULT_TTL_MS, 32);
  private readonly scatters = new Memo<Record<'trainable' | 'effective', Scatter> & { top: string[] }>(RESULT_TTL_MS, 16);
  private readonly trialValues = new Memo<TrialValue[]>(RESULT_TTL_MS, 32);
  private readonly answers = new Memo<unknown>(RESULT_TTL_MS, 128);

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
    // Finished sweeps only: a running one's results change before anyone would open them.
    const finished = items.slice(0, PREWARM_SWEEPS).filter((s) => s.trialCount >= PREWARM_MIN_TRIALS && s.status !== 'queued' && s.status !== 'running');
    this.prewarm(finished.map((s) => s.id));
    return items.map((s) => ({ ...s, schedules: schedules.get(s.id) ?? [] }));
  }

  /**
   * Someone looking at the sweeps list is about to open one: build the big sweeps' config tables
   * and first passes now, one sweep at a time, in the background.
   */
  private prewarm(ids: string[]): void {
    if (ids.length === 0 || this.warming) return;
    this.warming = (async () => {
      for (const id of ids) {
        const m = await this.agg.sweepMeta(id);
        if (!m) continue;
        await Promise.all([this.table(id, m), this.metrics(id, m, m.metric), this.scattersOf(id, m, m.metric)]);
      }
    })()
      .catch(() => undefined)
      .finally(() => (this.warming = undefined));
  }

  async facets(sweepId: string): Promise<{ metric: string; maximize: boolean; metrics: string[]; curveMetrics: string[]; params: FacetSummary[] }> {
    const m = await this.meta(sweepId);
    return this.answer('facets', sweepId, m, [], async () => {
      const [table, names] = await Promise.all([this.table(sweepId, m), this.agg.metricNames(sweepId)]);
      const metrics = names.metrics.includes(m.metric) ? names.metrics : [m.metric, ...names.metrics];
      return { metric: m.metric, maximize: m.maximize, metrics, curveMetrics: names.curveMetrics, params: facets(table) };
    });
  }

  /**
   * The metric by x (and y). Without x, the axes are chosen here (layer selection × rank when the
   * sweep varies them, else the first parameters that vary), so the board need not wait for facets.
   */
  async grid(sweepId: string, metric: string | undefined, x?: string[], y?: string[]) {
    const m = await this.meta(sweepId);
    return this.answer('grid', sweepId, m, [metric, x, y], async () => {
      const name = metric ?? m.metric;
      const [table, metrics] = await Promise.all([this.table(sweepId, m), this.metrics(sweepId, m, name)]);
      let xi: number | undefined;
      let yi: number | undefined;
      if (x) {
        xi = this.pathIndex(table, x, 'x');
        yi = y ? this.pathIndex(table, y, 'y') : undefined;
      } else {
        const candidates = groupablePaths(table);
        xi = pickPath(table, candidates, ['adapter.layers', 'adapter.modules', 'adapter.rank']);
        yi = xi === undefined ? undefined : pickPath(table, candidates, ['adapter.rank', 'adapter.u', 'prune.threshold'], xi);
      }
      const cells = xi === undefined ? [] : grid(table, metrics, xi, yi);
      return { metric: name, maximize: m.maximize, x: xi === undefined ? null : table.paths[xi]!, y: yi === undefined ? null : table.paths[yi]!, cells };
    });
  }

  /**
   * The metric against x, one line per config. Without x: prune.threshold when the sweep varies
   * it, else its first varying numeric parameter.
   */
  async series(sweepId: string, metric: string | undefined, x: string[] | undefined, limit: number) {
    const m = await this.meta(sweepId);
    return this.answer('series', sweepId, m, [metric, x, limit], async () => {
      const name = metric ?? m.metric;
      const [table, metrics] = await Promise.all([this.table(sweepId, m), this.metrics(sweepId, m, name)]);
      const candidates = groupablePaths(table);
      const numeric = candidates.filter((i) => table.groups.every((g) => g.keys[i] === null || g.keys[i] === undefined || Number.isFinite(Number(g.keys[i]))));
      const xi = x ? table.paths.indexOf(x.join('.')) : pickPath(table, numeric.length > 0 ? numeric : candidates, ['prune.threshold']);
      // A sweep that varies nothing (or not x) has no such curve: say so rather than fail.
      if (xi === undefined || xi < 0) return { metric: name, maximize: m.maximize, x: x?.join('.') ?? null, present: false, configs: 0, lines: [] };
      return { metric: name, maximize: m.maximize, x: table.paths[xi]!, present: true, ...series(table, metrics, xi, m.maximize, limit) };
    });
  }

  async replicates(sweepId: string, metric: string | undefined, limit: number, offset: number) {
    const m = await this.meta(sweepId);
    return this.answer('replicates', sweepId, m, [metric, limit, offset], async () => {
      const name = metric ?? m.metric;
      const [table, metrics] = await Promise.all([this.table(sweepId, m), this.metrics(sweepId, m, name)]);
      const page = rankConfigs(table, metrics, m.maximize, limit, offset);
      const hashes = page.items.map((i) => i.groupHash);
      const values = await this.trialValues.get(`${sweepId}:${name}:${m.updatedAt}:${hashes.join(',')}`, () => this.agg.groupTrialValues(sweepId, name, hashes));
      const items = page.items.map((i) => ({
        ...i,
        trials: values.filter((v) => v.groupHash === i.groupHash).map((v) => ({ trialId: v.trialId, seed: v.seed, value: v.value })),
      }));
      return { metric: name, maximize: m.maximize, total: page.total, items };
    });
  }

  async pareto(sweepId: string, metric: string | undefined): Promise<{ metric: string; maximize: boolean; trainable: Scatter; effective: Scatter }> {
    const m = await this.meta(sweepId);
    const name = metric ?? m.metric;
    const { trainable, effective } = await this.scattersOf(sweepId, m, name);
    return { metric: name, maximize: m.maximize, trainable, effective };
  }

  /** Both scatters and the best trials, one pass over the sweep per change of its results. */
  private scattersOf(sweepId: string, m: SweepMeta, name: string) {
    return this.scatters.get(`${sweepId}:${name}:${m.updatedAt}`, () => this.agg.paramCountScatters(sweepId, name, { maximize: m.maximize }));
  }

  /** Curves of the given trials, or of the sweep's best `top` when none are given. */
  async curves(sweepId: string, ids: string[], top: number, maxPoints: number): Promise<{ chosen: 'given' | 'best'; trials: TrialCurve[] }> {
    const m = await this.meta(sweepId);
    const chosen = ids.length > 0 ? 'given' : 'best';
    // The best trials come from the scatters' pass (which the page asks for anyway).
    const which = ids.length > 0 ? ids : (await this.scattersOf(sweepId, m, m.metric)).top.slice(0, top);
    return { chosen, trials: await this.agg.curves(sweepId, which, maxPoints) };
  }

  /** A whole answer, kept while the sweep's results stay as they are (its updatedAt). */
  private answer<T>(kind: string, sweepId: string, m: SweepMeta, args: unknown[], compute: () => Promise<T>): Promise<T> {
    return this.answers.get(`${kind}:${sweepId}:${m.updatedAt}:${JSON.stringify(args)}`, compute) as Promise<T>;
  }

  private table(sweepId: string, m: SweepMeta): Promise<ConfigTable> {
    return this.tables.get(`${sweepId}:${m.trialCount}`, async () => {
      const paths = (await this.agg.paramPaths(sweepId)).filter((p) => !(p.length === 1 && p[0] === 'seed'));
      const [groups, seeds] = await Promise.all([this.agg.groupKeys(sweepId, paths), this.agg.seedCounts(sweepId)]);
      return { paths: paths.map((p) => p.join('.')), groups, seeds };
    });
  }

  private metrics(sweepId: string, m: SweepMeta, metric: string): Promise<Map<string, GroupMetric>> {
    return this.metricPasses.get(`${sweepId}:${metric}:${m.updatedAt}`, async () => new Map((await this.agg.groupMetrics(sweepId, metric)).map((g) => [g.groupHash, g])));
  }

  private pathIndex(table: ConfigTable, path: string[], name: string): number {
    const i = table.paths.indexOf(path.join('.'));
    if (i < 0) {
      const known = table.paths.map((p) => `params.${p}`).join(', ');
      throw new BadRequestException({ message: `${name}: the sweep has no parameter params.${path.join('.')} (it has ${known})`, issues: [{ path: name, message: 'unknown parameter' }] });
    }
    return i;
  }
}
