import { describe, expect, it } from 'vitest';
import { checkRequest, hostName, unstorableQueryParam, type RequestFacts } from './request-checks.js';
import { isLoopbackBind, requestPolicy } from './request-policy.js';
import { assertSafeToStart } from './startup-check.js';
import { TokenStore } from '@tinysweep/access';

const local = requestPolicy({ TINYSWEEP_API_HOST: '127.0.0.1', TINYSWEEP_API_HOSTS: '', TINYSWEEP_API_ORIGINS: '' });
const req = (over: Partial<RequestFacts>): RequestFacts => ({ method: 'GET', host: '127.0.0.1:4100', origin: undefined, contentType: undefined, hasBody: false, ...over });

describe('checkRequest', () => {
  it('lets the board (same origin) and the CLI (no Origin) through', () => {
    expect(checkRequest(req({}), local)).toBeNull();
    expect(checkRequest(req({ method: 'POST', origin: 'http://127.0.0.1:4100', contentType: 'application/json', hasBody: true }), local)).toBeNull();
    expect(checkRequest(req({ method: 'POST', host: 'localhost:4100', origin: 'http://localhost:4100', contentType: 'application/yaml; charset=utf-8', hasBody: true }), local)).toBeNull();
    expect(checkRequest(req({ host: '[::1]:4100' }), local)).toBeNull();
    expect(checkRequest(req({ method: 'POST', hasBody: false }), local)).toBeNull();
  });

  it('refuses a Host it was not configured for: DNS rebinding', () => {
    expect(checkRequest(req({ host: 'evil.example:4100' }), local)).toMatchObject({ status: 403, message: expect.stringContaining('evil.example') });
    expect(checkRequest(req({ host: '' }), local)?.status).toBe(403);
    expect(checkRequest(req({ host: '10.0.0.5:4100' }), local)?.status).toBe(403);
  });

  it('refuses requests from another origin, whatever the method', () => {
    for (const method of ['GET', 'POST']) {
      expect(checkRequest(req({ method, origin: 'http://evil.example' }), local)).toMatchObject({ status: 403, message: expect.stringContaining('other origins') });
    }
    // same host, other port: another origin
    expect(checkRequest(req({ origin: 'http://127.0.0.1:8080' }), local)?.status).toBe(403);
    expect(checkRequest(req({ origin: 'null' }), local)?.status).toBe(403);
    const withBoardElsewhere = requestPolicy({ TINYSWEEP_API_HOST: '127.0.0.1', TINYSWEEP_API_HOSTS: '', TINYSWEEP_API_ORIGINS: 'https://board.example.com/' });
    expect(checkRequest(req({ origin: 'https://board.example.com' }), withBoardElsewhere)).toBeNull();
  });

  it('takes request bodies only as JSON or YAML: no text/plain or form "simple requests"', () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      expect(checkRequest(req({ method: 'POST', contentType, hasBody: true }), local)?.status).toBe(415);
    }
  });
});

describe('requestPolicy', () => {
  it('a wildcard bind answers to this machine\'s name and addresses, and TINYSWEEP_API_HOSTS', () => {
    const p = requestPolicy({ TINYSWEEP_API_HOST: '0.0.0.0', TINYSWEEP_API_HOSTS: 'tinysweep-api, API.example.com', TINYSWEEP_API_ORIGINS: '' }, () => ({ hostname: 'box', addresses: ['10.0.0.5', 'fe80::1'] }));
    expect(p.hosts).toEqual(new Set(['tinysweep-api', 'api.example.com', 'box', '10.0.0.5', 'fe80::1']));
    expect(checkRequest(req({ host: 'api.example.com' }), p)).toBeNull();
    expect(requestPolicy({ TINYSWEEP_API_HOST: '127.0.0.1', TINYSWEEP_API_HOSTS: '*', TINYSWEEP_API_ORIGINS: '' }).hosts).toBe('*');
  });

  it('a wildcard bind answers to an address that came up after it started (a link that was down then)', () => {
    const machine = { hostname: 'box', addresses: ['10.0.0.5'] };
    const p = requestPolicy({ TINYSWEEP_API_HOST: '0.0.0.0', TINYSWEEP_API_HOSTS: '', TINYSWEEP_API_ORIGINS: '' }, () => machine);
    machine.addresses = ['10.0.0.5', '10.231.7.1']; // e.g. a veth brought up later
    expect(checkRequest(req({ host: '10.231.7.1:4100' }), p)).toBeNull();
    expect(checkRequest(req({ host: 'evil.example:4100' }), p)?.status).toBe(403);
    const bound = requestPolicy({ TINYSWEEP_API_HOST: '10.0.0.5', TINYSWEEP_API_HOSTS: '', TINYSWEEP_API_ORIGINS: '' }, () => machine);
    expect(checkRequest(req({ host: '10.231.7.1:4100' }), bound)?.status).toBe(403); // bound to one address: only that one
  });

  it('parses Host headers', () => {
    expect(hostName('Example.COM.:4100')).toBe('example.com');
    expect(hostName('[::1]:80')).toBe('::1');
    expect(isLoopbackBind('127.0.0.1')).toBe(true);
    expect(isLoopbackBind('::1')).toBe(true);
    expect(isLoopbackBind('0.0.0.0')).toBe(false);
    expect(isLoopbackBind('10.1.2.3')).toBe(false);
  });
});

describe('assertSafeToStart', () => {
  const none = new TokenStore([]);
  const one = new TokenStore([{ name: 'a', role: 'admin', sha256: '0'.repeat(64) }]);
  it('refuses to start without tokens unless told to, and never on a non-loopback address', () => {
    expect(() => assertSafeToStart({ TINYSWEEP_API_HOST: '127.0.0.1', TINYSWEEP_INSECURE_NO_TOKEN: false }, none)).toThrow(/TINYSWEEP_INSECURE_NO_TOKEN=1/);
    expect(() => assertSafeToStart({ TINYSWEEP_API_HOST: '127.0.0.1', TINYSWEEP_INSECURE_NO_TOKEN: true }, none)).not.toThrow();
    expect(() => assertSafeToStart({ TINYSWEEP_API_HOST: '0.0.0.0', TINYSWEEP_INSECURE_NO_TOKEN: true }, none)).toThrow(/refusing to listen on 0.0.0.0 without API tokens/);
    expect(() => assertSafeToStart({ TINYSWEEP_API_HOST: '0.0.0.0', TINYSWEEP_INSECURE_NO_TOKEN: false }, one)).not.toThrow();
  });
});

describe('query parameters no store can keep (fuzz seed 77: metric=%00 was a 500)', () => {
  it('names the parameter holding a NUL or a lone surrogate, in its value or its name', () => {
    expect(unstorableQueryParam({ metric: 'a\u0000b' })).toEqual({ path: 'metric', message: expect.stringMatching(/NUL/) });
    expect(unstorableQueryParam({ trialIds: ['ok', '\ud800'] })?.path).toBe('trialIds');
    expect(unstorableQueryParam({ a: { b: 'x\u0000' } })?.path).toBe('a.b');
    expect(unstorableQueryParam({ 'k\u0000': '1' })?.message).toMatch(/parameter name/);
    expect(unstorableQueryParam({ metric: 'score', sort: 'metrics.acc', values: ['1', '💥'] })).toBeNull();
  });
});
