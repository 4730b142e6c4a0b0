/**
 * What every command gets: the API client built from the global options, the output streams and the
 * `--json` switch. Tests build one around captured streams.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, DEFAULT_API_URL } from './api-client.js';
import { UsageError } from './usage-error.js';

/** A writable text stream; `isTTY` and `columns` as on `process.stdout`. */
export type Output = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface Io {
  stdout: Output;
  stderr: Output;
  stdin: NodeJS.ReadableStream;
}

export interface GlobalOptions {
  api?: string;
  token?: string;
  json?: boolean;
}

export interface CommandContext {
  api: ApiClient;
  /** Base URL the client talks to (after flag/env/default resolution). */
  apiUrl: string;
  /** The API bearer token in force (flag, env or token file), if any. */
  token?: string;
  json: boolean;
  io: Io;
  env: NodeJS.ProcessEnv;
}

/** Where `tinysweep up` keeps the local stack's token (in its default data folder, `.data`). */
export const LOCAL_TOKEN_FILE = join('.data', 'api-token');

/**
 * The token: `--token` › TINYSWEEP_API_TOKEN › the file TINYSWEEP_API_TOKEN_FILE names › for an API
 * on this machine (a loopback URL), `.data/api-token` in the working directory, which `tinysweep up`
 * writes. A local stack's token is never sent to another host.
 */
export function resolveToken(globals: GlobalOptions, env: NodeJS.ProcessEnv, apiUrl: string, cwd = process.cwd()): string | undefined {
  const given = nonEmpty(globals.token) ?? nonEmpty(env.TINYSWEEP_API_TOKEN);
  if (given) return given;
  const named = nonEmpty(env.TINYSWEEP_API_TOKEN_FILE);
  if (named) {
    if (!existsSync(named)) throw new UsageError(`TINYSWEEP_API_TOKEN_FILE: ${named} does not exist`);
    return nonEmpty(readFileSync(named, 'utf8'));
  }
  const local = join(cwd, LOCAL_TOKEN_FILE);
  return isLoopbackUrl(apiUrl) && existsSync(local) ? nonEmpty(readFileSync(local, 'utf8')) : undefined;
}

function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** Resolves `--api` › `TINYSWEEP_API_URL` › default, and the token (see resolveToken). */
export function createContext(globals: GlobalOptions, io: Io, env: NodeJS.ProcessEnv): CommandContext {
  const apiUrl = nonEmpty(globals.api) ?? nonEmpty(env.TINYSWEEP_API_URL) ?? DEFAULT_API_URL;
  const token = resolveToken(globals, env, apiUrl);
  let api: ApiClient;
  try {
    api = new ApiClient({ baseUrl: apiUrl, token });
  } catch (err) {
    throw new UsageError(`invalid API URL '${apiUrl}' (from ${globals.api ? '--api' : 'TINYSWEEP_API_URL'}): ${(err as Error).message}`);
  }
  return { api, apiUrl: api.baseUrl, token, json: globals.json === true, io, env };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Writes `text` plus a newline. */
export function println(out: Output, text = ''): void {
  out.write(`${text}\n`);
}
