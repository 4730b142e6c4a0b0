import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { ScheduleRepository, SweepRepository, type Schedule, type Sweep } from '@tinysweep/db';
import { ScheduleQueue } from '@tinysweep/queue';
import { parseSweepSpec } from '@tinysweep/spec';
import { CreateScheduleBody } from './dto/create-schedule.dto.js';

export interface ScheduleView extends Schedule {
  /** Next tick per Redis; null when paused. */
  nextRunAt: Date | null;
  /** The sweep it reproduces; null until a schedule with a spec of its own has first fired. */
  origin: { id: string; name: string } | null;
  /** Its newest run (verdict null until judged), so a list of schedules shows drift in one request. */
  lastRun: Sweep | null;
}

/** Schedules: rows in Postgres, ticks from a BullMQ job scheduler of the same id. */
@Injectable()
export class SchedulesService {
  constructor(
    @Inject(ScheduleRepository) private readonly schedules: ScheduleRepository,
    @Inject(SweepRepository) private readonly sweeps: SweepRepository,
    @Inject(ScheduleQueue) private readonly ticks: ScheduleQueue,
  ) {}

  async create(body: unknown): Promise<ScheduleView> {
    const parsed = CreateScheduleBody.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      throw new BadRequestException({ message: 'invalid schedule', issues });
    }
    const b = parsed.data;
    let name = b.name;
    if (b.sweepId) {
      const origin = await this.sweeps.get(b.sweepId);
      if (!origin) throw new BadRequestException({ message: 'invalid schedule', issues: [{ path: 'sweepId', message: `no sweep ${b.sweepId}` }] });
      name ??= `reproduce ${origin.name}`;
    }
    // A spec is validated now (SpecError → 400), so a tick never meets a bad one.
    const spec = b.spec ? parseSweepSpec(b.spec) : null;
    name ??= `reproduce ${spec?.name ?? 'sweep'}`;
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

  async setPaused(id: string, paused: boolean): Promise<ScheduleView> {
    const s = await this.schedules.setPaused(id, paused);
    if (!s) throw new NotFoundException(`schedule ${id} not found`);
    if (paused) await this.ticks.stop(id);
    else await this.ticks.start(id, s.cron, s.timeZone);
    return this.view(s);
  }

  async delete(id: string): Promise<void> {
    await this.ticks.stop(id);
    if (!(await this.schedules.delete(id))) throw new NotFoundException(`schedule ${id} not found`);
  }

  async runNow(id: string): Promise<{ firedAt: Date }> {
    await this.get(id);
    return { firedAt: new Date(await this.ticks.runNow(id)) };
  }

  private async view(s: Schedule): Promise<ScheduleView> {
    const [nextRunAt, origin, runs] = await Promise.all([
      s.paused ? null : this.ticks.next(s.id).catch(() => null),
      s.sourceSweepId ? this.sweeps.get(s.sourceSweepId) : null,
      this.sweeps.list(1, 0, { scheduleId: s.id }),
    ]);
    return { ...s, nextRunAt, origin: origin ? { id: origin.id, name: origin.name } : null, lastRun: runs[0] ?? null };
  }
}
