/**
 * `tinysweep adapter <trialId> [--format peft-lora|merged|tinysweep] [-o dir]`: a trial's adapter, in a
 * form other tools load — a PEFT LoRA directory (PEFT, transformers, vLLM), the base HF model with the
 * adapter merged in, or tinysweep's own adapter file — written into a directory.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ADAPTER_FORMATS, type AdapterFormat } from '@tinysweep/api-types';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import * as tar from 'tar';
import { println, type CommandContext } from '../context.js';
import { ExitCode } from '../exit-code.js';
import { shortId } from '../format/numbers.js';
import type { CommandHost } from './command-host.js';

function parseFormat(value: string): AdapterFormat {
  if (!(ADAPTER_FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${ADAPTER_FORMATS.join(', ')}`);
  return value as AdapterFormat;
}

export function registerAdapter(program: Command, host: CommandHost): void {
  program
    .command('adapter <trialId>')
    .description("write a trial's adapter: a PEFT LoRA directory, the merged HF model, or the tinysweep adapter file")
    .option('--format <format>', `${ADAPTER_FORMATS.join(' | ')}`, parseFormat, 'peft-lora' as AdapterFormat)
    .option('-o, --out <dir>', 'directory to write into (default: ./<trial>-<format>)')
    .action(async (trialId: string, opts: { format: AdapterFormat; out?: string }, cmd: Command) => {
      const ctx = host.context(cmd);
      host.exit(await host.interruptible((signal) => adapter(ctx, trialId, opts, signal)));
    });
}

export async function adapter(ctx: CommandContext, trialId: string, opts: { format: AdapterFormat; out?: string }, signal?: AbortSignal): Promise<number> {
  const dir = resolve(opts.out ?? `${shortId(trialId)}-${opts.format}`);
  const { body } = await ctx.api.downloadAdapter(trialId, opts.format, signal);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  if (opts.format === 'tinysweep') {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    await writeFile(join(dir, 'adapter.json'), Buffer.concat(chunks));
    files.push('adapter.json');
  } else {
    // node-tar refuses absolute paths and `..` in entries: nothing lands outside `dir`.
    await pipeline(body, tar.extract({ cwd: dir, strict: true, onReadEntry: (e) => void files.push(e.path) }));
  }
  if (ctx.json) println(ctx.io.stdout, JSON.stringify({ dir, format: opts.format, files }));
  else println(ctx.io.stdout, `${opts.format} adapter of trial ${shortId(trialId)} written to ${dir}: ${files.join(', ')}`);
  return ExitCode.Ok;
}
