import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The API's Prometheus registry (served at /metrics). */
@Injectable()
export class ApiMetrics {
  readonly registry = new Registry();
  readonly sweepsSubmitted = new Counter({ name: 'tinysweep_sweeps_submitted_total', help: 'Sweeps accepted', registers: [this.registry] });
  readonly trialsEnqueued = new Counter({ name: 'tinysweep_trials_enqueued_total', help: 'Trial jobs enqueued by the API', registers: [this.registry] });
  readonly httpDuration = new Histogram({
    name: 'tinysweep_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tinysweep_api_' });
  }
}
