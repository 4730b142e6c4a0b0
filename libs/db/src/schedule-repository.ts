import type { Database, Prisma } from './database.js';
import type { JsonObject, NewSchedule, Schedule, ScheduleMode } from './domain.js';

type ScheduleRow = Awaited<ReturnType<Prisma['schedule']['findFirstOrThrow']>>;

function toSchedule(r: ScheduleRow): Schedule {
  return {
    id: r.id,
    name: r.name,
    cron: r.cron,
    timeZone: r.timeZone,
    sourceSweepId: r.sourceSweep,
    spec: (r.spec as JsonObject | null) ?? null,
    mode: r.mode as ScheduleMode,
    topK: r.topK,
    tolerance: r.tolerance,
    extraSeeds: r.extraSeeds,
    webhookUrl: r.webhookUrl,
    owner: r.owner,
    paused: r.paused,
    createdAt: r.createdAt,
    lastFiredAt: r.lastFiredAt,
  };
}

/** Schedules that re-run sweeps; the ticking itself is a BullMQ job scheduler (libs/queue). */
export class ScheduleRepository {
  private readonly prisma: Prisma;

  constructor(db: Database) {
    this.prisma = db.prisma;
  }

  async create(s: NewSchedule): Promise<Schedule> {
    const row = await this.prisma.schedule.create({
      data: {
        name: s.name,
        cron: s.cron,
        timeZone: s.timeZone,
        sourceSweep: s.sourceSweepId,
        spec: (s.spec ?? undefined) as object | undefined,
        mode: s.mode,
        topK: s.topK,
        tolerance: s.tolerance,
        extraSeeds: s.extraSeeds,
        webhookUrl: s.webhookUrl,
        owner: s.owner,
      },
    });
    return toSchedule(row);
  }

  async get(id: string): Promise<Schedule | null> {
    const row = await this.prisma.schedule.findUnique({ where: { id } });
    return row ? toSchedule(row) : null;
  }

  async list(): Promise<Schedule[]> {
    return (await this.prisma.schedule.findMany({ orderBy: { createdAt: 'desc' } })).map(toSchedule);
  }

  async setPaused(id: string, paused: boolean): Promise<Schedule | null> {
    const n = await this.prisma.schedule.updateMany({ where: { id }, data: { paused } });
    return n.count ? this.get(id) : null;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.prisma.schedule.deleteMany({ where: { id } })).count > 0;
  }

  /** A schedule that carried its own spec reproduces its first run from then on. */
  async setSource(id: string, sweepId: string): Promise<void> {
    await this.prisma.schedule.updateMany({ where: { id, sourceSweep: null }, data: { sourceSweep: sweepId } });
  }

  async markFired(id: string, at: Date): Promise<void> {
    await this.prisma.schedule.updateMany({ where: { id }, data: { lastFiredAt: at } });
  }
}
