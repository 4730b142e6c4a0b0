import { Module } from '@nestjs/common';
import { TrialsController } from './trials.controller.js';
import { TryItService } from './try-it.service.js';

@Module({ controllers: [TrialsController], providers: [TryItService] })
export class TrialsModule {}
