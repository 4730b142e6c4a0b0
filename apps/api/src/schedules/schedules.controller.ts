import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SweepsService } from '../sweeps/sweeps.service.js';
import { SchedulesService } from './schedules.service.js';

@ApiTags('schedules')
@Controller('schedules')
export class SchedulesController {
  constructor(
    @Inject(SchedulesService) private readonly schedules: SchedulesService,
    @Inject(SweepsService) private readonly sweeps: SweepsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Re-run a sweep (sweepId) or a spec on a cron, in a time zone; mode full or top-k; tolerance for drift; optional webhook' })
  create(@Body() body: unknown) {
    return this.schedules.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'Schedules with their next tick' })
  async list() {
    return { items: await this.schedules.list() };
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.schedules.get(id);
  }

  @Get(':id/runs')
  @ApiOperation({ summary: 'Reproduction runs of a schedule, newest first, with their verdicts' })
  async runs(@Param('id', ParseUUIDPipe) id: string) {
    await this.schedules.get(id);
    return { items: await this.sweeps.list(200, 0, { scheduleId: id }) };
  }

  @Post(':id/pause')
  @HttpCode(200)
  pause(@Param('id', ParseUUIDPipe) id: string) {
    return this.schedules.setPaused(id, true);
  }

  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id', ParseUUIDPipe) id: string) {
    return this.schedules.setPaused(id, false);
  }

  @Post(':id/run')
  @HttpCode(202)
  @ApiOperation({ summary: 'Fire the schedule now, once' })
  run(@Param('id', ParseUUIDPipe) id: string) {
    return this.schedules.runNow(id);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.schedules.delete(id);
  }
}
