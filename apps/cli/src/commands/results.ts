/**
 * `tinysweep results <sweepId> [--format table|csv|json] [--sort key] [--order asc|desc] [--limit N] [--all]
 * [--status s]`: a sweep's trials, best first by the sweep's metric unless `--sort` says otherwise.
 *
 * - table: rank, short trial id, status, seed, the parameters that vary (`adapter.rank=2`), metrics,
 *   trainable/effective parameter counts; the first 20 trials unless `--limit`/`--all`.
 * - csv: RFC 4180 with a header row; every trial (paged through with offset/limit) unless `--limit`.
 * - json: an array of Trial; every trial unless `--limit`.
 */
import { Option, type Command } from 'commander';
import { TRIAL_STATUSES, type SweepDetail, type Trial, type TrialPage, type TrialStatus } from '@tinysweep/api-types';
import { isTrialSortKey, TRIAL_SORT_KEYS, type SortOrder, type TrialSortKey } from '../api-types.js';
import { println, type CommandContext } from '../context.js';
import { trialsToCsv } from '../format/csv.js';
import { flattenParams, formatParamValue, unionKeys, varyingKeys } from '../format/flatten.js';
import { renderTrialsTable } from '../format/trials-table.js';
import { ExitCode } from '../exit-code.js';
import { UsageError } from '../usage-error.js';
import type { CommandHost } from './command-host.js';
import { parsePositiveInt } from './parse.js';

export type ResultsFormat = 'table' | 'csv' | 'json';

export interface ResultsOptions {
  /** @defaultValue 'table' (or 'json' with the global --json) */
  format?: ResultsFormat;
  /** @defaultValue `metrics.<the sweep's metric>` */
  sort?: string;
  /** @defaultValue best first for the sweep's metric, else ascending */
  order?: SortOrder;
  /** @defaultValue 20 for table, all for csv and json */
  limit?: number;
  /** Every trial, whatever the format. */
  all?: boolean;
  status?: TrialStatus;
}

/** Rows a table shows without --limit/--all. */
export const DEFAULT_TABLE_LIMIT = 20;
/** Constant parameters listed under a table before it says "…". */
const MAX_FIXED_SHOWN = 12;

export function registerResults(program: Command, host: CommandHost): void {
  program
    .command('results')
    .description("list a sweep's trials, best first")
    .argument('<sweepId>', 'sweep id')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .option('-s, --sort <key>', `sort key: ${TRIAL_SORT_KEYS.join(', ')} or metrics.<name> (default: the sweep's metric)`)
    .addOption(new Option('--order <order>', 'sort order (default: best first for the metric, else asc)').choices(['asc', 'desc']))
    .option('-n, --limit <n>', `at most n trials (default: ${DEFAULT_TABLE_LIMIT} for table, all for csv/json)`, parsePositiveInt)
    .option('-a, --all', 'every trial (pages through the whole sweep)')
    .addOption(new Option('--status <status>', 'only trials in this status').choices(TRIAL_STATUSES))
    .action(async (sweepId: string, opts: ResultsOptions, cmd: Command) => {
      const ctx = host.context(cmd);
      if (ctx.json) {
        if (cmd.getOptionValueSource('format') === 'cli' && opts.format !== 'json') {
          throw new UsageError(`--json conflicts with --format ${opts.format}`);
        }
        opts = { ...opts, format: 'json' };
      }
      host.exit(await host.interruptible((signal) => results(ctx, sweepId, opts, signal)));
    });
}

export async function results(ctx: CommandContext, sweepId: string, opts: ResultsOptions, signal?: AbortSignal): Promise<number> {
  const format = opts.format ?? 'table';
  if (opts.all && opts.limit !== undefined) throw new UsageError('use either --all or --limit, not both');
  if (opts.sort !== undefined && !isTrialSortKey(opts.sort)) {
    throw new UsageError(`unknown sort key '${opts.sort}': use ${TRIAL_SORT_KEYS.join(', ')} or metrics.<name>`);
  }

  const sweep = await ctx.api.getSweep(sweepId, signal);
  const primarySort: TrialSortKey = `metrics.${sweep.metric}`;
  const sort = (opts.sort as TrialSortKey | undefined) ?? primarySort;
  const order: SortOrder = opts.order ?? (sort === primarySort ? (sweep.maximize ? 'desc' : 'asc') : 'asc');
  const max = opts.all ? Number.POSITIVE_INFINITY : (opts.limit ?? (format === 'table' ? DEFAULT_TABLE_LIMIT : Number.POSITIVE_INFINITY));
  const page = await ctx.api.listAllTrials(sweepId, { sort, order, status: opts.status }, max, signal);

  const out = ctx.io.stdout;
  switch (format) {
    case 'json':
      println(out, JSON.stringify(page.items, null, 2));
      break;
    case 'csv':
      out.write(trialsToCsv(page.items, sweep.metric));
      break;
    case 'table':
      printTable(ctx, sweep, page, sort, order);
      break;
  }
  return ExitCode.Ok;
}

function printTable(ctx: CommandContext, sweep: SweepDetail, page: TrialPage, sort: string, order: SortOrder): void {
  const out = ctx.io.stdout;
  const { items } = page;
  println(out, `sweep ${sweep.name} (${sweep.id}) · ${sweep.status} · metric ${sweep.metric} (${sweep.maximize ? 'max' : 'min'})`);
  if (items.length === 0) {
    println(out, page.total === 0 ? 'no trials match' : `no trials in this range (${page.total} match)`);
    return;
  }
  println(out, `${items.length} of ${page.total} trials, sorted by ${sort} ${order}`);
  println(out, renderTrialsTable(items, { metric: sweep.metric }));
  const fixed = fixedParams(items);
  if (fixed.length > 0) {
    const shown = fixed.slice(0, MAX_FIXED_SHOWN).join(' ');
    println(out, `same in every row: ${shown}${fixed.length > MAX_FIXED_SHOWN ? ` … (+${fixed.length - MAX_FIXED_SHOWN}, see --format json)` : ''}`);
  }
}

/** `key=value` for each parameter that has one value across several trials (the columns the table omits). */
export function fixedParams(trials: readonly Trial[]): string[] {
  if (trials.length < 2) return [];
  const flat = trials.map((t) => flattenParams(t.params));
  const varying = new Set(varyingKeys(flat));
  return unionKeys(flat)
    .filter((k) => !varying.has(k))
    .map((k) => `${k}=${formatParamValue(flat[0]![k])}`);
}
