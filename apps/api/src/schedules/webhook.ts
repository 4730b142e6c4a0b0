/**
 * The drift webhook, guarded against server-side request forgery: a schedule's webhook URL is
 * chosen by whoever holds a submit token, and the API would POST to it from inside the network.
 *
 * - https only (http with TINYSWEEP_WEBHOOK_ALLOW_HTTP=1);
 * - never a private, loopback, link-local or otherwise non-public address (unless
 *   TINYSWEEP_WEBHOOK_ALLOW_PRIVATE=1): refused at creation when the URL names an address, and
 *   checked again on the address DNS gives at connect time (request-filtering-agent), so a name
 *   re-pointed after creation gets nowhere;
 * - redirects are not followed (node's http.request never does; a 3xx is a failed delivery).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

export interface WebhookPolicy {
  /** http:// URLs are allowed. @defaultValue false */
  allowHttp: boolean;
  /** Private, loopback and link-local addresses are allowed. @defaultValue false */
  allowPrivate: boolean;
}

/** Why `url` may not be a webhook, judged without DNS; null when it may. */
export function webhookUrlProblem(url: string, policy: WebhookPolicy): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be a URL';
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && policy.allowHttp)) {
    return policy.allowHttp ? 'must be an https:// or http:// URL' : 'must be an https:// URL (TINYSWEEP_WEBHOOK_ALLOW_HTTP=1 on the API allows http://)';
  }
  if (policy.allowPrivate) return null;
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const local = host === 'localhost' || host.endsWith('.localhost');
  if (local || (ipaddr.isValid(host) && ipaddr.process(host).range() !== 'unicast')) {
    return 'must not point at a private, loopback or link-local address (TINYSWEEP_WEBHOOK_ALLOW_PRIVATE=1 on the API allows it)';
  }
  return null;
}

/** One agent pair per policy: connections are checked against the address DNS gave. */
function agentFor(url: URL, policy: WebhookPolicy): RequestFilteringHttpAgent | RequestFilteringHttpsAgent {
  const opts = { allowPrivateIPAddress: policy.allowPrivate, keepAlive: false };
  return url.protocol === 'https:' ? new RequestFilteringHttpsAgent(opts) : new RequestFilteringHttpAgent(opts);
}

/**
 * POSTs `body` as JSON to `url` once; resolves with the status code (a redirect is returned, not
 * followed). Rejects when the URL or the address it resolves to is refused, or after `timeoutMs`.
 * `lookup` replaces DNS (node's `lookup` option; tests point a name at a private address with it).
 */
export function postWebhook(url: string, body: unknown, policy: WebhookPolicy, timeoutMs = 10_000, lookup?: LookupFunction): Promise<number> {
  const problem = webhookUrlProblem(url, policy);
  if (problem) return Promise.reject(new Error(`webhook URL ${problem}`));
  const u = new URL(url);
  const payload = Buffer.from(JSON.stringify(body));
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = request(
      u,
      { method: 'POST', agent: agentFor(u, policy), timeout: timeoutMs, lookup, headers: { 'content-type': 'application/json', 'content-length': payload.length } },
      (res: IncomingMessage) => {
        res.resume(); // the answer's body is not read
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
