import type { ConfigValues, JsonObject } from '@tinysweep/db';
import { summarise, type Summary } from '@tinysweep/stats';

/** A config of a sweep with its seed replicates summarised: how API, CLI and board compare configs. */
export interface ConfigSummary {
  groupHash: string;
  params: JsonObject;
  seeds: number[];
  trials: number;
  failed: number;
  /** Over succeeded replicates; null when none succeeded. */
  summary: Summary | null;
}

/** Summaries of every config, best mean first (configs with no result last). */
export function summariseConfigs(configs: readonly ConfigValues[], maximize: boolean): ConfigSummary[] {
  const out = configs.map((c) => ({
    groupHash: c.groupHash,
    params: c.params,
    seeds: c.seeds,
    trials: c.trials,
    failed: c.failed,
    summary: c.values.length > 0 ? summarise(c.values) : null,
  }));
  const key = (c: ConfigSummary) => (c.summary ? (maximize ? -c.summary.mean : c.summary.mean) : Number.POSITIVE_INFINITY);
  return out.sort((a, b) => key(a) - key(b));
}
