import { Global, Module } from '@nestjs/common';
import { ApiMetrics } from './api-metrics.js';
import { HealthController } from './health.controller.js';

@Global()
@Module({ controllers: [HealthController], providers: [ApiMetrics], exports: [ApiMetrics] })
export class HealthModule {}
