import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { API_CONFIG, type ApiConfig } from '../config/api.config.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * When TINYSWEEP_API_TOKEN is set, every mutating request must carry it as a bearer token.
 * Reads stay open so the board and dashboards work behind a private network; put the API
 * behind your own proxy if reads must be protected too.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  private readonly token?: Buffer;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.token = config.TINYSWEEP_API_TOKEN ? Buffer.from(config.TINYSWEEP_API_TOKEN) : undefined;
  }

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.token) return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method)) return true;
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (given.length === this.token.length && timingSafeEqual(given, this.token)) return true;
    throw new UnauthorizedException('a bearer token is required (Authorization: Bearer <TINYSWEEP_API_TOKEN>)');
  }
}
