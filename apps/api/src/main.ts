/**
 * tinysweep API — the control plane's HTTP face.
 *
 *   DATABASE_URL=postgres://… REDIS_URL=redis://… node apps/api/dist/main.js
 *
 * Env: see config/api.config.ts (TINYSWEEP_API_PORT, TINYSWEEP_API_TOKEN, …).
 * Serves the REST API, OpenAPI at /docs, /health, /metrics, and SSE at /sweeps/:id/events.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { migrate } from '@tinysweep/db';
import type { NextFunction, Request, Response } from 'express';
import { pino } from 'pino';
import { AppModule } from './app.module.js';
import { loadApiConfig } from './config/api.config.js';
import { ApiMetrics } from './health/api-metrics.js';

const log = pino({ name: 'api' });

async function bootstrap(): Promise<void> {
  const config = loadApiConfig();
  await migrate(config.DATABASE_URL, { log: (m) => log.info(m) });

  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, logger: ['error', 'warn'] });
  const limit = config.TINYSWEEP_MAX_SPEC_BYTES;
  app.useBodyParser('json', { limit });
  app.useBodyParser('text', { limit, type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'] });
  app.enableShutdownHooks();

  const metrics = app.get(ApiMetrics);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => end({ method: req.method, route: (req.route as { path?: string } | undefined)?.path ?? 'other', status: res.statusCode }));
    next();
  });

  const doc = new DocumentBuilder()
    .setTitle('tinysweep')
    .setDescription('Sweeps of tiny adapters across trainer nodes')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc));

  await app.listen(config.TINYSWEEP_API_PORT, config.TINYSWEEP_API_HOST);
  log.info({ url: await app.getUrl() }, 'api listening');
}

bootstrap().catch((err: unknown) => {
  log.fatal({ err }, 'api failed to start');
  process.exit(1);
});
