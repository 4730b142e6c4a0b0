/**
 * The one error type the API client throws: an HTTP error answer, an unreachable server, a timeout, or a
 * body that is not the JSON the contract promises.
 */

export interface ApiIssue {
  /** Where in the request the problem is, e.g. `adapter.rank[1]`; empty for the whole document. */
  path: string;
  message: string;
}

export interface ApiErrorOptions {
  /** HTTP status; undefined when no answer arrived (unreachable, timeout). */
  status?: number;
  issues?: ApiIssue[];
  method?: string;
  url?: string;
  /** Network error code (`ECONNREFUSED`, `ENOTFOUND`, …) when the server could not be reached. */
  code?: string;
  cause?: unknown;
}

/** Network error codes meaning "nothing answered at that address". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

export class ApiError extends Error {
  readonly status: number | undefined;
  readonly issues: ApiIssue[];
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly code: string | undefined;

  constructor(message: string, opts: ApiErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = this.constructor.name;
    this.status = opts.status;
    this.issues = opts.issues ?? [];
    this.method = opts.method;
    this.url = opts.url;
    this.code = opts.code;
  }

  /** True when the request never got an HTTP answer. */
  get unreachable(): boolean {
    return this.status === undefined && this.code !== undefined && UNREACHABLE_CODES.has(this.code);
  }

  /**
   * Human-readable, multi-line description: status and message on the first line, then one
   * `path: message` line per issue, then a hint where one helps.
   */
  format(): string {
    const head = this.status === undefined ? this.message : `${this.message} (HTTP ${this.status})`;
    const lines = [head];
    for (const issue of this.issues) lines.push(`  ${issue.path === '' ? '(spec)' : issue.path}: ${issue.message}`);
    if (this.status === 401) lines.push(`  hint: pass --token, or set TINYSWEEP_API_TOKEN or TINYSWEEP_API_TOKEN_FILE (a local 'tinysweep up' writes .data/api-token)`);
    if (this.status === 403 && /token/.test(this.message)) lines.push("  hint: this token's role does not allow it (roles: read, submit, admin)");
    return lines.join('\n');
  }

  /** Builds the error for a non-2xx answer from its status and (already read) body text. */
  static fromResponse(status: number, bodyText: string, opts: { method?: string; url?: string } = {}): ApiError {
    const parsed = parseErrorBody(bodyText);
    const message = parsed.message ?? defaultMessage(status);
    return new ApiError(message, { ...opts, status, issues: parsed.issues });
  }

  /** Wraps a `fetch` failure (no HTTP answer) for `baseUrl`. */
  static fromNetworkError(err: unknown, baseUrl: string, opts: { method?: string; url?: string } = {}): ApiError {
    const code = networkErrorCode(err);
    if (code !== undefined && UNREACHABLE_CODES.has(code)) {
      return new ApiError(`cannot reach the tinysweep API at ${baseUrl} — is \`tinysweep up\` running? (${code})`, {
        ...opts,
        code,
        cause: err,
      });
    }
    const detail = err instanceof Error ? err.message : String(err);
    return new ApiError(`request to the tinysweep API at ${baseUrl} failed: ${detail}${code ? ` (${code})` : ''}`, {
      ...opts,
      code,
      cause: err,
    });
  }
}

/** Finds a Node/undici error code anywhere in an error's cause chain (or inside an AggregateError). */
export function networkErrorCode(err: unknown, depth = 0): string | undefined {
  if (depth > 5 || err === null || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  const fromCause = networkErrorCode(e.cause, depth + 1);
  if (fromCause !== undefined) return fromCause;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors) {
      const code = networkErrorCode(inner, depth + 1);
      if (code !== undefined) return code;
    }
  }
  return undefined;
}

function defaultMessage(status: number): string {
  switch (status) {
    case 400:
      return 'bad request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not found';
    case 409:
      return 'conflict';
    case 413:
      return 'request too large';
    default:
      return status >= 500 ? 'API server error' : `request failed`;
  }
}

/**
 * Reads `{ message, issues }` (our contract) and tolerates Nest's default shapes: `message` as an array
 * of strings (class-validator) or a bare `error` field. Non-JSON bodies give their first line.
 */
function parseErrorBody(text: string): { message?: string; issues: ApiIssue[] } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const firstLine = text.trim().split('\n')[0]?.trim() ?? '';
    return { message: firstLine === '' ? undefined : firstLine.slice(0, 200), issues: [] };
  }
  if (body === null || typeof body !== 'object') return { issues: [] };
  const b = body as { message?: unknown; error?: unknown; issues?: unknown };
  let message: string | undefined;
  const issues: ApiIssue[] = [];
  if (typeof b.message === 'string') message = b.message;
  else if (Array.isArray(b.message)) {
    const parts = b.message.filter((m): m is string => typeof m === 'string');
    if (parts.length > 0) message = parts.join('; ');
  } else if (typeof b.error === 'string') message = b.error;
  if (Array.isArray(b.issues)) {
    for (const raw of b.issues) {
      if (raw === null || typeof raw !== 'object') continue;
      const i = raw as { path?: unknown; message?: unknown };
      const path = Array.isArray(i.path) ? formatPath(i.path) : typeof i.path === 'string' ? i.path : '';
      issues.push({ path, message: typeof i.message === 'string' ? i.message : 'invalid' });
    }
  }
  return { message, issues };
}

/** Turns a zod-style path array (`['adapter', 'rank', 1]`) into `adapter.rank[1]`. */
export function formatPath(path: readonly unknown[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
