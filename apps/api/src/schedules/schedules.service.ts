import { BadRequestException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ScheduleRepository, SweepRepository, type Schedule, type Sweep } from '@tinysweep/db';
import { ScheduleQueue } from '@tinysweep/queue';
import { parseSweepSpec, planSweep, redactSpec, SpecError, type SweepSpec } from '@tinysweep/spec';
import { mayChange, type Caller } from '../auth/access.js';
import { API_CONFIG, type ApiConfig } from '../config/api.config.js';
import { redactUrl } from '../security/redact.js';
import { SweepsService } from '../sweeps/sweeps.service.js';
import { CreateScheduleBody, smallestCronInterval } from './dto/create-schedule.dto.js';
import { withFreshSeeds } from './reproductions.js';
import { webhookUrlProblem } from './webhook.js';

export interface ScheduleView extends Schedule {
  /** Next tick per Redis; null when paused. */
  nextRunAt: Date | null;
  /** The sweep it reproduces; null until a schedule with a spec of its own has first fired. */
  origin: { id: string; name: string } | null;
  /** Its newest run (verdict null until judged), so a list of schedules shows drift in one request. */
  lastRun: Sweep | null;
}

const invalid = (path: string, message: string) => new BadRequestException({ message: 'invalid schedule', issues: [{ path, message }] });

/**
 * Schedules: rows in Postgres, ticks from a BullMQ job scheduler of the same id. What the API shows
 * of one has its webhook URL and its spec's backend.env values redacted.
 */
@Injectable()
export class SchedulesService {
  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(ScheduleRepository) private readonly schedules: ScheduleRepository,
    @Inject(SweepRepository) private readonly sweeps: SweepRepository,
    @Inject(ScheduleQueue) private readonly ticks: ScheduleQueue,
    @Inject(SweepsService) private readonly sweepSpecs: SweepsService,
  ) {}

  async create(body: unknown, owner: string | null = null): Promise<ScheduleView> {
    const parsed = CreateScheduleBody.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new BadRequestException({ message: 'invalid schedule', issues });
    }
    const b = parsed.data;
    const every = smallestCronInterval(b.cron, b.timeZone);
    const floor = this.config.TINYSWEEP_MIN_CRON_SECONDS;
    if (every < floor) throw invalid('cron', `fires every ${every} s at times; this server allows at most one run per ${floor} s (TINYSWEEP_MIN_CRON_SECONDS)`);
    if (b.webhookUrl !== undefined) {
      const problem = webhookUrlProblem(b.webhookUrl, { allowHttp: this.config.TINYSWEEP_WEBHOOK_ALLOW_HTTP, allowPrivate: this.config.TINYSWEEP_WEBHOOK_ALLOW_PRIVATE });
      if (problem) throw invalid('webhookUrl', problem);
    }
    let name = b.name;
    let reproduced: SweepSpec | null = null;
    if (b.sweepId) {
      const origin = await this.sweeps.get(b.sweepId);
      if (!origin) throw new BadRequestException({ message: 'invalid schedule', issues: [{ path: 'sweepId', message: `no sweep ${b.sweepId}` }] });
      name ??= `reproduce ${origin.name}`;
      reproduced = parseSweepSpec(origin.spec);
    }
    // A spec is validated now, with the server's limits (SpecError → 400), so a tick never meets a bad one.
    const spec = b.spec ? this.sweepSpecs.parse(b.spec) : null;
    name ??= `reproduce ${spec?.name ?? 'sweep'}`;
    // …nor a run its fresh seeds take past the budget (which would fail every tick).
    const runSpec = spec ?? reproduced;
    if (runSpec && b.extraSeeds > 0) {
      try {
        planSweep(withFreshSeeds(runSpec, b.extraSeeds));
      } catch (err) {
        if (err instanceof SpecError) throw invalid('extraSeeds', `${b.extraSeeds} fresh seeds make a run too big: ${err.issues.map((i) => i.message).join('; ')}`);
        throw err;
      }
    }
    const schedule = await this.schedules.create({
      name,
      cron: b.cron,
      timeZone: b.timeZone,
      sourceSweepId: b.sweepId ?? null,
      spec: spec as unknown as Schedule['spec'],
      mode: b.mode,
      topK: b.topK ?? null,
      tolerance: b.tolerance,
      extraSeeds: b.extraSeeds,
      webhookUrl: b.webhookUrl ?? null,
      owner,
    });
    await this.ticks.start(schedule.id, schedule.cron, schedule.timeZone);
    return this.view(schedule);
  }

  async list(): Promise<ScheduleView[]> {
    return Promise.all((await this.schedules.list()).map((s) => this.view(s)));
  }

  async get(id: string): Promise<ScheduleView> {
    const s = await this.schedules.get(id);
    if (!s) throw new NotFoundException(`schedule ${id} not found`);
    return this.view(s);
  }

  /** Throws 404 for no such schedule, 403 when `caller` may not change it (see mayChange). */
  private async assertMayChange(id: string, caller: Caller, what: string): Promise<void> {
    const s = await this.schedules.get(id);
    if (!s) throw new NotFoundException(`schedule ${id} not found`);
    if (!mayChange(caller, s.owner)) throw new ForbiddenException(`${what} a schedule ${s.owner === null ? 'created without a token' : `created by ${s.owner}`} needs an admin token`);
  }

  async setPaused(id: string, paused: boolean, caller: Caller): Promise<ScheduleView> {
    await this.assertMayChange(id, caller, paused ? 'pausing' : 'resuming');
    const s = await this.schedules.setPaused(id, paused);
    if (!s) throw new NotFoundException(`schedule ${id} not found`);
    if (paused) await this.ticks.stop(id);
    else await this.ticks.start(id, s.cron, s.timeZone);
    return this.view(s);
  }

  async delete(id: string, caller: Caller): Promise<void> {
    await this.assertMayChange(id, caller, 'deleting');
    await this.ticks.stop(id);
    if (!(await this.schedules.delete(id))) throw new NotFoundException(`schedule ${id} not found`);
  }

  async runNow(id: string, caller: Caller): Promise<{ firedAt: Date }> {
    await this.assertMayChange(id, caller, 'running');
    return { firedAt: new Date(await this.ticks.runNow(id)) };
  }

  private async view(s: Schedule): Promise<ScheduleView> {
    const [nextRunAt, origin, runs] = await Promise.all([
      s.paused ? null : this.ticks.next(s.id).catch(() => null),
      s.sourceSweepId ? this.sweeps.get(s.sourceSweepId) : null,
      this.sweeps.list(1, 0, { scheduleId: s.id }),
    ]);
    return {
      ...s,
      spec: redactSpec(s.spec),
      webhookUrl: s.webhookUrl === null ? null : redactUrl(s.webhookUrl),
      nextRunAt,
      origin: origin ? { id: origin.id, name: origin.name } : null,
      lastRun: runs[0] ?? null,
    };
  }
}
