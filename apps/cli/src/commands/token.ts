/**
 * `tinysweep token create --role submit --name alice --store tokens.json`: add a random token to an
 * API token store (the file TINYSWEEP_API_TOKENS_FILE points the API at) and print it — the only time
 * it is shown; the store keeps its hash. The API reads the store when it starts.
 */
import { addToken, isRole, ROLES } from '@tinysweep/access';
import type { Command } from 'commander';
import { println } from '../context.js';
import { ExitCode } from '../exit-code.js';
import { UsageError } from '../usage-error.js';
import type { CommandHost } from './command-host.js';

interface CreateOptions {
  role: string;
  name: string;
  store: string;
}

export function registerToken(program: Command, host: CommandHost): void {
  const token = program.command('token').description('API tokens: create one in a token store');
  token
    .command('create')
    .description('add a random token to a token store (TINYSWEEP_API_TOKENS_FILE) and print it once')
    .requiredOption('--role <role>', `read | submit | admin | node`)
    .requiredOption('--name <name>', 'who holds it: recorded as the owner of what it submits')
    .requiredOption('--store <file>', 'the token store (created if missing, mode 0600)')
    .action((o: CreateOptions, cmd: Command) => {
      const ctx = host.context(cmd);
      if (!isRole(o.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')} (got "${o.role}")`);
      let created: string;
      try {
        created = addToken(o.store, o.name, o.role);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      if (ctx.json) println(ctx.io.stdout, JSON.stringify({ name: o.name, role: o.role, token: created, store: o.store }));
      else {
        println(ctx.io.stdout, created);
        println(ctx.io.stderr, `added ${o.name} (${o.role}) to ${o.store}; restart the API to pick it up. The token is not stored anywhere: keep it now.`);
      }
      host.exit(ExitCode.Ok);
    });
}
