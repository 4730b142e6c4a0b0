/** `tinysweep nodes`: the registered trainer nodes, their slots and heartbeats. */
import type { Command } from 'commander';
import { println, type CommandContext } from '../context.js';
import { ExitCode } from '../exit-code.js';
import { renderNodesTable } from '../format/nodes-table.js';
import type { CommandHost } from './command-host.js';

export function registerNodes(program: Command, host: CommandHost): void {
  program
    .command('nodes')
    .description('list trainer nodes: slots, backends, heartbeat')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = host.context(cmd);
      host.exit(await host.interruptible((signal) => nodes(ctx, signal)));
    });
}

export async function nodes(ctx: CommandContext, signal?: AbortSignal): Promise<number> {
  const items = await ctx.api.listNodes(signal);
  const out = ctx.io.stdout;
  if (ctx.json) {
    println(out, JSON.stringify(items, null, 2));
    return ExitCode.Ok;
  }
  if (items.length === 0) {
    println(out, 'no trainer nodes registered (start one with `tinysweep up` or apps/trainer)');
    return ExitCode.Ok;
  }
  println(out, renderNodesTable(items));
  const alive = items.filter((n) => n.alive);
  const busy = alive.reduce((sum, n) => sum + n.busy, 0);
  const slots = alive.reduce((sum, n) => sum + n.slots, 0);
  println(out, `${items.length} node${items.length === 1 ? '' : 's'} · ${alive.length} alive · ${busy}/${slots} slots busy on live nodes`);
  return ExitCode.Ok;
}
