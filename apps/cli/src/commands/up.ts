/**
 * `tinysweep up`: run the whole local stack in the foreground — Postgres (migrated) and Redis unless
 * DATABASE_URL / REDIS_URL point elsewhere, then the API, the dispatcher and trainers — until Ctrl-C.
 *
 * The stack itself is `@tinysweep/stack` (LocalStack, ProcessGroup, startApps); this command only wires
 * it to flags and the terminal. The library is imported lazily, so the other commands don't load
 * Postgres/Prisma code. Apps must be built first (`npm run build`).
 *
 * Safe by default: the API gets random tokens kept in `<dataDir>` (api-token is the user's, role
 * admin; the CLI reads it, and the board opens signed in from the URL `up` prints), listens on
 * 127.0.0.1 only, and the local trainer runs `node` programs only, sandboxed. `--insecure-no-token`
 * runs the API without tokens (still loopback only, still refusing other origins).
 */
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { println, type CommandContext } from '../context.js';
import { ExitCode } from '../exit-code.js';
import { UsageError } from '../usage-error.js';
import type { CommandHost } from './command-host.js';
import { parsePositiveInt } from './parse.js';

export interface UpOptions {
  /** Folder for Postgres and Redis data and the logs. @defaultValue `.data` in the working directory */
  dataDir?: string;
  /** Port of the API; the other commands' default URL uses 4100. @defaultValue 4100 */
  apiPort?: number;
  /** Trainer processes to start. @defaultValue 1 */
  trainers?: number;
  /** Start the dispatcher. @defaultValue true */
  dispatcher?: boolean;
  /** Print the apps' output here (prefixed `[name] `) instead of writing `<dataDir>/logs/<name>.log`. @defaultValue false */
  followLogs?: boolean;
  /** Run the API without tokens (loopback only). @defaultValue false */
  insecureNoToken?: boolean;
  /** Folders trainers may read models and data from besides the working directory. @defaultValue [] */
  dataRoots?: string[];
  /** Programs the trainers' command backend may run. @defaultValue ['node'] */
  allowCommand?: string[];
}

export function registerUp(program: Command, host: CommandHost): void {
  program
    .command('up')
    .description('run the local stack (Postgres, Redis, API, dispatcher, trainers) until Ctrl-C')
    .option('--data-dir <dir>', 'data and logs folder', '.data')
    .option('--api-port <port>', 'API port', parsePositiveInt, 4100)
    .option('--trainers <n>', 'trainer processes', (v: string) => (v === '0' ? 0 : parsePositiveInt(v)), 1)
    .option('--no-dispatcher', "don't start the dispatcher")
    .option('--follow-logs', "print the apps' output here instead of to log files")
    .option('--data-roots <dirs>', 'comma-separated folders models and data may come from, besides this one', (v: string) => v.split(',').map((d) => d.trim()).filter(Boolean))
    .option('--allow-command <programs>', "programs the trainers' command backend may run, sandboxed (default node), e.g. node,python3", (v: string) => v.split(',').map((d) => d.trim()).filter(Boolean))
    .option('--insecure-no-token', 'run the API without tokens: every local user and program can drive it (it still listens on 127.0.0.1 only)')
    .action(async (opts: UpOptions, cmd: Command) => {
      host.exit(await up(host.context(cmd), opts));
    });
}

export async function up(ctx: CommandContext, opts: UpOptions = {}): Promise<number> {
  const { LocalStack, ProcessGroup, describeExit, startApps } = await import('@tinysweep/stack');
  const { dataDir, apiPort, trainers, dispatcher, followLogs, insecureNoToken, dataRoots, allowCommand } = {
    dataDir: '.data',
    apiPort: 4100,
    trainers: 1,
    dispatcher: true,
    followLogs: false,
    insecureNoToken: false,
    dataRoots: [] as string[],
    allowCommand: ['node'],
    ...opts,
  };
  if (!(await portIsFree(apiPort))) {
    throw new UsageError(`port ${apiPort} is already in use (is tinysweep already up?); pick another with --api-port`);
  }
  const err = ctx.io.stderr;
  const log = (message: string): void => println(err, `[up] ${message}`);
  const root = resolve(dataDir);
  const logDir = join(root, 'logs');

  const stack = new LocalStack();
  const group = new ProcessGroup({ logDir: followLogs ? undefined : logDir, output: ctx.io.stdout });
  // Ctrl-C / SIGTERM stop the apps (reverse order), then Redis and Postgres, and exit 130 / 143;
  // a second Ctrl-C kills everything at once.
  const removeSignals = group.forwardSignals({ onShutdown: () => stack.stop(), log });

  let crashed: string | undefined;
  try {
    log(`starting the stack in ${root}`);
    const urls = await stack.start({ dataDir: root, apiPort, log, tokens: !insecureNoToken, dataRoots });
    const apps = await startApps(group, { urls, trainers, dispatcher, appEnv: { trainer: { TINYSWEEP_ALLOW_COMMAND: allowCommand.join(',') } } });
    const stopped = new Promise<string>((resolveStopped) => {
      group.on('exit', (name, info, expected) => {
        if (!expected) resolveStopped(`${name} ${describeExit(info)}`);
      });
    });

    println(ctx.io.stdout, `tinysweep is up`);
    if (urls.secrets) {
      // The fragment never reaches a server or its logs; the board keeps the token and drops it from the address.
      println(ctx.io.stdout, `  board       ${urls.apiUrl}/#token=${urls.secrets.apiToken}`);
      const tokenFile = relative(process.cwd(), urls.secrets.tokenFile);
      const found = tokenFile === join('.data', 'api-token') ? 'the CLI reads it from there' : `export TINYSWEEP_API_TOKEN_FILE=${urls.secrets.tokenFile}`;
      println(ctx.io.stdout, `  token       ${urls.secrets.tokenFile}   (role admin, mode 0600; ${found})`);
    } else {
      println(ctx.io.stdout, `  board       ${urls.apiUrl}/`);
      println(ctx.io.stdout, `  token       none (--insecure-no-token): every local user and program can drive the API`);
    }
    println(ctx.io.stdout, `  api         ${urls.apiUrl}${urls.apiPort === 4100 ? '' : `   (export TINYSWEEP_API_URL=${urls.apiUrl})`}`);
    println(ctx.io.stdout, `  postgres    ${redact(urls.databaseUrl)}`);
    println(ctx.io.stdout, `  redis       ${urls.redisUrl}`);
    println(ctx.io.stdout, `  dispatcher  ${apps.dispatcher ? 'running' : 'not started'}`);
    println(ctx.io.stdout, `  trainers    ${apps.trainers.map((t) => `${t.name}@${t.address}`).join(', ') || 'none'}`);
    if (!followLogs) println(ctx.io.stdout, `  logs        ${logDir}`);
    println(ctx.io.stdout, 'Ctrl-C stops everything');

    crashed = await stopped;
    log(`${crashed}; stopping the stack${followLogs ? '' : ` (logs in ${logDir})`}`);
  } finally {
    removeSignals();
    await group.stopAll();
    await stack.stop();
  }
  return crashed === undefined ? ExitCode.Ok : ExitCode.Failure;
}

/** True when nothing listens on 127.0.0.1:`port`. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}

/** The database URL without its password. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.href;
  } catch {
    return url;
  }
}
