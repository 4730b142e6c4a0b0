import { Module } from '@nestjs/common';
import { Database, SearchRepository } from '@tinysweep/db';
import { SseLimitInterceptor } from '../security/sse-limit.interceptor.js';
import { LiveSweeps } from './live-sweeps.js';
import { SweepFrontService } from './sweep-front.js';
import { SweepsController } from './sweeps.controller.js';
import { SweepsService } from './sweeps.service.js';

@Module({
  controllers: [SweepsController],
  providers: [
    SweepsService,
    LiveSweeps,
    SweepFrontService,
    SseLimitInterceptor,
    { provide: SearchRepository, inject: [Database], useFactory: (db: Database) => new SearchRepository(db) },
  ],
  exports: [SweepsService],
})
export class SweepsModule {}
