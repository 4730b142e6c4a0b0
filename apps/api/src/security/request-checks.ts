/**
 * Checks made on every request before routing, so that a web page the user happens to open can
 * neither drive the API (cross-site request forgery) nor read it through a re-pointed DNS name
 * (DNS rebinding), whether or not tokens are configured:
 *
 * - `Host` must name this API: a loopback name, an address it listens on, or TINYSWEEP_API_HOSTS.
 * - `Origin`, when a browser sends one, must be the API's own (the board's) or TINYSWEEP_API_ORIGINS.
 * - A request body must be JSON or YAML: a page can send text/plain or a form without asking the
 *   server first (a CORS "simple request"), never application/json.
 *
 * The decision is pure ({@link checkRequest}); {@link requestChecks} is its express middleware.
 */
import type { NextFunction, Request, Response } from 'express';
import { LONE_SURROGATE, unstorableText } from '@tinysweep/spec';
import ipaddr from 'ipaddr.js';

export const WRITE_CONTENT_TYPES = ['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'] as const;

export interface RequestPolicy {
  /** Lowercase host names and addresses (IPv6 without brackets) requests may name; '*' = any. */
  hosts: ReadonlySet<string> | '*';
  /** Origins (scheme://host[:port]) besides the API's own that may send requests. */
  origins: ReadonlySet<string>;
  /**
   * This machine's addresses now, for an API listening on every address: an interface that came up
   * (or changed its address) after the API started is one it listens on too.
   */
  localAddresses?: () => ReadonlySet<string>;
}

export interface RequestFacts {
  method: string;
  host: string | undefined;
  origin: string | undefined;
  contentType: string | undefined;
  /** Whether the request carries a body (Content-Length > 0 or chunked). */
  hasBody: boolean;
}

export interface Refusal {
  status: 403 | 415;
  message: string;
}

/** `example.com:4100` → `example.com`; `[::1]:4100` and `::1` → `::1`; lowercased, without a trailing dot. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  let name: string;
  if (h.startsWith('[')) name = h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  else if (h.indexOf(':') !== h.lastIndexOf(':')) name = h; // a bare IPv6 address (a bind address, not a Host header)
  else name = h.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

/** Whether a host name is loopback: `localhost` or an address in 127.0.0.0/8 or ::1. */
export function isLoopbackName(name: string): boolean {
  if (name === 'localhost') return true;
  if (!ipaddr.isValid(name)) return false;
  const addr = ipaddr.process(name);
  return addr.range() === 'loopback';
}

/** Why a request is refused, or null when it may go on. */
export function checkRequest(req: RequestFacts, policy: RequestPolicy): Refusal | null {
  if (req.host === undefined || req.host === '') return { status: 403, message: 'a Host header is required' };
  const name = hostName(req.host);
  if (policy.hosts !== '*' && !policy.hosts.has(name) && !isLoopbackName(name) && !policy.localAddresses?.().has(name)) {
    return { status: 403, message: `this API does not answer to the host name "${name}" (add it to TINYSWEEP_API_HOSTS if it is yours)` };
  }
  if (req.origin !== undefined) {
    let sameOrigin = false;
    let origin = req.origin;
    try {
      const u = new URL(req.origin);
      origin = u.origin;
      sameOrigin = (u.protocol === 'http:' || u.protocol === 'https:') && u.host === req.host.trim().toLowerCase();
    } catch {
      // "null" (sandboxed frames, file:) and garbage are never the API's own
    }
    if (!sameOrigin && !policy.origins.has(origin)) {
      return { status: 403, message: `requests from other origins are refused (Origin: ${req.origin.slice(0, 200)})` };
    }
  }
  if (req.hasBody && !['GET', 'HEAD'].includes(req.method)) {
    const type = (req.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (!(WRITE_CONTENT_TYPES as readonly string[]).includes(type)) {
      return { status: 415, message: `request bodies must be application/json or application/yaml${type ? ` (got ${type.slice(0, 100)})` : ' (no Content-Type given)'}` };
    }
  }
  return null;
}

/**
 * The first query parameter (name or value) holding text no store can keep: a NUL character (a
 * `%00`) or a lone surrogate. Postgres refuses such text with an error, which must be a 400 naming the
 * parameter, not a 500 from whichever statement it reached.
 */
export function unstorableQueryParam(query: unknown, prefix = ''): { path: string; message: string } | null {
  const bad = (s: string) => unstorableText(s) !== undefined;
  if (typeof query === 'string') return bad(query) ? { path: prefix, message: 'must not contain a NUL character (%00) or a lone surrogate' } : null;
  if (Array.isArray(query)) {
    for (const v of query) {
      const found = unstorableQueryParam(v, prefix);
      if (found) return found;
    }
    return null;
  }
  if (query !== null && typeof query === 'object') {
    for (const [k, v] of Object.entries(query)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (bad(k)) return { path: path.replaceAll('\u0000', '%00').replace(LONE_SURROGATE, '\ufffd'), message: 'the parameter name must not contain a NUL character (%00) or a lone surrogate' };
      const found = unstorableQueryParam(v, path);
      if (found) return found;
    }
  }
  return null;
}

/** The express middleware: refusals answer `{ statusCode, error, message }` like Nest's errors. */
export function requestChecks(policy: RequestPolicy) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const refusal = checkRequest(
      {
        method: req.method,
        host: req.headers.host,
        origin: req.headers.origin,
        contentType: req.headers['content-type'],
        hasBody: req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0,
      },
      policy,
    );
    if (refusal) {
      res.status(refusal.status).json({ statusCode: refusal.status, error: refusal.status === 403 ? 'Forbidden' : 'Unsupported Media Type', message: refusal.message });
      return;
    }
    const bad = unstorableQueryParam(req.query);
    if (bad) {
      res.status(400).json({ statusCode: 400, error: 'Bad Request', message: `${bad.path}: ${bad.message}`, issues: [bad] });
      return;
    }
    next();
  };
}
