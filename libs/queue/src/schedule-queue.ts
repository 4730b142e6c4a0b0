import { Queue, Worker, type Job } from 'bullmq';
import { redisConnection } from './connection.js';

/** Queue whose jobs are schedule ticks; BullMQ job schedulers put one job per tick on it. */
export const SCHEDULE_QUEUE = 'tinysweep-schedules';

export interface ScheduleTick {
  scheduleId: string;
  /** Present for "run now"; scheduler ticks carry their time in the job id. */
  firedAt?: number;
}

/**
 * The clock of schedules. A BullMQ job scheduler per schedule keeps the next tick in Redis, so
 * ticks survive restarts, and a tick is one job, so with several API replicas exactly one of
 * them runs it. Postgres adds the second guard: one run per (schedule, tick).
 */
export class ScheduleQueue {
  readonly queue: Queue<ScheduleTick>;

  constructor(private readonly redisUrl: string) {
    this.queue = new Queue<ScheduleTick>(SCHEDULE_QUEUE, { connection: redisConnection(redisUrl) });
  }

  /** Starts (or updates) ticking for a schedule. */
  async start(scheduleId: string, cron: string, timeZone: string): Promise<void> {
    await this.queue.upsertJobScheduler(
      scheduleId,
      { pattern: cron, tz: timeZone },
      { name: 'tick', data: { scheduleId }, opts: { removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } } },
    );
  }

  async stop(scheduleId: string): Promise<void> {
    await this.queue.removeJobScheduler(scheduleId);
  }

  /**
   * Makes Redis tick for exactly these schedules (Postgres's active ones), as they are there: a
   * scheduler missing (Redis restarted empty, or lost its last writes), different, or without its
   * next tick's job is written again; one for a schedule not listed (deleted, paused) is removed.
   * The list was read a moment ago and schedules change meanwhile (one created, one paused), so
   * `stillActive` is asked again, per schedule, just before each change. Returns the ids it
   * (re)started and removed.
   */
  async sync(
    active: ReadonlyArray<{ id: string; cron: string; timeZone: string }>,
    stillActive: (id: string) => Promise<boolean>,
  ): Promise<{ started: string[]; removed: string[] }> {
    const started: string[] = [];
    for (const s of active) {
      const current = await this.queue.getJobScheduler(s.id);
      const ticking =
        current?.pattern === s.cron &&
        (current.tz ?? 'UTC') === s.timeZone &&
        current.next !== undefined &&
        (await this.queue.getJob(`repeat:${s.id}:${current.next}`)) !== undefined;
      if (ticking || !(await stillActive(s.id))) continue;
      await this.start(s.id, s.cron, s.timeZone);
      started.push(s.id);
    }
    const wanted = new Set(active.map((s) => s.id));
    const removed: string[] = [];
    for (const s of await this.queue.getJobSchedulers(0, -1)) {
      if (s.key && !wanted.has(s.key) && !(await stillActive(s.key))) {
        await this.stop(s.key);
        removed.push(s.key);
      }
    }
    return { started, removed };
  }

  /** One extra tick now ("run now"). */
  async runNow(scheduleId: string): Promise<number> {
    const firedAt = Date.now();
    await this.queue.add('tick', { scheduleId, firedAt }, { jobId: `now:${scheduleId}:${firedAt}`, removeOnComplete: { count: 1000 } });
    return firedAt;
  }

  /** When a schedule fires next, per Redis (null when it is not ticking). */
  async next(scheduleId: string): Promise<Date | null> {
    const s = await this.queue.getJobScheduler(scheduleId);
    return s?.next ? new Date(s.next) : null;
  }

  /**
   * Runs `onTick` for each tick; one worker per API process is enough (ticks are rare). `manual` is
   * true for "run now" ticks, which a user asked for even while the schedule is paused.
   */
  work(onTick: (tick: Required<ScheduleTick> & { manual: boolean }) => Promise<void>): Worker<ScheduleTick> {
    const handle = (job: Job<ScheduleTick>) => onTick({ scheduleId: job.data.scheduleId, firedAt: tickTime(job), manual: job.data.firedAt !== undefined });
    return new Worker<ScheduleTick>(SCHEDULE_QUEUE, handle, {
      connection: redisConnection(this.redisUrl),
      concurrency: 1,
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** The tick a job stands for: BullMQ names scheduler jobs `repeat:<scheduler id>:<millis>`. */
function tickTime(job: Job<ScheduleTick>): number {
  if (job.data.firedAt) return job.data.firedAt;
  const millis = Number(job.id?.split(':').pop());
  return Number.isFinite(millis) && millis > 0 ? millis : job.timestamp;
}
