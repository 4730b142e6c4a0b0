/** What the program gives each command's action (see cli.ts). */
import type { Command } from 'commander';
import type { CommandContext } from '../context.js';

export interface CommandHost {
  /** Context built from the command's options merged with the global ones (`--api`, `--token`, `--json`). */
  context(cmd: Command): CommandContext;
  /** Records the exit code the command ended with. */
  exit(code: number): void;
  /** Runs `run` with a signal that aborts on Ctrl-C (SIGINT) while it runs. */
  interruptible<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T>;
}
