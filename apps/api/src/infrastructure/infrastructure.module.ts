import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Database, NodeRepository, ReproductionRepository, ScheduleRepository, SweepRepository, TrialRepository } from '@tinysweep/db';
import { TrainerFleet } from '@tinysweep/fleet';
import { CancelBus, ScheduleQueue, SweepEvents, TrialQueue } from '@tinysweep/queue';
import { API_TOKENS, loadApiTokens } from '../auth/api-tokens.js';
import { API_CONFIG, loadApiConfig, type ApiConfig } from '../config/api.config.js';

/**
 * The API's connections to the outside world (Postgres, Redis), each created once per process
 * and closed on shutdown. Feature modules inject the domain classes, never raw clients.
 */
@Global()
@Module({
  providers: [
    { provide: API_CONFIG, useFactory: () => loadApiConfig() },
    { provide: API_TOKENS, inject: [API_CONFIG], useFactory: (c: ApiConfig) => loadApiTokens(c) },
    { provide: Database, inject: [API_CONFIG], useFactory: (c: ApiConfig) => new Database(c.DATABASE_URL) },
    { provide: SweepRepository, inject: [Database], useFactory: (db: Database) => new SweepRepository(db) },
    { provide: TrialRepository, inject: [Database], useFactory: (db: Database) => new TrialRepository(db) },
    { provide: NodeRepository, inject: [Database], useFactory: (db: Database) => new NodeRepository(db) },
    { provide: ScheduleRepository, inject: [Database], useFactory: (db: Database) => new ScheduleRepository(db) },
    { provide: ReproductionRepository, inject: [Database], useFactory: (db: Database) => new ReproductionRepository(db) },
    { provide: ScheduleQueue, inject: [API_CONFIG], useFactory: (c: ApiConfig) => new ScheduleQueue(c.REDIS_URL) },
    { provide: TrialQueue, inject: [API_CONFIG], useFactory: (c: ApiConfig) => new TrialQueue(c.REDIS_URL) },
    { provide: CancelBus, inject: [API_CONFIG], useFactory: (c: ApiConfig) => new CancelBus(c.REDIS_URL) },
    { provide: SweepEvents, inject: [API_CONFIG], useFactory: (c: ApiConfig) => new SweepEvents(c.REDIS_URL) },
    {
      provide: TrainerFleet,
      inject: [API_CONFIG],
      useFactory: (c: ApiConfig) => new TrainerFleet(c.REDIS_URL, { heartbeatTimeoutMs: c.TINYSWEEP_HEARTBEAT_TIMEOUT_MS }),
    },
  ],
  exports: [
    API_CONFIG,
    API_TOKENS,
    Database,
    SweepRepository,
    TrialRepository,
    NodeRepository,
    ScheduleRepository,
    ReproductionRepository,
    TrialQueue,
    ScheduleQueue,
    CancelBus,
    SweepEvents,
    TrainerFleet,
  ],
})
export class InfrastructureModule implements OnApplicationShutdown {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(TrialQueue) private readonly queue: TrialQueue,
    @Inject(SweepEvents) private readonly events: SweepEvents,
    @Inject(TrainerFleet) private readonly fleet: TrainerFleet,
    @Inject(CancelBus) private readonly cancels: CancelBus,
    @Inject(ScheduleQueue) private readonly ticks: ScheduleQueue,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.queue.close(), this.ticks.close(), this.events.close(), this.fleet.close(), this.cancels.close()]);
    await this.db.close();
  }
}
