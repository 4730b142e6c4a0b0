import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './auth/access.guard.js';
import { BoardModule } from './board/board.module.js';
import { BadRequestFilter } from './errors/bad-request.filter.js';
import { DomainExceptionFilter } from './errors/domain-exception.filter.js';
import { HealthModule } from './health/health.module.js';
import { InfrastructureModule } from './infrastructure/infrastructure.module.js';
import { NodesModule } from './nodes/nodes.module.js';
import { SchedulesModule } from './schedules/schedules.module.js';
import { SweepsModule } from './sweeps/sweeps.module.js';
import { TrialsModule } from './trials/trials.module.js';

@Module({
  imports: [InfrastructureModule, HealthModule, SweepsModule, TrialsModule, NodesModule, SchedulesModule, BoardModule],
  providers: [
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_FILTER, useClass: BadRequestFilter },
    { provide: APP_FILTER, useClass: DomainExceptionFilter },
  ],
})
export class AppModule {}
