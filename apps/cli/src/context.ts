/**
 * What every command gets: the API client built from the global options, the output streams and the
 * `--json` switch. Tests build one around captured streams.
 */
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
  /** The API bearer token in force (flag or env), if any. */
  token?: string;
  json: boolean;
  io: Io;
  env: NodeJS.ProcessEnv;
}

/** Resolves `--api` › `TINYSWEEP_API_URL` › default, and `--token` › `TINYSWEEP_API_TOKEN`. */
export function createContext(globals: GlobalOptions, io: Io, env: NodeJS.ProcessEnv): CommandContext {
  const apiUrl = nonEmpty(globals.api) ?? nonEmpty(env.TINYSWEEP_API_URL) ?? DEFAULT_API_URL;
  const token = nonEmpty(globals.token) ?? nonEmpty(env.TINYSWEEP_API_TOKEN);
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
