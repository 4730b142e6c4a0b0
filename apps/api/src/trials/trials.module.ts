import { Module } from '@nestjs/common';
import { TrialsController } from './trials.controller.js';

@Module({ controllers: [TrialsController] })
export class TrialsModule {}
