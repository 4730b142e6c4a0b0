import { BadRequestException, Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Sse, UseInterceptors, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { Access, CurrentCaller, type Caller } from '../auth/access.js';
import { SseLimitInterceptor } from '../security/sse-limit.interceptor.js';
import { intParam } from '../board/dto/insight-queries.js';
import { MAX_OFFSET, toTrialPageQuery } from './dto/trial-page.query.js';
import { LiveSweeps } from './live-sweeps.js';
import { SweepFrontService } from './sweep-front.js';
import { SweepsService } from './sweeps.service.js';
import { storedSpec } from '@tinysweep/spec';

@ApiTags('sweeps')
@ApiBearerAuth()
@Access('read')
@Controller('sweeps')
export class SweepsController {
  constructor(
    @Inject(SweepsService) private readonly sweeps: SweepsService,
    @Inject(LiveSweeps) private readonly live: LiveSweeps,
    @Inject(SweepFrontService) private readonly fronts: SweepFrontService,
  ) {}

  @Post()
  @Access('submit')
  @ApiOperation({ summary: 'Submit a sweep spec (YAML or JSON); stores the sweep and its trials and enqueues them' })
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody({ description: 'sweep spec — see README "Spec reference"', schema: { type: 'string' } })
  submit(@Body() body: unknown, @CurrentCaller() caller: Caller, @Headers('idempotency-key') idempotencyKey?: string | string[]) {
    // A client that retries after a lost answer sends the same Idempotency-Key, and gets the sweep it already made.
    return this.sweeps.submit(body, caller.name, idempotencyKey);
  }

  @Get()
  @ApiOperation({ summary: 'List sweeps, newest first, with counts by status and the best trial' })
  async list(@Query('limit') limit?: string, @Query('offset') offset?: string, @Query('reproduces') originId?: string) {
    const page = { limit: Math.max(1, Math.min(intParam({ limit }, 'limit', 50, MAX_OFFSET), 500)), offset: intParam({ offset }, 'offset', 0, MAX_OFFSET) };
    const items = await this.sweeps.list(page.limit, page.offset, originId ? { originId: uuidParam('reproduces', originId) } : {});
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

  // GET /sweeps/:id/configs (seeds as replicates) is served with the board's aggregates (board/insights.controller.ts).

  @Get(':id/front')
  @ApiOperation({
    summary:
      'Pareto front of the finished configs (seeds pooled): over search.objectives for a pareto search, else the sweep metric and effective params; 409 for a space with distributions',
  })
  async front(@Param('id', ParseUUIDPipe) id: string) {
    const s = await this.sweeps.get(id);
    return this.fronts.front(id, storedSpec(s.spec, id), s.metric, s.maximize);
  }

  @Get(':id/verdicts')
  @ApiOperation({ summary: 'Reproduction verdicts: of this run, or (?as=origin) the history of every run that reproduced this sweep' })
  verdicts(@Param('id', ParseUUIDPipe) id: string, @Query('as') as?: string, @Query('groupHash') groupHash?: string) {
    return this.sweeps.verdicts(id, as === 'origin', groupHash);
  }

  @Post(':id/cancel')
  @Access('submit')
  @HttpCode(200)
  @ApiOperation({ summary: "Cancel queued and running trials of a sweep (a submit token: its own sweeps; admin: anyone's)" })
  cancel(@Param('id', ParseUUIDPipe) id: string, @CurrentCaller() caller: Caller) {
    return this.sweeps.cancel(id, caller);
  }

  @Post(':id/extend')
  @Access('submit')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Add trials to a grid or random sweep: { seeds: [3, 4] } more replicates, { set: { "adapter.rank": [4] } } more values of an axis; ' +
      "the sweep's trials and results are untouched (a submit token: its own sweeps; admin: anyone's)",
  })
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        seeds: { type: 'array', items: { type: 'integer', minimum: 0 }, example: [3, 4] },
        set: { type: 'object', additionalProperties: true, example: { 'adapter.rank': [4] }, description: 'dotted spec path → a value or a list of values joining that axis' },
      },
    },
  })
  extend(@Param('id', ParseUUIDPipe) id: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.sweeps.extend(id, body, caller);
  }

  @Sse(':id/events')
  @UseInterceptors(SseLimitInterceptor)
  @ApiOperation({ summary: 'Server-sent events: {type:"trial",trial} on each change, {type:"sweep",sweep} summaries' })
  events(@Param('id', ParseUUIDPipe) id: string): Observable<MessageEvent> {
    return this.live.stream(id);
  }
}

/** A query parameter that must be one sweep id. */
function uuidParam(name: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw new BadRequestException({ message: `${name}: must be a sweep id`, issues: [{ path: name, message: 'must be a sweep id (a UUID)' }] });
  }
  return value;
}
