/** What the board's charts read: configs with seeds as replicates, facets, aggregates, Pareto fronts, series, curves. */
import type { JsonObject, Metrics } from './json.js';
import type { TrialStatus } from './status.js';

export type Ci95 = [number, number] | null;

/** A metric over one config's seed replicates (or any set of values). */
export interface ReplicateSummary {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); null with one replicate. */
  std: number | null;
  min: number;
  max: number;
  /** Student-t 95% interval of the mean over seeds: how far another seed may move it; null under 3 replicates. */
  ci95: Ci95;
  /**
   * For an accuracy (each replicate measured on `eval_n` held-out items): the 95% Wilson interval of
   * all hits over all items of all seeds, inside [0, 1]. Null for other metrics.
   */
  pooled?: PooledProportion | null;
}

/** An accuracy pooled over its replicates' held-out items. */
export interface PooledProportion {
  hits: number;
  items: number;
  ci95: [number, number];
}

/** `GET /sweeps/:id/configs` items: a config (trials differing only in seed), its replicates summarised. */
export interface ConfigSummary {
  groupHash: string;
  /** The config's params, the seed left out. */
  params: JsonObject;
  /** `path=value` of the parameters that tell this config apart from the sweep's other configs. */
  label: string;
  /** Those parameters, as the text the trials table filters on. */
  config: Record<string, string | null>;
  /** Trials of the config, whatever their status; `failed` of them failed. */
  trials: number;
  failed: number;
  /** Seeds of the replicates that have the metric. */
  seeds: number[];
  /** Over the replicates with the metric; null: no replicate has the metric (yet). */
  summary: ReplicateSummary | null;
  /** With ?values=true. */
  values?: { trialId: string; seed: number; value: number }[];
}

/** `GET /sweeps/:id/configs`: configs ranked by mean, those with a result (`withResult`) first, a page at a time. */
export interface ConfigPage {
  metric: string;
  maximize: boolean;
  total: number;
  withResult: number;
  offset: number;
  items: ConfigSummary[];
}

export interface FacetValue {
  value: string | null;
  count: number;
}

export interface ParamFacet {
  path: string;
  distinct: number;
  values: FacetValue[];
  numeric: { min: number; max: number } | null;
}

/** `GET /sweeps/:id/facets`: the sweep's parameters (dotted paths) with their distinct values, and its metric names. */
export interface Facets {
  metric: string;
  maximize: boolean;
  metrics: string[];
  curveMetrics: string[];
  params: ParamFacet[];
}

export interface Pooled {
  n: number;
  mean: number;
  std: number | null;
  min: number;
  max: number;
  /** Configs among the trials. */
  configs: number;
  ci95: Ci95;
}

export interface GridCell extends Pooled {
  x: string | null;
  y: string | null;
}

/** `GET /sweeps/:id/aggregate`: the metric pooled by the values of x (and y). */
export interface Aggregate {
  metric: string;
  maximize: boolean;
  /** null: no parameter of the sweep varies. */
  x: string | null;
  y: string | null;
  cells: GridCell[];
}

export type ScatterPoint = [number, number, string] | [number, number, number];

/** A trial on a scatter's Pareto front (x may be 0: a front trial a log axis cannot draw). */
export interface ScatterFrontPoint {
  x: number;
  y: number;
  trialId: string;
  ordinal: number;
  params: JsonObject;
}

/** One adapter method (`params.adapter.method`, `tinylora` when absent) of a scatter: its trials and its own front. */
export interface ScatterMethod {
  method: string;
  total: number;
  front: ScatterFrontPoint[];
}

export interface Scatter {
  column: 'trainable' | 'effective';
  total: number;
  zeroCount: number;
  binned: boolean;
  points: ScatterPoint[];
  /** The front over every trial (all methods). */
  front: ScatterFrontPoint[];
  /** When the trials have more than one adapter method: each, by name, with its front; else empty. */
  methods: ScatterMethod[];
  /** With `methods`: each point's index into it (parallel to `points`); else absent. */
  pointMethod?: number[];
}

/**
 * `GET /sweeps/:id/importance`: each varied parameter's share of the variance of a random-forest
 * surrogate of the metric over the sweep's space (fANOVA main effects), largest first.
 */
export interface ParameterImportanceView {
  metric: string;
  maximize: boolean;
  method: 'fanova-random-forest';
  /** Finished configurations (seeds pooled) the surrogate was fitted to. */
  configs: number;
  /** The fewest finished configurations it fits a surrogate to; with fewer, `importance` is empty. */
  minConfigs: number;
  /** What the main effects leave: interactions between parameters. */
  interactions: number;
  importance: { path: string; importance: number }[];
}

/** `GET /sweeps/:id/pareto`: the metric against trainable and against effective parameters, each with its front. */
export interface Pareto {
  metric: string;
  maximize: boolean;
  trainable: Scatter;
  effective: Scatter;
}

export interface SeriesLine {
  /** `path=value` of what tells this line's config apart from the other lines shown. */
  label: string;
  config: Record<string, string | null>;
  /** The line's best pooled mean. */
  best: number;
  points: (Pooled & { x: string | null })[];
}

/** `GET /sweeps/:id/series`: the metric against one parameter, one line per config, seeds pooled. */
export interface Series {
  metric: string;
  maximize: boolean;
  x: string | null;
  present: boolean;
  configs: number;
  lines: SeriesLine[];
}

export interface TrialCurve {
  trialId: string;
  ordinal: number;
  status: TrialStatus;
  params: JsonObject;
  metrics: Metrics | null;
  stored: number;
  points: { step: number; metrics: Metrics }[];
}

/** `GET /sweeps/:id/curves`: learning curves of the trials asked for, or of the best ones. */
export interface Curves {
  chosen: 'given' | 'best';
  trials: TrialCurve[];
}
