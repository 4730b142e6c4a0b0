import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, ConflictException } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SweepRepository, TrialRepository } from '@tinysweep/db';
import { SweepEvents, TrialQueue } from '@tinysweep/queue';
import { storedSpec } from '@tinysweep/spec';
import { Access, CurrentCaller, type Caller } from '../auth/access.js';
import { SweepsService } from '../sweeps/sweeps.service.js';
import { TryItService } from './try-it.service.js';

@ApiTags('trials')
@ApiBearerAuth()
@Access('read')
@Controller('trials')
export class TrialsController {
  constructor(
    @Inject(TrialRepository) private readonly trials: TrialRepository,
    @Inject(SweepRepository) private readonly sweeps: SweepRepository,
    @Inject(TrialQueue) private readonly queue: TrialQueue,
    @Inject(SweepEvents) private readonly events: SweepEvents,
    @Inject(TryItService) private readonly tryItService: TryItService,
    @Inject(SweepsService) private readonly sweepsService: SweepsService,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'One trial with its learning curve, adapter, log tail and attempt history' })
  async get(@Param('id', ParseUUIDPipe) id: string) {
    const t = await this.trials.detail(id);
    if (!t) throw new NotFoundException(`trial ${id} not found`);
    return t;
  }

  @Post(':id/retry')
  @Access('submit')
  @HttpCode(200)
  @ApiOperation({ summary: "Run a finished (succeeded, failed or cancelled) trial again (a submit token: its own sweeps' trials; admin: anyone's)" })
  async retry(@Param('id', ParseUUIDPipe) id: string, @CurrentCaller() caller: Caller) {
    const before = await this.trials.get(id);
    if (!before) throw new NotFoundException(`trial ${id} not found`);
    await this.sweepsService.assertMayChange(before.sweepId, caller, 'retrying a trial of');
    const t = await this.trials.retry(id);
    if (!t) throw new ConflictException(`trial ${id} is ${before.status}; only finished trials can be retried`);
    const spec = storedSpec(await this.sweeps.spec(t.sweepId), t.sweepId);
    // The finished job may still be kept in Redis under the same id; requeue replaces it.
    await this.queue.requeue({ trialId: t.id, sweepId: t.sweepId, maxAttempts: spec.budget.retries + 1 });
    this.events.publish({ sweepId: t.sweepId, trialId: t.id, kind: 'started' });
    return t;
  }

  @Post(':id/try')
  @Access('submit')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Try it: greedy completions of the base model and of this trial's adapter, side by side, from a live trainer. " +
      '400 names the bad field; 404 unknown trial; 409 not a succeeded tinylora trial; 503 no live trainer can generate',
  })
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        prompt: { type: 'string', example: 'One day, there was a little girl named' },
        prompts: { type: 'array', items: { type: 'string' }, maxItems: 8, description: 'instead of prompt' },
        maxNewTokens: { type: 'integer', minimum: 1, maximum: 256, description: "default: the trial's task.maxNewTokens" },
      },
    },
  })
  tryIt(@Param('id', ParseUUIDPipe) id: string, @Body() body: unknown) {
    return this.tryItService.tryIt(id, body);
  }
}
