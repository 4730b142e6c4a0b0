import { Module } from '@nestjs/common';
import { LiveSweeps } from './live-sweeps.js';
import { SweepsController } from './sweeps.controller.js';
import { SweepsService } from './sweeps.service.js';

@Module({ controllers: [SweepsController], providers: [SweepsService, LiveSweeps], exports: [SweepsService] })
export class SweepsModule {}
