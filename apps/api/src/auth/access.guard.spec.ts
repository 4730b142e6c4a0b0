/**
 * The AccessGuard in a real Nest app over HTTP: which token role reaches which route, and that a
 * route without a rule is closed.
 */
import 'reflect-metadata';
import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { generateToken, hashToken, TokenStore, type Role } from '@tinysweep/access';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Access, CurrentCaller, type Caller } from './access.js';
import { AccessGuard } from './access.guard.js';
import { API_TOKENS } from './api-tokens.js';

@Controller()
class ProbeController {
  @Get('open')
  @Access('public')
  open() {
    return { ok: true };
  }

  @Get('data')
  @Access('read')
  data(@CurrentCaller() caller: Caller) {
    return caller;
  }

  @Post('submit')
  @Access('submit')
  submit(@Body() _body: unknown, @CurrentCaller() caller: Caller) {
    return caller;
  }

  @Post('admin')
  @Access('admin')
  admin() {
    return { ok: true };
  }

  @Post('beat')
  @Access('node')
  beat() {
    return { ok: true };
  }

  @Get('forgotten')
  forgotten() {
    return { leaked: true };
  }
}

const tokens = Object.fromEntries((['read', 'submit', 'admin', 'node'] as Role[]).map((r) => [r, generateToken(r)])) as Record<Role, string>;

async function app(store: TokenStore): Promise<{ url: string; close: () => Promise<void> }> {
  @Module({ controllers: [ProbeController], providers: [{ provide: API_TOKENS, useValue: store }, { provide: APP_GUARD, useClass: AccessGuard }] })
  class ProbeModule {}
  const a = await NestFactory.create<NestExpressApplication>(ProbeModule, { logger: false });
  await a.listen(0, '127.0.0.1');
  return { url: await a.getUrl(), close: () => a.close() };
}

describe('AccessGuard', () => {
  let withTokens: Awaited<ReturnType<typeof app>>;
  let open: Awaited<ReturnType<typeof app>>;
  beforeAll(async () => {
    withTokens = await app(new TokenStore((Object.entries(tokens) as [Role, string][]).map(([role, t]) => ({ name: `${role}-holder`, role, sha256: hashToken(t) }))));
    open = await app(new TokenStore([]));
  });
  afterAll(async () => {
    await withTokens?.close();
    await open?.close();
  });

  const call = async (base: string, method: string, path: string, token?: string) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      body: method === 'POST' ? '{}' : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, www: res.headers.get('www-authenticate') };
  };

  it('lets each role reach what it may, and nothing else', async () => {
    const table: [string, string, Record<Role | 'none', number>][] = [
      ['GET', '/open', { none: 200, read: 200, submit: 200, admin: 200, node: 200 }],
      ['GET', '/data', { none: 401, read: 200, submit: 200, admin: 200, node: 403 }],
      ['POST', '/submit', { none: 401, read: 403, submit: 201, admin: 201, node: 403 }],
      ['POST', '/admin', { none: 401, read: 403, submit: 403, admin: 201, node: 403 }],
      ['POST', '/beat', { none: 401, read: 403, submit: 403, admin: 403, node: 201 }],
    ];
    for (const [method, path, want] of table) {
      for (const who of ['none', 'read', 'submit', 'admin', 'node'] as const) {
        const r = await call(withTokens.url, method, path, who === 'none' ? undefined : tokens[who]);
        expect(r.status, `${who} → ${method} ${path}`).toBe(want[who]);
      }
    }
  });

  it('says what is missing, and who is calling', async () => {
    const missing = await call(withTokens.url, 'GET', '/data');
    expect(missing.body.message).toBe('a read token is required (Authorization: Bearer <token>)');
    expect(missing.www).toMatch(/^Bearer/);
    expect((await call(withTokens.url, 'GET', '/data', `${tokens.admin}x`)).body.message).toBe('the bearer token is not one this API knows');
    expect((await call(withTokens.url, 'POST', '/submit', tokens.node)).body.message).toBe('a node token cannot do this (it needs submit)');
    expect((await call(withTokens.url, 'POST', '/submit', tokens.submit)).body).toEqual({ name: 'submit-holder', role: 'submit', unrestricted: false });
  });

  it('closes a route that has no rule, with or without tokens', async () => {
    expect((await call(withTokens.url, 'GET', '/forgotten', tokens.admin)).status).toBe(403);
    expect((await call(open.url, 'GET', '/forgotten')).status).toBe(403);
  });

  it('without tokens (TINYSWEEP_INSECURE_NO_TOKEN) every caller is unrestricted', async () => {
    expect((await call(open.url, 'POST', '/admin')).status).toBe(201);
    expect((await call(open.url, 'POST', '/submit')).body).toEqual({ name: null, role: null, unrestricted: true });
  });
});
