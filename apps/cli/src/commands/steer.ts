/**
 * Steering a sweep that runs:
 *
 *   tinysweep cancel <sweepId>                          queued and running trials stop
 *   tinysweep retry <trialId>                           a finished trial runs again
 *   tinysweep extend <sweepId> --seeds 3,4              more replicates of every config
 *   tinysweep extend <sweepId> --set adapter.rank=4     more values of an axis (repeatable; a=1,2 adds two)
 *
 * New trials join the same sweep; the trials it has keep their results.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import { println, type CommandContext } from '../context.js';
import { ExitCode } from '../exit-code.js';
import { shortId } from '../format/numbers.js';
import { UsageError } from '../usage-error.js';
import type { CommandHost } from './command-host.js';
import { watchSweep } from './watch.js';

/** `3,4` → [3, 4]. */
export function parseSeeds(value: string): number[] {
  const seeds = value.split(',').map((s) => s.trim());
  if (seeds.some((s) => !/^\d+$/.test(s))) throw new InvalidArgumentError('must be comma-separated non-negative integers, e.g. 3,4');
  return seeds.map(Number);
}

/** `adapter.rank=4` or `optimizer.lr=0.01,0.02` → ['adapter.rank', [4]]; values read as YAML scalars. */
export function parseSet(value: string, previous: Array<[string, unknown[]]> = []): Array<[string, unknown[]]> {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new InvalidArgumentError('must be <path>=<value>[,<value>…], e.g. adapter.rank=4');
  const values = value
    .slice(eq + 1)
    .split(',')
    .map((v) => parseYaml(v.trim()) as unknown);
  return [...previous, [value.slice(0, eq).trim(), values]];
}

export function registerSteer(program: Command, host: CommandHost): void {
  program
    .command('cancel <sweepId>')
    .description("cancel a sweep's queued and running trials")
    .action(async (sweepId: string, _o: unknown, cmd: Command) => {
      const ctx = host.context(cmd);
      host.exit(await host.interruptible(async (signal) => {
        const r = await ctx.api.cancelSweep(sweepId, signal);
        if (ctx.json) println(ctx.io.stdout, JSON.stringify(r));
        else println(ctx.io.stdout, `sweep ${sweepId}: ${r.cancelled} trial${r.cancelled === 1 ? '' : 's'} cancelled`);
        return ExitCode.Ok;
      }));
    });

  program
    .command('retry <trialId>')
    .description('run a finished (succeeded, failed or cancelled) trial again')
    .action(async (trialId: string, _o: unknown, cmd: Command) => {
      const ctx = host.context(cmd);
      host.exit(await host.interruptible(async (signal) => {
        const t = await ctx.api.retryTrial(trialId, signal);
        if (ctx.json) println(ctx.io.stdout, JSON.stringify(t));
        else println(ctx.io.stdout, `trial ${shortId(t.id)} (sweep ${shortId(t.sweepId)}) queued again`);
        return ExitCode.Ok;
      }));
    });

  program
    .command('extend <sweepId>')
    .description('add trials to a grid or random sweep: more seeds, or more values of an axis')
    .option('--seeds <list>', 'seeds to add, e.g. 3,4', parseSeeds)
    .option('--set <path=values>', 'values joining an axis, e.g. adapter.rank=4 or optimizer.lr=0.01,0.02 (repeatable)', parseSet)
    .option('-w, --watch', 'watch the sweep afterwards')
    .action(async (sweepId: string, opts: { seeds?: number[]; set?: Array<[string, unknown[]]>; watch?: boolean }, cmd: Command) => {
      const ctx = host.context(cmd);
      host.exit(await host.interruptible((signal) => extend(ctx, sweepId, opts, signal)));
    });
}

export async function extend(ctx: CommandContext, sweepId: string, opts: { seeds?: number[]; set?: Array<[string, unknown[]]>; watch?: boolean }, signal?: AbortSignal): Promise<number> {
  if (!opts.seeds && !opts.set) throw new UsageError('extend needs --seeds and/or --set');
  const set = opts.set ? Object.fromEntries(opts.set.map(([path, values]) => [path, values])) : undefined;
  const r = await ctx.api.extendSweep(sweepId, { ...(opts.seeds ? { seeds: opts.seeds } : {}), ...(set ? { set } : {}) }, signal);
  if (ctx.json) println(ctx.io.stdout, JSON.stringify(r));
  else {
    const shared = r.sharedTrainings > 0 ? ` (${r.sharedTrainings} new training${r.sharedTrainings === 1 ? '' : 's'})` : '';
    println(ctx.io.stdout, `sweep ${sweepId}: ${r.added} trial${r.added === 1 ? '' : 's'} added${shared} · ${r.trialCount} in all · seeds ${r.seeds.join(',')}`);
  }
  return opts.watch ? watchSweep(ctx, sweepId, { signal }) : ExitCode.Ok;
}
