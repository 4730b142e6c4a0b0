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
