/** `tinysweep schedule add|ls|rm|run|pause|resume|runs`: re-run sweeps on a cron and see their verdicts. */
import type { Command } from 'commander';
import type { ScheduleInput } from '@tinysweep/api-types';
import { println, type CommandContext } from '../context.js';
import { ExitCode } from '../exit-code.js';
import { renderTable } from '../format/table.js';
import { UsageError } from '../usage-error.js';
import type { CommandHost } from './command-host.js';

interface AddOptions {
  cron: string;
  tz: string;
  mode: string;
  topK?: string;
  tolerance: string;
  extraSeeds: string;
  webhook?: string;
  name?: string;
}

function toNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number (got ${text})`);
  return n;
}

export function registerSchedule(program: Command, host: CommandHost): void {
  const schedule = program.command('schedule').description('re-run a sweep on a cron and flag drift');
  const run = async (cmd: Command, fn: (ctx: CommandContext, signal: AbortSignal) => Promise<number>) => {
    const ctx = host.context(cmd);
    host.exit(await host.interruptible((signal) => fn(ctx, signal)));
  };

  schedule
    .command('add <sweepId>')
    .description('reproduce <sweepId> on a cron (6 fields allowed: seconds first)')
    .requiredOption('--cron <expr>', 'cron expression, e.g. "0 3 * * *" (03:00 daily)')
    .option('--tz <zone>', 'IANA time zone', 'UTC')
    .option('--mode <mode>', 'full | top-k', 'full')
    .option('--top-k <k>', 'with --mode top-k: how many of the best configs')
    .option('--tolerance <x>', 'largest change of a config mean that still counts as reproduced', '0.02')
    .option('--extra-seeds <n>', 'fresh seeds added to each config', '0')
    .option('--webhook <url>', 'receives a JSON POST on drift')
    .option('--name <name>', 'a name for the schedule')
    .action(async (sweepId: string, o: AddOptions, cmd: Command) => {
      await run(cmd, async (ctx, signal) => {
        const body: ScheduleInput = {
          sweepId,
          cron: o.cron,
          timeZone: o.tz,
          mode: o.mode === 'top-k' ? 'top-k' : 'full',
          topK: toNumber('--top-k', o.topK),
          tolerance: toNumber('--tolerance', o.tolerance),
          extraSeeds: toNumber('--extra-seeds', o.extraSeeds),
          webhookUrl: o.webhook,
          name: o.name,
        };
        const s = await ctx.api.createSchedule(body, signal);
        println(ctx.io.stdout, ctx.json ? JSON.stringify(s, null, 2) : `schedule ${s.id} · ${s.cron} (${s.timeZone}) · next ${s.nextRunAt ?? '—'}`);
        return ExitCode.Ok;
      });
    });

  schedule
    .command('ls')
    .description('list schedules')
    .action(async (_o: unknown, cmd: Command) => {
      await run(cmd, async (ctx, signal) => {
        const items = await ctx.api.listSchedules(signal);
        if (ctx.json) println(ctx.io.stdout, JSON.stringify(items, null, 2));
        else if (items.length === 0) println(ctx.io.stdout, 'no schedules');
        else
          println(
            ctx.io.stdout,
            renderTable({
              head: ['id', 'name', 'cron', 'tz', 'mode', 'tolerance', 'last fired', 'next', 'state'],
              rows: items.map((s) => [
                s.id,
                s.name,
                s.cron,
                s.timeZone,
                s.mode === 'top-k' ? `top-${s.topK}` : 'full',
                String(s.tolerance),
                s.lastFiredAt ?? '—',
                s.nextRunAt ?? '—',
                s.paused ? 'paused' : 'active',
              ]),
            }),
          );
        return ExitCode.Ok;
      });
    });

  schedule
    .command('runs <scheduleId>')
    .description('reproduction runs of a schedule with their verdicts')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      await run(cmd, async (ctx, signal) => {
        const runs = await ctx.api.scheduleRuns(id, signal);
        if (ctx.json) println(ctx.io.stdout, JSON.stringify(runs, null, 2));
        else
          println(
            ctx.io.stdout,
            renderTable({ head: ['run', 'created', 'status', 'verdict'], rows: runs.map((r) => [r.id, r.createdAt, r.status, r.verdict ?? '…']) }),
          );
        return ExitCode.Ok;
      });
    });

  for (const [name, action, what] of [
    ['run', 'run', 'fire a schedule now, once'],
    ['pause', 'pause', 'stop a schedule ticking'],
    ['resume', 'resume', 'start a paused schedule again'],
  ] as const) {
    schedule
      .command(`${name} <scheduleId>`)
      .description(what)
      .action(async (id: string, _o: unknown, cmd: Command) => {
        await run(cmd, async (ctx, signal) => {
          await ctx.api.scheduleAction(id, action, signal);
          println(ctx.io.stdout, `schedule ${id}: ${name} ok`);
          return ExitCode.Ok;
        });
      });
  }

  schedule
    .command('rm <scheduleId>')
    .description('delete a schedule (its runs and verdicts stay)')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      await run(cmd, async (ctx, signal) => {
        await ctx.api.deleteSchedule(id, signal);
        println(ctx.io.stdout, `schedule ${id} deleted`);
        return ExitCode.Ok;
      });
    });
}
