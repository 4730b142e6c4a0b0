import { createServer, type Server } from 'node:http';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { AddressInfo, LookupFunction } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { redactUrl } from '../security/redact.js';
import { smallestCronInterval } from './dto/create-schedule.dto.js';
import { postWebhook, webhookUrlProblem } from './webhook.js';

const strict = { allowHttp: false, allowPrivate: false };
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A local receiver; `hits` counts the POSTs it got. */
async function receiver(answer: (res: import('node:http').ServerResponse) => void = (res) => res.end('ok')) {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    answer(res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, hits };
}

describe('webhook URLs', () => {
  it('must be https, and not name a private, loopback or link-local address', () => {
    expect(webhookUrlProblem('https://hooks.example.com/services/T0/B0/x', strict)).toBeNull();
    expect(webhookUrlProblem('http://hooks.example.com/x', strict)).toMatch(/https:\/\//);
    expect(webhookUrlProblem('http://hooks.example.com/x', { ...strict, allowHttp: true })).toBeNull();
    for (const url of ['https://127.0.0.1/x', 'https://10.1.2.3/', 'https://192.168.0.1/', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/', 'https://[fd00::1]/', 'https://localhost/', 'https://0.0.0.0/', 'https://[::ffff:127.0.0.1]/']) {
      expect(webhookUrlProblem(url, strict), url).toMatch(/private, loopback or link-local/);
    }
    expect(webhookUrlProblem('ftp://example.com/', { allowHttp: true, allowPrivate: true })).toMatch(/https/);
  });

  it('are shown without their path (where chat webhooks keep their secret)', () => {
    expect(redactUrl('https://user:pw@hooks.slack.com/services/T0/B0/s3cr3t?x=1')).toBe('https://hooks.slack.com/…');
  });
});

describe('postWebhook', () => {
  it('never connects to a name that resolves to a private address (checked after DNS)', async () => {
    const r = await receiver();
    // http allowed, private not: "localhost" passes the URL check's name test only by resolving
    const policy = { allowHttp: true, allowPrivate: false };
    await expect(postWebhook(`http://127.0.0.1:${r.port}/hook`, {}, policy)).rejects.toThrow(/private, loopback or link-local/);
    // DNS rebinding: a public-looking name whose answer is 127.0.0.1 (a test double for the resolver)
    const rebound: LookupFunction = (_host, opts, cb) =>
      (opts as LookupOptions).all ? (cb as (e: null, a: LookupAddress[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
    await expect(postWebhook(`http://hooks.rebound.example:${r.port}/hook`, {}, policy, 5000, rebound)).rejects.toThrow(/127\.0\.0\.1.*not allowed|private/i);
    expect(r.hits).toEqual([]);
  });

  it('posts JSON once and does not follow redirects', async () => {
    const target = await receiver();
    const redirecting = await receiver((res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${target.port}/stolen` });
      res.end();
    });
    const policy = { allowHttp: true, allowPrivate: true };
    expect(await postWebhook(`http://127.0.0.1:${redirecting.port}/hook`, { event: 'drift' }, policy)).toBe(302);
    expect(redirecting.hits).toEqual(['/hook']);
    expect(target.hits).toEqual([]);
    expect(await postWebhook(`http://127.0.0.1:${target.port}/ok`, { event: 'drift' }, policy)).toBe(200);
    expect(target.hits).toEqual(['/ok']);
  });
});

describe('smallestCronInterval', () => {
  it('finds the densest stretch of a cron', () => {
    expect(smallestCronInterval('0 3 * * *', 'UTC')).toBe(86_400);
    expect(smallestCronInterval('*/5 * * * * *', 'UTC')).toBe(5);
    expect(smallestCronInterval('* * * * *', 'Europe/Paris')).toBe(60);
    // every second, but only during 03:00-03:01 each day
    expect(smallestCronInterval('* 0 3 * * *', 'UTC', new Date('2026-01-01T00:00:00Z'))).toBe(1);
  });
});
