import { hashToken } from '@tinysweep/access';
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { bearerToken } from '../auth/access.guard.js';

/**
 * Submissions (POST /sweeps, POST /schedules) per token per minute, counted in this API process
 * (express-rate-limit's memory store; with several replicas each counts its own). Keyed by the
 * token's hash, or the client address when there is none; over the limit: 429 with Retry-After.
 */
export function submitRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req: Request) => {
      const token = bearerToken(req);
      return token === undefined ? `ip:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? '')}` : `token:${hashToken(token)}`;
    },
    handler: (_req, res, _next, opts) => {
      const retry = res.getHeader('Retry-After');
      res.status(429).json({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `at most ${String(opts.limit)} submissions per minute per token (TINYSWEEP_SUBMITS_PER_MINUTE)${retry ? `; retry in ${String(retry)} s` : ''}`,
      });
    },
  });
}
