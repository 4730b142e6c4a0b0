/**
 * `tinysweep configs <sweepId>`: seeds as replicates — each config's mean, best first, with two
 * intervals that answer different questions: for an accuracy, the pooled 95% Wilson interval of all
 * hits over all held-out items of all seeds (how precisely the config's accuracy is measured); and
 * the seed-to-seed spread (std, and the 95% t-interval of the mean over seeds from 3 seeds on).
 */
import type { Command } from 'commander';
import { println, type CommandContext } from '../context.js';
import { ExitCode } from '../exit-code.js';
import { flattenParams, formatParamValue, varyingKeys } from '../format/flatten.js';
import { formatMetric } from '../format/numbers.js';
import { renderTable } from '../format/table.js';
import type { CommandHost } from './command-host.js';

export function registerConfigs(program: Command, host: CommandHost): void {
  program
    .command('configs <sweepId>')
    .description("a sweep's configs with their seed replicates summarised (mean, pooled Wilson interval for accuracies, seed spread), best first")
    .action(async (sweepId: string, _o: unknown, cmd: Command) => {
      const ctx = host.context(cmd);
      host.exit(await host.interruptible((signal) => configs(ctx, sweepId, signal)));
    });
}

export async function configs(ctx: CommandContext, sweepId: string, signal?: AbortSignal): Promise<number> {
  const page = await ctx.api.sweepConfigs(sweepId, signal);
  if (ctx.json) {
    println(ctx.io.stdout, JSON.stringify(page, null, 2));
    return ExitCode.Ok;
  }
  const flat = page.items.map((c) => flattenParams(c.params));
  const keys = varyingKeys(flat);
  const interval = (ci: [number, number] | null | undefined) => (ci ? `[${formatMetric(ci[0])}, ${formatMetric(ci[1])}]` : '—');
  const pooled = page.items.some((c) => c.summary?.pooled);
  println(
    ctx.io.stdout,
    renderTable({
      head: ['#', ...keys, 'seeds', `${page.metric} mean`, ...(pooled ? ['pooled 95% (Wilson)', 'items'] : []), 'std over seeds', 't 95% over seeds', 'failed'],
      align: ['right', ...keys.map(() => 'left' as const), 'right', 'right', ...(pooled ? (['right', 'right'] as const) : []), 'right', 'right', 'right'],
      rows: page.items.map((c, i) => [
        String(i + 1),
        ...keys.map((k) => formatParamValue(flat[i]![k])),
        String(c.summary?.n ?? 0),
        c.summary ? formatMetric(c.summary.mean) : '—',
        ...(pooled ? [interval(c.summary?.pooled?.ci95), c.summary?.pooled ? String(c.summary.pooled.items) : '—'] : []),
        c.summary?.std === null || c.summary === null ? '—' : formatMetric(c.summary.std),
        interval(c.summary?.ci95),
        String(c.failed),
      ]),
    }),
  );
  const notes = [
    ...(pooled ? [`pooled 95% (Wilson): all hits over all held-out items of all seeds — how precisely each accuracy is measured`] : []),
    't 95% over seeds: Student-t interval of the mean over seeds — how far another seed may move it (from 3 seeds; — below)',
  ];
  println(ctx.io.stdout, notes.join('\n'));
  return ExitCode.Ok;
}
