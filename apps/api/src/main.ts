/**
 * tinysweep API — the control plane's HTTP face.
 *
 *   DATABASE_URL=postgres://… REDIS_URL=redis://… node apps/api/dist/main.js
 *
 * Env: see config/api.config.ts (TINYSWEEP_API_PORT, TINYSWEEP_API_TOKENS_FILE, …).
 * Serves the REST API, OpenAPI at /docs, /health, /metrics, and SSE at /sweeps/:id/events.
 *
 * Before any route: security headers (helmet), then the Host / Origin / content-type checks
 * (security/request-checks.ts), then the submission rate limit; each route's AccessGuard rule then
 * decides which token roles may call it (see SECURITY.md).
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { migrate } from '@tinysweep/db';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { pino } from 'pino';
import { AppModule } from './app.module.js';
import { apiServer, finishOpenApi } from './openapi.js';
import { loadApiTokens } from './auth/api-tokens.js';
import { loadApiConfig } from './config/api.config.js';
import { ApiMetrics } from './health/api-metrics.js';
import { requestChecks, WRITE_CONTENT_TYPES } from './security/request-checks.js';
import { requestPolicy } from './security/request-policy.js';
import { assertSafeToStart } from './security/startup-check.js';
import { submitRateLimit } from './security/submit-rate-limit.js';

const log = pino({ name: 'api' });

async function bootstrap(): Promise<void> {
  const config = loadApiConfig();
  const tokens = loadApiTokens(config);
  assertSafeToStart(config, tokens);
  if (tokens.size === 0) log.warn('TINYSWEEP_INSECURE_NO_TOKEN: the API needs no token; any local user or program can drive it');
  const policy = requestPolicy(config);
  await migrate(config.DATABASE_URL, { log: (m) => log.info(m) });

  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, logger: ['error', 'warn'] });
  // First, so that refused requests (403, 415, 429) are counted too.
  const metrics = app.get(ApiMetrics);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => end({ method: req.method, route: (req.route as { path?: string } | undefined)?.path ?? 'other', status: res.statusCode }));
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'img-src': ["'self'", 'data:', 'blob:'],
          'style-src': ["'self'", "'unsafe-inline'"], // charts set element styles
          'frame-ancestors': ["'none'"], // no page may frame the board and steer its buttons
          'upgrade-insecure-requests': null, // the API is plain http unless a proxy terminates TLS
        },
      },
      strictTransportSecurity: false,
      crossOriginResourcePolicy: { policy: 'same-origin' },
    }),
  );
  app.use(requestChecks(policy));
  const limitSubmits = submitRateLimit(config.TINYSWEEP_SUBMITS_PER_MINUTE);
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'POST' && (req.path === '/sweeps' || req.path === '/schedules')) return void limitSubmits(req, res, next);
    next();
  });
  const limit = config.TINYSWEEP_MAX_SPEC_BYTES;
  app.useBodyParser('json', { limit });
  app.useBodyParser('text', { limit, type: WRITE_CONTENT_TYPES.filter((t) => t !== 'application/json') });
  app.enableShutdownHooks();

  const doc = new DocumentBuilder()
    .setTitle('tinysweep')
    .setDescription('Sweeps of tiny adapters across trainer nodes')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  const server = apiServer(config.TINYSWEEP_API_HOST, config.TINYSWEEP_API_PORT, config.TINYSWEEP_API_HOSTS);
  SwaggerModule.setup('docs', app, () => finishOpenApi(SwaggerModule.createDocument(app, doc), server));

  await app.listen(config.TINYSWEEP_API_PORT, config.TINYSWEEP_API_HOST);
  log.info({ url: await app.getUrl() }, 'api listening');
}

bootstrap().catch((err: unknown) => {
  log.fatal({ err }, 'api failed to start');
  process.exit(1);
});
