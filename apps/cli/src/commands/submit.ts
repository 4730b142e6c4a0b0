/**
 * `tinysweep submit <spec.yaml|spec.json|-> [--watch]`: post a sweep spec to the API and print the new
 * sweep's id, name and trial count. The file's text is sent as written (YAML or JSON); it is only parsed
 * here to report syntax errors with line numbers before the request. A spec the API rejects prints each
 * `field.path: reason` and exits with code 2.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { parseDocument } from 'yaml';
import type { SpecContentType } from '../api-client.js';
import type { SubmitSweepResult } from '@tinysweep/api-types';
import { println, type CommandContext } from '../context.js';
import { ExitCode } from '../exit-code.js';
import { UsageError } from '../usage-error.js';
import type { CommandHost } from './command-host.js';
import { parsePositiveInt } from './parse.js';
import { watchSweep } from './watch.js';

export interface SubmitOptions {
  /** Continue as `tinysweep watch` on the new sweep. */
  watch?: boolean;
  /** Print only the sweep id. */
  quiet?: boolean;
  /** Rows in the watch table. @defaultValue 10 */
  top?: number;
  signal?: AbortSignal;
}

export interface SpecSource {
  text: string;
  contentType: SpecContentType;
  /** File name (or `stdin`) for messages. */
  label: string;
}

export function registerSubmit(program: Command, host: CommandHost): void {
  program
    .command('submit')
    .description('submit a sweep spec (YAML or JSON; - reads stdin)')
    .argument('<spec>', 'spec file: .yaml, .yml or .json, or - for stdin')
    .option('-w, --watch', 'keep watching the sweep after submitting it')
    .option('-q, --quiet', 'print only the sweep id')
    .option('--top <n>', 'rows in the top-trials table with --watch', parsePositiveInt, 10)
    .action(async (spec: string, opts: { watch?: boolean; quiet?: boolean; top: number }, cmd: Command) => {
      const ctx = host.context(cmd);
      host.exit(await host.interruptible((signal) => submit(ctx, spec, { ...opts, signal })));
    });
}

export async function submit(ctx: CommandContext, specPath: string, opts: SubmitOptions = {}): Promise<number> {
  const source = await readSpec(specPath, ctx.io.stdin);
  checkSyntax(source);
  const result = await ctx.api.submitSweep(source.text, source.contentType, opts.signal);
  printSubmitted(ctx, result, opts);
  if (!opts.watch) return ExitCode.Ok;
  return watchSweep(ctx, result.id, { top: opts.top, signal: opts.signal });
}

function printSubmitted(ctx: CommandContext, result: SubmitSweepResult, opts: SubmitOptions): void {
  const out = ctx.io.stdout;
  if (ctx.json) return println(out, JSON.stringify(result));
  if (opts.quiet) return println(out, result.id);
  const collapsed = result.duplicatesCollapsed > 0 ? ` (${result.duplicatesCollapsed} duplicate configs collapsed)` : '';
  println(out, `submitted sweep ${result.name}`);
  println(out, `  id      ${result.id}`);
  println(out, `  trials  ${result.trialCount}${collapsed}`);
  println(out, `  status  ${result.status}`);
  if (!opts.watch) println(out, `follow it with: tinysweep watch ${result.id}`);
}

/** Reads the spec text and decides how to send it: by extension, else by its first character. */
export async function readSpec(specPath: string, stdin: NodeJS.ReadableStream): Promise<SpecSource> {
  let text: string;
  const label = specPath === '-' ? 'stdin' : specPath;
  if (specPath === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    try {
      text = await readFile(specPath, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UsageError(`spec file not found: ${specPath}`);
      if (code === 'EISDIR') throw new UsageError(`spec path is a directory: ${specPath}`);
      throw new UsageError(`cannot read spec file ${specPath}: ${(err as Error).message}`);
    }
  }
  if (text.trim() === '') throw new UsageError(`${label}: the spec is empty`);
  return { text, contentType: specContentType(specPath, text), label };
}

export function specContentType(specPath: string, text: string): SpecContentType {
  const ext = extname(specPath).toLowerCase();
  if (ext === '.json') return 'application/json';
  if (ext === '.yaml' || ext === '.yml') return 'application/yaml';
  return text.trimStart().startsWith('{') ? 'application/json' : 'application/yaml';
}

/** Throws a UsageError naming line and column when the text is not one JSON object or YAML mapping. */
export function checkSyntax(source: SpecSource): void {
  if (source.contentType === 'application/json') {
    let value: unknown;
    try {
      value = JSON.parse(source.text);
    } catch (err) {
      throw new UsageError(`${source.label}: not valid JSON: ${(err as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new UsageError(`${source.label}: a sweep spec must be a JSON object`);
    }
    return;
  }
  const doc = parseDocument(source.text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.slice(0, 5).map((e) => {
      const pos = e.linePos?.[0];
      const where = pos ? `${source.label}:${pos.line}:${pos.col}` : source.label;
      // The position is already in front; drop yaml's own "at line L, column C:" suffix.
      const message = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      return `${where}: ${message}`;
    });
    throw new UsageError(`invalid YAML\n  ${lines.join('\n  ')}`);
  }
  const value: unknown = doc.toJS();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${source.label}: a sweep spec must be a YAML mapping (key: value pairs)`);
  }
}
