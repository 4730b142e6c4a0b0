import { Module } from '@nestjs/common';
import { SweepsModule } from '../sweeps/sweeps.module.js';
import { Reproductions } from './reproductions.js';
import { SchedulesController } from './schedules.controller.js';
import { SchedulesService } from './schedules.service.js';

@Module({ imports: [SweepsModule], controllers: [SchedulesController], providers: [SchedulesService, Reproductions] })
export class SchedulesModule {}
