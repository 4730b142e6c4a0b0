/**
 * The `tinysweep` program: global options, the commands, and the mapping of every outcome to an exit code
 * (0 ok, 1 runtime failure, 2 usage or validation error, 130 interrupted).
 *
 *   tinysweep submit sweep.yaml --watch
 *   tinysweep results <sweepId> --format csv > trials.csv
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { CommandHost } from './commands/command-host.js';
import { registerAdapter } from './commands/adapter.js';
import { registerCerts } from './commands/certs.js';
import { registerConfigs } from './commands/configs.js';
import { registerNodes } from './commands/nodes.js';
import { registerResults } from './commands/results.js';
import { registerSchedule } from './commands/schedule.js';
import { registerSteer } from './commands/steer.js';
import { registerSubmit } from './commands/submit.js';
import { registerToken } from './commands/token.js';
import { registerTrainer } from './commands/trainer.js';
import { registerUp } from './commands/up.js';
import { registerWatch } from './commands/watch.js';
import { createContext, println, type GlobalOptions, type Io } from './context.js';
import { ExitCode, exitCodeFor, formatError } from './exit-code.js';

/** The CLI's own version, from apps/cli/package.json (one level above both src/ and dist/). */
function cliVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export interface RunCliOptions {
  io?: Io;
  env?: NodeJS.ProcessEnv;
  /** Where Ctrl-C comes from. @defaultValue process */
  signals?: SignalSource;
}

/** The part of `process` that delivers SIGINT. */
export interface SignalSource {
  once(event: 'SIGINT', listener: () => void): unknown;
  off(event: 'SIGINT', listener: () => void): unknown;
}

export function createProgram(host: CommandHost, io: Io): Command {
  const program = new Command('tinysweep')
    .description('tinysweep — distributed sweeps for tiny adapters')
    .version(cliVersion(), '-V, --version')
    .option('--api <url>', 'API base URL (env TINYSWEEP_API_URL, default http://127.0.0.1:4100)')
    .option('--token <token>', 'bearer token for the API (env TINYSWEEP_API_TOKEN or TINYSWEEP_API_TOKEN_FILE; default for a local API: .data/api-token)')
    .option('--json', 'machine-readable JSON output')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerSubmit(program, host);
  registerWatch(program, host);
  registerResults(program, host);
  registerNodes(program, host);
  registerSchedule(program, host);
  registerConfigs(program, host);
  registerSteer(program, host);
  registerAdapter(program, host);
  registerCerts(program, host);
  registerTrainer(program, host);
  registerUp(program, host);
  registerToken(program, host);
  return program;
}

/** Parses `argv` (as in process.argv), runs the command and resolves to the exit code; never throws. */
export async function runCli(argv: readonly string[], opts: RunCliOptions = {}): Promise<number> {
  const io: Io = opts.io ?? { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
  const env = opts.env ?? process.env;
  const signals = opts.signals ?? process;
  let code: number = ExitCode.Ok;
  const host: CommandHost = {
    context: (cmd) => createContext(cmd.optsWithGlobals<GlobalOptions>(), io, env),
    exit: (c) => {
      code = c;
    },
    interruptible: async (run) => {
      const controller = new AbortController();
      const onInterrupt = (): void => controller.abort();
      signals.once('SIGINT', onInterrupt);
      try {
        return await run(controller.signal);
      } finally {
        signals.off('SIGINT', onInterrupt);
      }
    },
  };
  const program = createProgram(host, io);
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed the message or the help text.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    if (err instanceof Error && err.name === 'AbortError') return ExitCode.Interrupted;
    println(io.stderr, `error: ${formatError(err, env.TINYSWEEP_DEBUG === '1')}`);
    return exitCodeFor(err);
  }
}
