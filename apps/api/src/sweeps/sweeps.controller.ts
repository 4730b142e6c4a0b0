import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { toTrialPageQuery } from './dto/trial-page.query.js';
import { LiveSweeps } from './live-sweeps.js';
import { SweepsService } from './sweeps.service.js';

@ApiTags('sweeps')
@Controller('sweeps')
export class SweepsController {
  constructor(
    @Inject(SweepsService) private readonly sweeps: SweepsService,
    @Inject(LiveSweeps) private readonly live: LiveSweeps,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Submit a sweep spec (YAML or JSON); stores the sweep and its trials and enqueues them' })
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody({ description: 'sweep spec — see README "Spec reference"', schema: { type: 'string' } })
  submit(@Body() body: unknown) {
    return this.sweeps.submit(body);
  }

  @Get()
  @ApiOperation({ summary: 'List sweeps, newest first, with counts by status and the best trial' })
  async list(@Query('limit') limit?: string, @Query('offset') offset?: string, @Query('reproduces') originId?: string) {
    const items = await this.sweeps.list(Math.min(Number(limit ?? 50) || 50, 500), Math.max(Number(offset ?? 0) || 0, 0), originId ? { originId } : {});
    return { items };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One sweep: spec, counts by status, best trial' })
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.sweeps.get(id);
  }

  @Get(':id/trials')
  @ApiOperation({ summary: 'Trials of a sweep, paged on the server: offset, limit, sort (e.g. metrics.acc), order, status, params.<path>=value' })
  trials(@Param('id', ParseUUIDPipe) id: string, @Query() query: Record<string, unknown>) {
    return this.sweeps.trialsPage(id, toTrialPageQuery(query));
  }

  @Get(':id/configs')
  @ApiOperation({ summary: 'Seeds as replicates: each config (trials differing only in seed) with mean, std and 95% CI of the metric, best first' })
  configs(@Param('id', ParseUUIDPipe) id: string, @Query('metric') metric?: string) {
    return this.sweeps.configs(id, metric);
  }

  @Get(':id/verdicts')
  @ApiOperation({ summary: 'Reproduction verdicts: of this run, or (?as=origin) the history of every run that reproduced this sweep' })
  verdicts(@Param('id', ParseUUIDPipe) id: string, @Query('as') as?: string, @Query('groupHash') groupHash?: string) {
    return this.sweeps.verdicts(id, as === 'origin', groupHash);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel queued and running trials of a sweep' })
  cancel(@Param('id', ParseUUIDPipe) id: string) {
    return this.sweeps.cancel(id);
  }

  @Sse(':id/events')
  @ApiOperation({ summary: 'Server-sent events: {type:"trial",trial} on each change, {type:"sweep",sweep} summaries' })
  events(@Param('id', ParseUUIDPipe) id: string): Observable<MessageEvent> {
    return this.live.stream(id);
  }
}
