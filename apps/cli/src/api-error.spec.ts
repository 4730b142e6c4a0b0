import { describe, expect, it } from 'vitest';
import { ApiError, formatPath, networkErrorCode } from './api-error.js';
import { exitCodeFor, formatError } from './exit-code.js';
import { UsageError } from './usage-error.js';

describe('ApiError.fromResponse', () => {
  it('reads our { message, issues } shape and prints status, message and each path: reason', () => {
    const body = JSON.stringify({
      statusCode: 400,
      message: 'invalid sweep spec',
      issues: [
        { path: 'adapter.rank[1]', message: 'must be a positive integer' },
        { path: '', message: 'unknown key "foo"' },
      ],
    });
    const err = ApiError.fromResponse(400, body, { method: 'POST', url: 'http://x/sweeps' });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ApiError');
    expect(err.status).toBe(400);
    expect(err.issues).toHaveLength(2);
    expect(err.format()).toBe(
      ['invalid sweep spec (HTTP 400)', '  adapter.rank[1]: must be a positive integer', '  (spec): unknown key "foo"'].join('\n'),
    );
  });

  it('accepts zod-style array paths in issues', () => {
    const err = ApiError.fromResponse(400, JSON.stringify({ message: 'bad', issues: [{ path: ['adapter', 'tie', 0, 'n'], message: 'too big' }] }));
    expect(err.issues).toEqual([{ path: 'adapter.tie[0].n', message: 'too big' }]);
  });

  it("tolerates Nest's message arrays and bare error fields", () => {
    expect(ApiError.fromResponse(400, JSON.stringify({ message: ['limit must be a number', 'offset must be ≥ 0'] })).message).toBe(
      'limit must be a number; offset must be ≥ 0',
    );
    expect(ApiError.fromResponse(404, JSON.stringify({ statusCode: 404, error: 'Not Found' })).message).toBe('Not Found');
  });

  it('falls back to the first line of a non-JSON body, or a message for the status', () => {
    expect(ApiError.fromResponse(502, '<html>Bad Gateway</html>\n<body/>').message).toBe('<html>Bad Gateway</html>');
    expect(ApiError.fromResponse(413, '').format()).toBe('request too large (HTTP 413)');
    expect(ApiError.fromResponse(500, '').message).toBe('API server error');
  });

  it('adds a token hint to 401s', () => {
    const err = ApiError.fromResponse(401, JSON.stringify({ statusCode: 401, message: 'a bearer token is required' }));
    expect(err.format()).toBe('a bearer token is required (HTTP 401)\n  hint: pass --token, or set TINYSWEEP_API_TOKEN or TINYSWEEP_API_TOKEN_FILE (a local \'tinysweep up\' writes .data/api-token)');
  });
});

describe('ApiError.fromNetworkError', () => {
  it('names the URL and suggests `tinysweep up` when the connection is refused', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4100'), { code: 'ECONNREFUSED' });
    const err = ApiError.fromNetworkError(new TypeError('fetch failed', { cause }), 'http://127.0.0.1:4100');
    expect(err.unreachable).toBe(true);
    expect(err.status).toBeUndefined();
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.format()).toBe('cannot reach the tinysweep API at http://127.0.0.1:4100 — is `tinysweep up` running? (ECONNREFUSED)');
  });

  it('finds codes inside AggregateErrors (IPv4 and IPv6 both refused)', () => {
    const agg = new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })], 'connect failed');
    expect(networkErrorCode(new TypeError('fetch failed', { cause: agg }))).toBe('ECONNREFUSED');
    expect(networkErrorCode(new Error('plain'))).toBeUndefined();
    expect(networkErrorCode('string')).toBeUndefined();
  });

  it('describes other failures without claiming the server is down', () => {
    const err = ApiError.fromNetworkError(new TypeError('fetch failed', { cause: new Error('self-signed certificate') }), 'https://api');
    expect(err.unreachable).toBe(false);
    expect(err.message).toBe('request to the tinysweep API at https://api failed: fetch failed');
  });
});

describe('formatPath', () => {
  it('writes indices in brackets', () => {
    expect(formatPath(['adapter', 'rank', 1])).toBe('adapter.rank[1]');
    expect(formatPath([0, 'a'])).toBe('[0].a');
    expect(formatPath([])).toBe('');
  });
});

describe('exit codes', () => {
  it('maps validation and usage errors to 2 and the rest to 1', () => {
    expect(exitCodeFor(ApiError.fromResponse(400, '{}'))).toBe(2);
    expect(exitCodeFor(ApiError.fromResponse(413, '{}'))).toBe(2);
    expect(exitCodeFor(ApiError.fromResponse(422, '{}'))).toBe(2);
    expect(exitCodeFor(new UsageError('bad flag'))).toBe(2);
    expect(exitCodeFor(ApiError.fromResponse(401, '{}'))).toBe(1);
    expect(exitCodeFor(ApiError.fromResponse(404, '{}'))).toBe(1);
    expect(exitCodeFor(ApiError.fromResponse(500, '{}'))).toBe(1);
    expect(exitCodeFor(new Error('boom'))).toBe(1);
  });

  it('formats errors without stacks unless verbose', () => {
    const err = new Error('boom');
    expect(formatError(err)).toBe('boom');
    expect(formatError(err, true)).toContain('at ');
    expect(formatError(new UsageError('bad'))).toBe('bad');
    expect(formatError('text')).toBe('text');
  });
});
