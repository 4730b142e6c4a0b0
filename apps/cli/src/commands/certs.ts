/** `tinysweep certs`: a development CA and certificates for mutual TLS between dispatchers and trainers. */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { println, type CommandContext } from '../context.js';
import { ExitCode } from '../exit-code.js';
import type { CommandHost } from './command-host.js';

export function registerCerts(program: Command, host: CommandHost): void {
  program
    .command('certs')
    .description('make a dev CA and certificates for dispatcher ⇄ trainer mutual TLS')
    .option('--out <dir>', 'where to write them', '.data/pki')
    .option('--hosts <list>', 'comma-separated names and IPs the trainer certificate is valid for', 'localhost,127.0.0.1')
    .action(async (o: { out: string; hosts: string }, cmd: Command) => {
      const ctx = host.context(cmd);
      host.exit(await certs(ctx, resolve(o.out), o.hosts.split(',').map((h) => h.trim()).filter(Boolean)));
    });
}

export async function certs(ctx: CommandContext, dir: string, hosts: string[]): Promise<number> {
  // Loaded only here: the PKI code is not needed by any other command.
  const { writeDevPki } = await import('@tinysweep/tls');
  const pki = await writeDevPki(dir, hosts);
  const out = ctx.io.stdout;
  if (ctx.json) {
    println(out, JSON.stringify(pki, null, 2));
    return ExitCode.Ok;
  }
  println(out, `wrote a dev CA and certificates to ${dir} (trainer valid for ${hosts.join(', ')})`);
  println(out, '\non each trainer node (copy ca.pem, trainer.pem, trainer-key.pem there):');
  println(out, `  TINYSWEEP_TLS_CA=${pki.trainer.ca} TINYSWEEP_TLS_CERT=${pki.trainer.cert} TINYSWEEP_TLS_KEY=${pki.trainer.key}`);
  println(out, '\nfor the dispatcher:');
  println(out, `  TINYSWEEP_TLS_CA=${pki.dispatcher.ca} TINYSWEEP_TLS_CERT=${pki.dispatcher.cert} TINYSWEEP_TLS_KEY=${pki.dispatcher.key}`);
  println(out, '\nkeep ca-key.pem off the trainers: it signs new certificates.');
  return ExitCode.Ok;
}
