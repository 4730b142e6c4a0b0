import { Module } from '@nestjs/common';
import { SweepsModule } from '../sweeps/sweeps.module.js';
import { TrialsController } from './trials.controller.js';
import { TryItService } from './try-it.service.js';

@Module({ imports: [SweepsModule], controllers: [TrialsController], providers: [TryItService] })
export class TrialsModule {}
