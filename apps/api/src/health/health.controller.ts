import { Controller, Get, Header, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Database } from '@tinysweep/db';
import { TrialQueue } from '@tinysweep/queue';
import { Access } from '../auth/access.js';
import { ApiMetrics } from './api-metrics.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(TrialQueue) private readonly queue: TrialQueue,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
  ) {}

  @Get('health')
  @Access('public')
  @ApiOperation({ summary: 'Liveness and readiness: Postgres and Redis reachable' })
  async health() {
    const [db, redis] = await Promise.allSettled([this.db.ping(), this.queue.ping()]);
    const body = { status: 'ok', postgres: db.status === 'fulfilled' ? 'ok' : 'down', redis: redis.status === 'fulfilled' ? 'ok' : 'down' };
    if (body.postgres !== 'ok' || body.redis !== 'ok') throw new ServiceUnavailableException({ ...body, status: 'degraded' });
    return body;
  }

  @Get('metrics')
  @Access('read')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  @ApiOperation({ summary: 'Prometheus metrics' })
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
