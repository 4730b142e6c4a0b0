import { Controller, Get, HttpCode, Inject, NotFoundException, Param, ParseUUIDPipe, Post, ConflictException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SweepRepository, TrialRepository } from '@tinysweep/db';
import { SweepEvents, TrialQueue } from '@tinysweep/queue';
import type { SweepSpec } from '@tinysweep/spec';

@ApiTags('trials')
@Controller('trials')
export class TrialsController {
  constructor(
    @Inject(TrialRepository) private readonly trials: TrialRepository,
    @Inject(SweepRepository) private readonly sweeps: SweepRepository,
    @Inject(TrialQueue) private readonly queue: TrialQueue,
    @Inject(SweepEvents) private readonly events: SweepEvents,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'One trial with its learning curve, adapter, log tail and attempt history' })
  async get(@Param('id', ParseUUIDPipe) id: string) {
    const t = await this.trials.detail(id);
    if (!t) throw new NotFoundException(`trial ${id} not found`);
    return t;
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a finished (succeeded, failed or cancelled) trial again' })
  async retry(@Param('id', ParseUUIDPipe) id: string) {
    const before = await this.trials.get(id);
    if (!before) throw new NotFoundException(`trial ${id} not found`);
    const t = await this.trials.retry(id);
    if (!t) throw new ConflictException(`trial ${id} is ${before.status}; only finished trials can be retried`);
    const spec = (await this.sweeps.spec(t.sweepId)) as unknown as SweepSpec;
    // The finished job may still be kept in Redis under the same id; requeue replaces it.
    await this.queue.requeue({ trialId: t.id, sweepId: t.sweepId, maxAttempts: spec.budget.retries + 1 });
    await this.sweeps.refreshStatus(t.sweepId);
    this.events.publish({ sweepId: t.sweepId, trialId: t.id, kind: 'started' });
    return t;
  }
}
