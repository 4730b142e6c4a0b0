import { ForbiddenException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { roleAllows, type TokenStore } from '@tinysweep/access';
import type { Request, Response } from 'express';
import { ACCESS_KEY, ANONYMOUS_UNRESTRICTED, type AccessRule } from './access.js';
import { API_TOKENS } from './api-tokens.js';

/** The token in `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(req: Pick<Request, 'headers'>): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/**
 * Checks every request against its route's {@link Access} rule: the bearer token must be known and
 * its role must allow the route. A route without a rule is refused (new routes must say who may call
 * them). Without tokens (the API only starts so on a loopback address, explicitly) every caller is
 * unrestricted.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(API_TOKENS) private readonly tokens: TokenStore,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!rule || rule.length === 0) throw new ForbiddenException('this route has no access rule');
    if (rule.includes('public')) return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    if (this.tokens.size === 0) {
      req.caller = ANONYMOUS_UNRESTRICTED;
      return true;
    }
    const needed = rule.filter((r) => r !== 'public');
    const token = bearerToken(req);
    const who = token === undefined ? undefined : this.tokens.identify(token);
    if (!who) {
      ctx.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="tinysweep"');
      throw new UnauthorizedException(
        token === undefined ? `a ${needed.join(' or ')} token is required (Authorization: Bearer <token>)` : 'the bearer token is not one this API knows',
      );
    }
    if (!needed.some((r) => roleAllows(who.role, r))) {
      throw new ForbiddenException(`a ${who.role} token cannot do this (it needs ${needed.join(' or ')})`);
    }
    req.caller = { name: who.name, role: who.role, unrestricted: false };
    return true;
  }
}
