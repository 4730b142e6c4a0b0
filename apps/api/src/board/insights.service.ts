import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { AggregateRepository, BoardSnapshotRepository, SweepRepository, LEADERS_ANSWER, type BoardSnapshot, type SweepVersion, type ConfigPass, type GroupMetric, type Sweep, type SweepScheduleRef, type TrialCurve, type TrialValue } from '@tinysweep/db';
import { compareConfigs, summarise, type ConfigSummary } from '../replicates/config-summary.js';
import { Memo } from './memo.js';
import { withFronts, type ScatterFronts } from './scatter-fronts.js';
import { configLabeller, facets, grid, groupablePaths, pickPath, series, type ConfigTable, type FacetSummary } from './sweep-cube.js';

export interface SweepMeta {
  name: string;
  metric: string;
  maximize: boolean;
  trialCount: number;
  /** Moves whenever a trial changes state (the sweep's counts, kept by a trigger, change with it). */
  updatedAt: string;
  /** Moves with every change of the sweep row, updatedAt's included: answers are kept under it. */
  version: string;
}

export interface OverviewSweep extends Sweep {
  schedules: SweepScheduleRef[];
}

/** `GET /sweeps/:id/configs`: configs ranked by the mean of their replicates, a page at a time. */
export interface ConfigPage {
  metric: string;
  maximize: boolean;
  /** Configs of the sweep; the first `withResult` of the ranking have the metric, the rest none. */
  total: number;
  withResult: number;
  offset: number;
  items: ConfigSummary[];
}

/** A sweep's configs for one metric (AggregateRepository.configPass) with its config table. */
interface ConfigView {
  table: ConfigTable;
  pass: ConfigPass;
  /** The metric per config, for configs that have it. */
  metrics: Map<string, GroupMetric>;
}

const metricsOf = (pass: ConfigPass): Map<string, GroupMetric> => new Map(pass.configs.flatMap((c) => (c.metric ? [[c.groupHash, c.metric] as const] : [])));

/** How long a sweep's config table is kept: params never change once a sweep is stored. */
const TABLE_TTL_MS = 10 * 60_000;
const TABLE_CACHE_SIZE = 16;
/** The sweep page's defaults (apps/board sweep-charts.tsx): pruning-curve lines, replicate configs per page. */
export const BOARD_SERIES_LINES = 8;
export const BOARD_CONFIGS = 15;

/**
 * Results are cached under the sweep's version, which moves with every trial change; the time
 * to live only bounds memory and guards against a missed touch.
 */
const RESULT_TTL_MS = 5 * 60_000;

/**
 * What the board draws. Per metric and change of a sweep's results, Postgres reads the sweep
 * twice, side by side: its configs (AggregateRepository.configPass: heatmap, pruning curves,
 * replicates, facets) and its parameter-count scatters (scatterPass: Pareto plots, their fronts
 * picked by libs/search in ./scatter-fronts.ts). Every
 * endpoint below shares them while the sweep stays as it is, and the Pareto plots need not wait
 * for the configs. The default learning curves take the sweep's best trials from what its
 * summary reads (SweepRepository.leaders). This combines configs into cells, lines and rankings
 * (./sweep-cube.ts, ../replicates/config-summary.ts). A sweep's config table (parameter texts per
 * config) is kept apart: params never change, so later passes skip them.
 *
 * Answers are kept in memory per sweep version, and a finished sweep's first answers are also read
 * from its board snapshot in Postgres when it has one of its current version (./board-snapshots.ts
 * builds them in the background with {@link snapshot}): its first visitor then waits for one row,
 * not for the passes.
 */
@Injectable()
export class InsightsService {
  private readonly tables = new Memo<ConfigTable>(TABLE_TTL_MS, TABLE_CACHE_SIZE);
  private readonly views = new Memo<ConfigView>(RESULT_TTL_MS, 32);
  private readonly scatters = new Memo<ScatterFronts>(RESULT_TTL_MS, 16);
  private readonly answers = new Memo<unknown>(RESULT_TTL_MS, 128);
  /** Board snapshots by sweep version (null: none of that version). */
  private readonly stored = new Memo<Record<string, unknown> | null>(RESULT_TTL_MS, 32);
  /**
   * Snapshots being built, by sweep: every answer given for it meanwhile goes in (one of a newer
   * version too: the snapshot is then refused as stale when saved).
   */
  private readonly recordings = new Map<string, Record<string, unknown>>();
  /** Told of each sweep an answer had to be computed for a visitor (neither kept nor in a snapshot). */
  private computedFor?: (sweepId: string) => void;

  constructor(
    @Inject(AggregateRepository) private readonly agg: AggregateRepository,
    @Inject(SweepRepository) private readonly sweeps: SweepRepository,
    @Inject(BoardSnapshotRepository) private readonly snapshots: BoardSnapshotRepository,
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

  /**
   * The answers `ask` gives for the sweep's current version, as a board snapshot to store: `ask`
   * calls this service's endpoints (and others built on {@link answer}) the way the sweep page does.
   * The sweep's best trials go in too (LEADERS_ANSWER), where SweepRepository.leaders reads them.
   */
  async snapshot(sweepId: string, ask: () => Promise<unknown>): Promise<BoardSnapshot> {
    const m = await this.meta(sweepId);
    const answers: Record<string, unknown> = {};
    this.recordings.set(sweepId, answers);
    try {
      const [leaders] = await Promise.all([this.sweeps.leaders(this.ranked(sweepId, m)), ask()]);
      answers[LEADERS_ANSWER] = leaders;
    } finally {
      this.recordings.delete(sweepId);
    }
    return { version: m.version, answers };
  }

  /** The sweep as SweepRepository.leaders keys its best trials. */
  private ranked(sweepId: string, m: SweepMeta): SweepVersion {
    return { id: sweepId, metric: m.metric, maximize: m.maximize, updatedAt: Number(m.updatedAt) };
  }

  /** Calls `listener` with each sweep an answer had to be computed for (./board-snapshots.ts keeps them). */
  onCompute(listener: (sweepId: string) => void): void {
    this.computedFor = listener;
  }

  async facets(sweepId: string): Promise<{ metric: string; maximize: boolean; metrics: string[]; curveMetrics: string[]; params: FacetSummary[] }> {
    const m = await this.meta(sweepId);
    return this.answer('facets', sweepId, m, [], async () => {
      const [{ table }, names] = await Promise.all([this.view(sweepId, m, m.metric), this.agg.metricNames(sweepId)]);
      const metrics = names.metrics.includes(m.metric) ? names.metrics : [m.metric, ...names.metrics];
      return { metric: m.metric, maximize: m.maximize, metrics, curveMetrics: names.curveMetrics, params: facets(table) };
    });
  }

  /**
   * The sweep's configs measured on `metric`, from the pass every board endpoint shares: one trial
   * of each (its params are the config's, seed aside) and the metric's mean over its replicates, by
   * trial id (an order that does not depend on how Postgres grouped them: a seeded fit over them is
   * reproducible).
   */
  async measuredConfigs(sweepId: string, m: SweepMeta, metric: string): Promise<{ trialId: string; mean: number }[]> {
    const { pass } = await this.view(sweepId, m, metric);
    return pass.configs
      .flatMap((c) => (c.metric ? [{ trialId: c.trialId, mean: c.metric.mean }] : []))
      .sort((a, b) => (a.trialId < b.trialId ? -1 : a.trialId > b.trialId ? 1 : 0));
  }

  /**
   * What the sweep page first draws from the sweep's configs, in one answer: its facets, the
   * heatmap, the pruning curves and the first page of replicates, each as its own endpoint
   * answers it with no choice made (the same cached answers). One request instead of four keeps
   * the browser's six connections to the API free for the others while the sweep's pass runs.
   */
  async board(sweepId: string) {
    const [facets, aggregate, series, configs] = await Promise.all([
      this.facets(sweepId),
      this.grid(sweepId, undefined),
      this.series(sweepId, undefined, undefined, BOARD_SERIES_LINES),
      this.configs(sweepId, undefined, { limit: BOARD_CONFIGS, offset: 0, values: true }),
    ]);
    return { facets, aggregate, series, configs };
  }

  /**
   * The metric by x (and y). Without x, the axes are chosen here (layer selection × rank when the
   * sweep varies them, else the first parameters that vary), so the board need not wait for facets.
   */
  async grid(sweepId: string, metric: string | undefined, x?: string[], y?: string[]) {
    const m = await this.meta(sweepId);
    return this.answer('grid', sweepId, m, [metric, x, y], async () => {
      const name = metric ?? m.metric;
      const { table, metrics } = await this.view(sweepId, m, name);
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
      const { table, metrics } = await this.view(sweepId, m, name);
      const candidates = groupablePaths(table);
      const numeric = candidates.filter((i) => table.groups.every((g) => g.keys[i] === null || g.keys[i] === undefined || Number.isFinite(Number(g.keys[i]))));
      const xi = x ? table.paths.indexOf(x.join('.')) : pickPath(table, numeric.length > 0 ? numeric : candidates, ['prune.threshold']);
      // A sweep that varies nothing (or not x) has no such curve: say so rather than fail.
      if (xi === undefined || xi < 0) return { metric: name, maximize: m.maximize, x: x?.join('.') ?? null, present: false, configs: 0, lines: [] };
      return { metric: name, maximize: m.maximize, x: table.paths[xi]!, present: true, ...series(table, metrics, xi, m.maximize, limit) };
    });
  }

  /**
   * Seeds as replicates: the sweep's configs ranked by the mean of the metric over their
   * replicates (configs without a result last), `limit` from `offset` (all when no limit), each
   * with its params, label, counts and summary, and with `values` every replicate's value.
   */
  async configs(sweepId: string, metric: string | undefined, o: { limit?: number; offset: number; values: boolean }): Promise<ConfigPage> {
    const m = await this.meta(sweepId);
    return this.answer('configs', sweepId, m, [metric, o.limit, o.offset, o.values], async () => {
      const name = metric ?? m.metric;
      const view = await this.view(sweepId, m, name);
      const ranked = [...view.pass.configs].sort(compareConfigs(m.maximize, (c) => c.metric?.mean ?? null));
      const page = ranked.slice(o.offset, o.limit === undefined ? undefined : o.offset + o.limit);
      // The replicates' values give each config's seeds (and, asked for, are sent along).
      const [params, values] = await Promise.all([
        this.agg.trialParams(page.map((c) => c.trialId)),
        this.agg.groupTrialValues(sweepId, name, page.flatMap((c) => (c.metric ? [c.groupHash] : []))),
      ]);
      const byConfig = new Map<string, TrialValue[]>();
      for (const v of values) {
        const list = byConfig.get(v.groupHash);
        if (list) list.push(v);
        else byConfig.set(v.groupHash, [v]);
      }
      const keys = new Map(view.table.groups.map((g) => [g.groupHash, g.keys]));
      const labelOf = configLabeller(view.table);
      const items = page.map((c): ConfigSummary => {
        const replicates = (byConfig.get(c.groupHash) ?? []).sort((a, b) => a.seed - b.seed);
        const item: ConfigSummary = {
          groupHash: c.groupHash,
          params: params.get(c.trialId) ?? {},
          ...labelOf(keys.get(c.groupHash)),
          trials: c.trials,
          failed: c.failed,
          seeds: replicates.map((v) => v.seed),
          summary: summarise(c.metric, name),
        };
        if (o.values) item.values = replicates.map((v) => ({ trialId: v.trialId, seed: v.seed, value: v.value }));
        return item;
      });
      return { metric: name, maximize: m.maximize, total: ranked.length, withResult: view.metrics.size, offset: o.offset, items };
    });
  }

  async pareto(sweepId: string, metric: string | undefined): Promise<{ metric: string; maximize: boolean } & ScatterFronts> {
    const m = await this.meta(sweepId);
    return this.answer('pareto', sweepId, m, [metric], async () => {
      const name = metric ?? m.metric;
      const { trainable, effective } = await this.scattersOf(sweepId, m, name);
      return { metric: name, maximize: m.maximize, trainable, effective };
    });
  }

  /** Curves of the given trials, or of the sweep's best `top` when none are given. */
  async curves(sweepId: string, ids: string[], top: number, maxPoints: number): Promise<{ chosen: 'given' | 'best'; trials: TrialCurve[] }> {
    const m = await this.meta(sweepId);
    const chosen = ids.length > 0 ? 'given' : 'best';
    // The best trials are what the sweep's summary (GET /sweeps/:id, asked for with the page) reads.
    const leaders = ids.length > 0 ? [] : await this.sweeps.leaders(this.ranked(sweepId, m));
    const which = ids.length > 0 ? ids : leaders.slice(0, top).map((t) => t.trialId);
    return { chosen, trials: await this.agg.curves(sweepId, which, maxPoints) };
  }

  /** Both scatters with their fronts (./scatter-fronts.ts), one pass over the sweep per change of its results. */
  private scattersOf(sweepId: string, m: SweepMeta, metric: string): Promise<ScatterFronts> {
    return this.scatters.get(`${sweepId}:${metric}:${m.version}`, async () => withFronts(this.agg, await this.agg.scatterPass(sweepId, metric, { maximize: m.maximize }), m.maximize));
  }

  /**
   * The sweep's configs for `metric`, kept while its results stay as they are (its version).
   * The first pass of a sweep also reads its config table, which is then kept on its own.
   */
  private view(sweepId: string, m: SweepMeta, metric: string): Promise<ConfigView> {
    return this.views.get(`${sweepId}:${metric}:${m.version}`, async () => {
      const tableKey = `${sweepId}:${m.trialCount}`;
      const kept = this.tables.peek(tableKey);
      if (kept) {
        const pass = await this.agg.configPass(sweepId, metric);
        return { table: await kept, pass, metrics: metricsOf(pass) };
      }
      // A sweep's first pass: its parameter paths first (a sample read through the ordinal
      // index), then the pass reads each config's text for each path along with the rest.
      const paths = await this.agg.paramPaths(sweepId, m.trialCount);
      const pass = await this.agg.configPass(sweepId, metric, { paths });
      const table = await this.tables.get(tableKey, async () => ({
        paths: paths.map((p) => p.join('.')),
        groups: pass.configs.map((c) => ({ groupHash: c.groupHash, trials: c.trials, keys: c.keys })),
        seeds: pass.seeds,
      }));
      return { table, pass, metrics: metricsOf(pass) };
    });
  }

  /**
   * A whole answer, kept while the sweep's results stay as they are (its version): from memory, else
   * from the sweep's board snapshot of that version, else computed. Answers go through JSON either way.
   */
  answer<T>(kind: string, sweepId: string, m: SweepMeta, args: unknown[], compute: () => Promise<T>): Promise<T> {
    const version = `${sweepId}:${m.version}`;
    const key = `${kind}:${JSON.stringify(args)}`;
    const answer = this.answers.get(`${version}|${key}`, async () => {
      const stored = await this.stored.get(version, () => this.snapshots.at(sweepId, m.version));
      if (stored && key in stored) return stored[key];
      // A visitor's, not the snapshot builder's own.
      if (!this.recordings.has(sweepId)) this.computedFor?.(sweepId);
      return compute();
    }) as Promise<T>;
    const recording = this.recordings.get(sweepId);
    return recording ? answer.then((a) => ((recording[key] = a), a)) : answer;
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
