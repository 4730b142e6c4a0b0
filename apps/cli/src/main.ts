/**
 * Entry point of the `tinysweep` command (bin/tinysweep.js imports the built dist/main.js).
 *
 *   tinysweep --help
 */
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv);
