/**
 * RFC 4180 CSV: fields containing a comma, a double quote, CR or LF are wrapped in double quotes, with
 * inner quotes doubled; records end with CRLF.
 */
import type { Trial } from '@tinysweep/api-types';
import { flattenParams, formatParamValue, unionKeys } from './flatten.js';
import { metricNames } from './trials-table.js';

export const CSV_EOL = '\r\n';

export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(fields: readonly (string | number | boolean | null | undefined)[]): string {
  return fields.map(csvField).join(',') + CSV_EOL;
}

/** Fixed leading columns of the trials CSV, straight from {@link Trial}. */
const TRIAL_COLUMNS = [
  'id',
  'ordinal',
  'status',
  'seed',
  'configHash',
  'groupHash',
  'attempts',
  'trainerId',
  'trainableParams',
  'effectiveParams',
  'queuedAt',
  'startedAt',
  'finishedAt',
  'error',
  'reusedFromTrialId',
] as const satisfies readonly (keyof Trial)[];

/**
 * The trials as CSV with a header row: the fixed trial fields, then one `params.<dotted key>` column per
 * flattened parameter and one `metrics.<name>` column per metric seen in any trial (the prefixes keep a
 * parameter named like a fixed column apart from it). Metric values keep full precision.
 */
export function trialsToCsv(trials: readonly Trial[], primaryMetric?: string): string {
  const flat = trials.map((t) => flattenParams(t.params));
  const paramKeys = unionKeys(flat);
  const metrics = metricNames(trials, primaryMetric);
  let out = csvRecord([...TRIAL_COLUMNS, ...paramKeys.map((k) => `params.${k}`), ...metrics.map((m) => `metrics.${m}`)]);
  trials.forEach((trial, i) => {
    out += csvRecord([
      ...TRIAL_COLUMNS.map((column) => trial[column]),
      ...paramKeys.map((k) => formatParamValue(flat[i]![k])),
      ...metrics.map((m) => trial.metrics?.[m]),
    ]);
  });
  return out;
}
