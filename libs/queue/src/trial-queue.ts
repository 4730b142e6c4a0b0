import { FlowProducer, Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { redisConnection } from './connection.js';

/** Name of the BullMQ queue that carries one job per runnable trial. */
export const TRIAL_QUEUE = 'tinysweep-trials';

/** What a trial job carries: only ids — Postgres holds the truth, so a job can always be rebuilt. */
export interface TrialJobData {
  /** Absent on trial jobs (they came first); see {@link TrainingJobData}. */
  kind?: 'trial';
  trialId: string;
  sweepId: string;
}

/**
 * A shared training's jobs (trials that differ only in prune train once): `train` runs the training,
 * `fanout` (its flow parent) then enqueues the trials' own jobs, which prune and evaluate the result.
 */
export type TrainingJobData = { kind: 'train'; trainingId: string; sweepId: string } | { kind: 'fanout'; trainingId: string; sweepId: string };

/** Any job on the trial queue. */
export type SweepJobData = TrialJobData | TrainingJobData;

/** A shared training to enqueue as a flow. */
export interface TrainingJobSpec {
  trainingId: string;
  sweepId: string;
  /** Attempts of the training job (1 + retries). */
  maxAttempts: number;
}

/** Job id of a shared training's training job (BullMQ ids may not contain ':'). */
export const trainJobId = (trainingId: string): string => `train-${trainingId}`;
/** Job id of a shared training's fan-out job, the flow's parent. */
export const fanoutJobId = (trainingId: string): string => `fanout-${trainingId}`;

/**
 * BullMQ priorities of the queue's jobs (lower runs first, FIFO within one). A shared training's
 * fan-out and the evaluations it starts go before any training still waiting, so a sweep's first
 * results come in as soon as its first training is done instead of after the last one.
 */
export const JOB_PRIORITY = { evaluate: 1, train: 2 } as const;

export interface TrialJobSpec extends TrialJobData {
  /** Attempts before the trial is failed (1 + retries). */
  maxAttempts: number;
  /** BullMQ priority, lower runs first. @defaultValue JOB_PRIORITY.train */
  priority?: number;
}

/** Backoff between attempts of one trial; the first retry waits ~1 s. */
export const TRIAL_BACKOFF = { type: 'exponential', delay: 1000 } as const;

function jobOptions(t: TrialJobSpec): JobsOptions {
  return {
    // job id = trial id: enqueueing the same trial twice is a no-op, which makes the
    // API's enqueue and the reconciler's re-enqueue safe to race.
    jobId: t.trialId,
    attempts: Math.max(1, t.maxAttempts),
    backoff: TRIAL_BACKOFF,
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 24 * 3600, count: 10_000 },
    priority: t.priority ?? JOB_PRIORITY.train,
  };
}

/**
 * The producer side of the trial queue: the API enqueues, the reconciler re-enqueues,
 * cancellation removes waiting jobs.
 */
export class TrialQueue {
  readonly queue: Queue<TrialJobData>;
  /** Adds shared trainings as flows (see {@link enqueueTrainings}). */
  private readonly flows: FlowProducer;
  /** Plain connection for pipelined existence checks, which BullMQ's backend does not expose. */
  private readonly redis: Redis;

  constructor(redisUrl: string) {
    this.queue = new Queue<TrialJobData>(TRIAL_QUEUE, { connection: redisConnection(redisUrl) });
    this.flows = new FlowProducer({ connection: redisConnection(redisUrl) });
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
    this.redis.on('error', () => undefined); // reconnects by itself; callers see failed commands
  }

  /** Adds one job per trial in bulk batches (one round trip per 1,000 jobs). */
  async enqueue(trials: TrialJobSpec[]): Promise<void> {
    for (let i = 0; i < trials.length; i += 1000) {
      const batch = trials.slice(i, i + 1000);
      await this.queue.addBulk(
        batch.map((t) => ({ name: 'trial', data: { trialId: t.trialId, sweepId: t.sweepId }, opts: jobOptions(t) })),
      );
    }
  }

  /**
   * Adds one flow per shared training, on this queue:
   *
   *   fanout-<training>            parent: runs once its child completed; enqueues the trials' own
   *     └─ train-<training>        jobs (job id = trial id), each pruning and evaluating the result
   *
   * Why this shape: a BullMQ job has at most one parent, and a parent waits for its children — so
   * the N prune-and-evaluate jobs cannot all be parents of the one training job (the training would
   * need N parents), nor its children (they would run first). A fan-out parent per training is the
   * one job that can wait for the training and then start N jobs. The child carries the retries;
   * `ignoreDependencyOnFailure` lets the parent run (and find nothing to do) when the training fails
   * for good, instead of waiting forever. Job ids are fixed, so adding a flow twice adds nothing.
   */
  async enqueueTrainings(trainings: TrainingJobSpec[]): Promise<void> {
    for (let i = 0; i < trainings.length; i += 500) {
      await this.flows.addBulk(
        trainings.slice(i, i + 500).map((t) => ({
          name: 'fanout',
          queueName: TRIAL_QUEUE,
          data: { kind: 'fanout', trainingId: t.trainingId, sweepId: t.sweepId } satisfies TrainingJobData,
          opts: { jobId: fanoutJobId(t.trainingId), priority: JOB_PRIORITY.evaluate, removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 24 * 3600, count: 10_000 } },
          children: [
            {
              name: 'train',
              queueName: TRIAL_QUEUE,
              data: { kind: 'train', trainingId: t.trainingId, sweepId: t.sweepId } satisfies TrainingJobData,
              opts: {
                ...jobOptions({ trialId: trainJobId(t.trainingId), sweepId: t.sweepId, maxAttempts: t.maxAttempts }),
                ignoreDependencyOnFailure: true,
              },
            },
          ],
        })),
      );
    }
  }

  /**
   * Removes a shared training's flow if neither of its jobs is running (the parent removes its
   * child with it); false when one is active.
   */
  async removeTrainingIfIdle(trainingId: string): Promise<boolean> {
    const child = await this.queue.getJob(trainJobId(trainingId));
    if (child && (await child.getState()) === 'active') return false;
    return (await this.removeIfIdle(fanoutJobId(trainingId))) && (await this.removeIfIdle(trainJobId(trainingId)));
  }

  /**
   * Enqueues trials whose jobs may have finished before under the same id (a trial job that found its
   * training not done yet): finished jobs are removed first; active ones are left alone.
   */
  async enqueueFresh(trials: TrialJobSpec[]): Promise<void> {
    for (const t of trials) await this.removeIfIdle(t.trialId);
    await this.enqueue(trials);
  }

  /**
   * Enqueues a trial that ran before: a finished job kept under the same id would make
   * a plain add a no-op, so it is removed first. Refuses (false) while the job is active.
   */
  async requeue(t: TrialJobSpec): Promise<boolean> {
    if (!(await this.removeIfIdle(t.trialId))) return false;
    await this.enqueue([t]);
    return true;
  }

  /**
   * Removes a trial's job if it is not being processed. Returns false when the job is
   * active (locked by a worker), in which case cancellation goes through the CancelBus.
   */
  async removeIfIdle(trialId: string): Promise<boolean> {
    const job = await this.queue.getJob(trialId);
    if (!job) return true;
    const state = await job.getState();
    if (state === 'active') return false;
    try {
      await job.remove();
      return true;
    } catch {
      return false; // picked up between getState and remove
    }
  }

  /** State of a trial's job, or 'missing' when Redis has no job for it. */
  async stateOf(trialId: string): Promise<string> {
    const job = await this.queue.getJob(trialId);
    if (!job) return 'missing';
    return job.getState();
  }

  /**
   * For each job id: 'missing' (Redis has no such job), 'completed' or 'failed' (a finished job no
   * worker looks at again), else 'open' (waiting, delayed, active, …) — one pipelined round trip.
   */
  async jobStates(ids: string[]): Promise<Array<'missing' | 'completed' | 'failed' | 'open'>> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    const completed = this.queue.toKey('completed');
    const failed = this.queue.toKey('failed');
    for (const id of ids) pipeline.exists(this.queue.toKey(id)).zscore(completed, id).zscore(failed, id);
    const replies = (await pipeline.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
    return ids.map((_, i) => {
      const [exists, inCompleted, inFailed] = replies.slice(3 * i, 3 * i + 3).map(([, v]) => v);
      if (exists !== 1) return 'missing';
      if (inCompleted !== null) return 'completed';
      if (inFailed !== null) return 'failed';
      return 'open';
    });
  }

  /** Round trip to Redis (health checks). */
  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await Promise.all([this.queue.close(), this.flows.close()]);
  }
}
