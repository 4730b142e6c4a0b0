/** `tinysweep configs <sweepId>`: seeds as replicates — each config's mean, std and 95% CI, best first. */
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
    .description("a sweep's configs with their seed replicates summarised (mean ± 95% CI), best first")
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
  const ci = (x: number | null) => (x === null ? '—' : formatMetric(x));
  println(
    ctx.io.stdout,
    renderTable({
      head: ['#', ...keys, 'seeds', `${page.metric} mean`, 'std', '95% CI', 'failed'],
      align: ['right', ...keys.map(() => 'left' as const), 'right', 'right', 'right', 'right', 'right'],
      rows: page.items.map((c, i) => [
        String(i + 1),
        ...keys.map((k) => formatParamValue(flat[i]![k])),
        String(c.summary?.n ?? 0),
        c.summary ? formatMetric(c.summary.mean) : '—',
        c.summary?.std === null || c.summary === null ? '—' : formatMetric(c.summary.std),
        c.summary?.ci95 ? `[${ci(c.summary.ci95[0])}, ${ci(c.summary.ci95[1])}]` : '—',
        String(c.failed),
      ]),
    }),
  );
  return ExitCode.Ok;
}
