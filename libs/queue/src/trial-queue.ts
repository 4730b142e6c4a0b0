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
export type TrainingJobData = TrainingJobOf<'train'> | TrainingJobOf<'fanout'>;

/** One of a shared training's jobs. */
export interface TrainingJobOf<K extends 'train' | 'fanout'> {
  kind: K;
  trainingId: string;
  sweepId: string;
  /** The training's segment these jobs belong to (see {@link trainJobId}); absent: 0, the first. */
  segment?: number;
}

/** Any job on the trial queue. */
export type SweepJobData = TrialJobData | TrainingJobData;

/** A shared training to enqueue as a flow. */
export interface TrainingJobSpec {
  trainingId: string;
  sweepId: string;
  /** Attempts of the training job (1 + retries). */
  maxAttempts: number;
  /** The training's segment (trial_training.segment). @defaultValue 0 */
  segment?: number;
  /** A training an ASHA rung promoted: ahead of fresh trainings, as promoted trials are. */
  first?: boolean;
}

/**
 * Job id of a shared training's training job (BullMQ ids may not contain ':'). A training paused at
 * an ASHA rung and promoted runs on as a new segment: BullMQ keeps a completed job's id for an hour
 * and adding a kept id adds nothing, so each segment's jobs have ids of their own (the first keeps
 * the plain ones).
 */
export const trainJobId = (trainingId: string, segment = 0): string => `train-${trainingId}${segment > 0 ? `-${segment}` : ''}`;
/** Job id of a shared training's fan-out job, the flow's parent (per segment, as {@link trainJobId}). */
export const fanoutJobId = (trainingId: string, segment = 0): string => `fanout-${trainingId}${segment > 0 ? `-${segment}` : ''}`;

/**
 * BullMQ priorities of the queue's jobs (lower runs first, FIFO within one). A shared training's
 * fan-out and the evaluations it starts go before any training still waiting, so a sweep's first
 * results come in as soon as its first training is done instead of after the last one; so do trials
 * an ASHA rung promoted (`promotion: pause`), which continue from their checkpoint.
 */
export const JOB_PRIORITY = { evaluate: 1, promoted: 1, train: 2 } as const;

export interface TrialJobSpec extends TrialJobData {
  /** Attempts before the trial is failed (1 + retries). */
  maxAttempts: number;
  /** BullMQ priority, lower runs first. @defaultValue JOB_PRIORITY.train */
  priority?: number;
  /** An ASHA promotion: ahead of fresh trials (JOB_PRIORITY.promoted) unless `priority` says otherwise. */
  first?: boolean;
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
    // an ASHA promotion goes before fresh trials (and waits behind nothing but other promotions and evaluations)
    priority: t.priority ?? (t.first ? JOB_PRIORITY.promoted : JOB_PRIORITY.train),
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
   * for good, instead of waiting forever. Job ids are fixed per segment, so adding a flow twice adds
   * nothing; a training paused at a rung completes both jobs (the fan-out finds nothing to do) and
   * its promotion adds the next segment's flow.
   */
  async enqueueTrainings(trainings: TrainingJobSpec[]): Promise<void> {
    for (let i = 0; i < trainings.length; i += 500) {
      await this.flows.addBulk(
        trainings.slice(i, i + 500).map((t) => ({
          name: 'fanout',
          queueName: TRIAL_QUEUE,
          data: { kind: 'fanout', trainingId: t.trainingId, sweepId: t.sweepId, segment: t.segment ?? 0 } satisfies TrainingJobData,
          opts: { jobId: fanoutJobId(t.trainingId, t.segment), priority: JOB_PRIORITY.evaluate, removeOnComplete: { age: 3600, count: 10_000 }, removeOnFail: { age: 24 * 3600, count: 10_000 } },
          children: [
            {
              name: 'train',
              queueName: TRIAL_QUEUE,
              data: { kind: 'train', trainingId: t.trainingId, sweepId: t.sweepId, segment: t.segment ?? 0 } satisfies TrainingJobData,
              opts: {
                ...jobOptions({ trialId: trainJobId(t.trainingId, t.segment), sweepId: t.sweepId, maxAttempts: t.maxAttempts, first: t.first }),
                ignoreDependencyOnFailure: true,
              },
            },
          ],
        })),
      );
    }
  }

  /**
   * Removes a shared training's flow of that segment if neither of its jobs is running (the parent
   * removes its child with it); false when one is active. An earlier segment's jobs are completed
   * (that is how a segment ends) and expire by themselves.
   */
  async removeTrainingIfIdle(trainingId: string, segment = 0): Promise<boolean> {
    const child = await this.queue.getJob(trainJobId(trainingId, segment));
    if (child && (await child.getState()) === 'active') return false;
    return (await this.removeIfIdle(fanoutJobId(trainingId, segment))) && (await this.removeIfIdle(trainJobId(trainingId, segment)));
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
