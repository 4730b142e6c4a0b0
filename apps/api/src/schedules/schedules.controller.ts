import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, CurrentCaller, type Caller } from '../auth/access.js';
import { SweepsService } from '../sweeps/sweeps.service.js';
import { SchedulesService } from './schedules.service.js';

@ApiTags('schedules')
@ApiBearerAuth()
@Access('read')
@Controller('schedules')
export class SchedulesController {
  constructor(
    @Inject(SchedulesService) private readonly schedules: SchedulesService,
    @Inject(SweepsService) private readonly sweeps: SweepsService,
  ) {}

  @Post()
  @Access('submit')
  @ApiOperation({ summary: 'Re-run a sweep (sweepId) or a spec on a cron, in a time zone; mode full or top-k; tolerance for drift; optional webhook' })
  create(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.schedules.create(body, caller.name);
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

  // Changing a schedule: a submit token its own, an admin token anyone's.
  @Post(':id/pause')
  @Access('submit')
  @HttpCode(200)
  pause(@Param('id', ParseUUIDPipe) id: string, @CurrentCaller() caller: Caller) {
    return this.schedules.setPaused(id, true, caller);
  }

  @Post(':id/resume')
  @Access('submit')
  @HttpCode(200)
  resume(@Param('id', ParseUUIDPipe) id: string, @CurrentCaller() caller: Caller) {
    return this.schedules.setPaused(id, false, caller);
  }

  @Post(':id/run')
  @Access('submit')
  @HttpCode(202)
  @ApiOperation({ summary: 'Fire the schedule now, once' })
  run(@Param('id', ParseUUIDPipe) id: string, @CurrentCaller() caller: Caller) {
    return this.schedules.runNow(id, caller);
  }

  @Delete(':id')
  @Access('submit')
  @HttpCode(204)
  async remove(@Param('id', ParseUUIDPipe) id: string, @CurrentCaller() caller: Caller): Promise<void> {
    await this.schedules.delete(id, caller);
  }
}
