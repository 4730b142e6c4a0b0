import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { CheckpointRepository, Database, SearchRepository, SweepRepository, TrainingRepository, TrialRepository } from '@tinysweep/db';
import { TrainerFleet } from '@tinysweep/fleet';
import { trainerChannelCredentials } from '@tinysweep/proto';
import { loadTlsMaterial } from '@tinysweep/tls';
import { CancelBus, SweepEvents, TRIAL_QUEUE, TrialQueue, redisConnection, type SweepJobData } from '@tinysweep/queue';
import type { Logger } from 'pino';
import type { DispatcherConfig } from './config.js';
import { InterruptedError, isInfrastructureError } from './interruption.js';
import { NodeProber } from './node-prober.js';
import { Reconciler } from './reconciler.js';
import { SearchDriver } from './search-driver.js';
import { StepWriter } from './step-writer.js';
import { SweepSpecs } from './sweep-specs.js';
import { TrainerClients } from './trainer-clients.js';
import { TrainerProtocols } from './trainer-protocols.js';
import { TrainingRunner } from './training-runner.js';
import { SHUTDOWN_REASON, TrainerBusyError, TrainerLostError, TrialRunner, type RunResult } from './trial-runner.js';

/** How often the worker's concurrency is matched to the live trainer slots. */
const CAPACITY_EVERY_MS = 1000;

/** How often trainers marked unreachable are dialled to see whether they are back. */
const PROBE_EVERY_MS = 2000;

/** BullMQ's error for a job that stalled past maxStalledCount (its dispatchers kept dying, not the trial failing). */
const STALLED = /stalled more than allowable limit/;

/**
 * The dispatcher process: a BullMQ worker whose concurrency follows the fleet's slots, a
 * TrialRunner per trial job (a TrainingRunner for a shared training's two jobs), the SearchDriver
 * (asha stops, pareto proposals), cancellation from the CancelBus, and the Reconciler.
 */
export class Dispatcher {
  private readonly db: Database;
  private readonly trials: TrialRepository;
  private readonly trainings: TrainingRepository;
  private readonly search: SearchDriver;
  private readonly fleet: TrainerFleet;
  private readonly queue: TrialQueue;
  private readonly cancels: CancelBus;
  private readonly events: SweepEvents;
  private readonly clients: TrainerClients;
  private readonly steps: StepWriter;
  private readonly reconciler: Reconciler;
  private readonly prober: NodeProber;
  /** Interruptions in a row per job: the pause before it runs again doubles with each. */
  private readonly interruptions = new Map<string, number>();
  private readonly runner: TrialRunner;
  private readonly trainingRunner: TrainingRunner;
  /** The worker taking new jobs; replaced when capacity grows (see followCapacity). */
  private worker?: Worker<SweepJobData, RunResult>;
  /** Every worker with jobs still running, the current one included. */
  private readonly workers = new Set<Worker<SweepJobData, RunResult>>();
  private capacityTimer?: NodeJS.Timeout;

  constructor(private readonly config: DispatcherConfig, private readonly log: Logger) {
    this.db = new Database(config.DATABASE_URL, { poolSize: 10 });
    const trials = (this.trials = new TrialRepository(this.db));
    const sweeps = new SweepRepository(this.db);
    const specs = new SweepSpecs(sweeps);
    this.fleet = new TrainerFleet(config.REDIS_URL, {
      heartbeatTimeoutMs: config.TINYSWEEP_HEARTBEAT_TIMEOUT_MS,
      leaseTtlMs: config.TINYSWEEP_LEASE_TTL_MS,
    });
    this.queue = new TrialQueue(config.REDIS_URL);
    this.cancels = new CancelBus(config.REDIS_URL);
    this.events = new SweepEvents(config.REDIS_URL);
    const tls = loadTlsMaterial({ ca: config.TINYSWEEP_TLS_CA, cert: config.TINYSWEEP_TLS_CERT, key: config.TINYSWEEP_TLS_KEY }, 'dispatcher TLS');
    this.clients = new TrainerClients(trainerChannelCredentials(tls, config.TINYSWEEP_ALLOW_PLAINTEXT), config.TINYSWEEP_TRAINER_TOKEN);
    this.steps = new StepWriter(trials, {
      flushMs: config.TINYSWEEP_STEP_FLUSH_MS,
      onDropped: (count, reason) => log.warn({ count, reason }, 'curve points not stored'),
    });
    const trainings = (this.trainings = new TrainingRepository(this.db));
    const searches = new SearchRepository(this.db);
    this.search = new SearchDriver({ search: searches, specs, queue: this.queue, events: this.events, log });
    this.reconciler = new Reconciler(trials, trainings, this.queue, specs, log, { searches, driver: this.search }, { attemptGraceMs: 2 * config.TINYSWEEP_LOCK_MS });
    const protocols = new TrainerProtocols(this.clients, this.fleet, log);
    this.prober = new NodeProber(this.fleet, this.clients, log, protocols);
    const checkpoints = new CheckpointRepository(this.db);
    const deps = { trials, trainings, checkpoints, specs, fleet: this.fleet, clients: this.clients, protocols, steps: this.steps, events: this.events, search: this.search, log };
    this.runner = new TrialRunner(deps);
    this.trainingRunner = new TrainingRunner({ ...deps, queue: this.queue });
  }

  async start(): Promise<void> {
    this.worker = this.newWorker(Math.max(1, await this.fleet.totalSlots()));
    await this.cancels.subscribe(({ trialIds, reason }) => {
      for (const id of trialIds) for (const w of this.workers) w.cancelJob(id, reason);
    });
    this.capacityTimer = setInterval(() => void this.followCapacity(), CAPACITY_EVERY_MS);
    this.reconciler.start(this.config.TINYSWEEP_RECONCILE_MS);
    this.prober.start(PROBE_EVERY_MS);
  }

  private newWorker(concurrency: number): Worker<SweepJobData, RunResult> {
    const worker = new Worker<SweepJobData, RunResult>(TRIAL_QUEUE, (job, token, signal) => this.process(job, token, signal), {
      connection: redisConnection(this.config.REDIS_URL),
      name: this.config.TINYSWEEP_DISPATCHER_ID,
      concurrency,
      lockDuration: this.config.TINYSWEEP_LOCK_MS,
      stalledInterval: Math.max(1000, Math.floor(this.config.TINYSWEEP_LOCK_MS / 2)),
      // A job whose dispatcher died is run again; past this many stalls it fails for good.
      maxStalledCount: 3,
    });
    worker.on('error', (err) => this.log.warn({ err: err.message }, 'worker error'));
    worker.on('failed', (job, err) => {
      if (!job || err instanceof DelayedError) return;
      this.log.info({ jobId: job.id, attemptsMade: job.attemptsMade, err: err.message }, 'job attempt failed');
      // A job that stalled too often lost its dispatchers, not its trial: the reconciler runs it again.
      if (STALLED.test(err.message)) return;
      // Out of attempts (or unrecoverable): make sure Postgres does not keep the trial (or training) open.
      // If Postgres is away now, the reconciler finds the open trial behind the failed job later.
      if (job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError) {
        void this.failedForGood(job.data, err.message).catch((e: unknown) => this.log.warn({ jobId: job.id, err: (e as Error).message }, 'could not fail the trial yet; the reconciler will'));
      }
    });
    this.workers.add(worker);
    return worker;
  }

  private async failedForGood(data: SweepJobData, error: string): Promise<void> {
    if (data.kind === 'train') return this.trainingRunner.end(data, 'failed', error);
    if (data.kind === 'fanout') return;
    if (await this.trials.failOpen(data.trialId, error)) {
      await this.search.onFinished(data.sweepId, data.trialId);
    }
  }

  private async process(job: Job<SweepJobData, RunResult>, token?: string, signal?: AbortSignal): Promise<RunResult> {
    const attempts = { made: job.attemptsMade, allowed: job.opts.attempts ?? 1 };
    const data = job.data;
    const id = job.id ?? '';
    try {
      let result: RunResult;
      if (data.kind === 'fanout') result = await this.trainingRunner.fanOut(data);
      else if (data.kind === 'train') result = await this.trainingRunner.train(data, attempts, signal ?? new AbortController().signal);
      else result = await this.runner.run(data, attempts, signal ?? new AbortController().signal);
      this.interruptions.delete(id);
      return result;
    } catch (err) {
      if (err instanceof TrainerBusyError) {
        // Not the trial's fault: run it again shortly without spending one of its attempts.
        await job.moveToDelayed(Date.now() + 500, token);
        throw new DelayedError();
      }
      if (isInfrastructureError(err)) {
        // The dispatcher stopping, a trainer never reached, Postgres or Redis away: not the trial's
        // doing, so it runs again after a pause (1 s, 2 s, … 30 s) without spending an attempt.
        const n = (this.interruptions.get(id) ?? 0) + 1;
        if (this.interruptions.size > 10_000) this.interruptions.clear(); // jobs finished elsewhere leave entries behind
        this.interruptions.set(id, n);
        const pause = Math.min(30_000, 1000 * 2 ** (n - 1));
        this.log.warn({ jobId: id, pauseMs: pause, err: (err as Error).message }, 'job interrupted; it runs again without spending an attempt');
        try {
          await job.moveToDelayed(Date.now() + pause, token);
        } catch {
          // Redis away too: the job's lock lapses and BullMQ runs it again as stalled.
          throw new InterruptedError((err as Error).message);
        }
        throw new DelayedError();
      }
      if (err instanceof TrainerLostError) {
        // The attempt is already recorded as lost; BullMQ retries with backoff, or fails for good.
        if (attempts.made + 1 >= attempts.allowed) throw new UnrecoverableError(err.message);
        throw err;
      }
      throw err;
    }
  }

  /**
   * Worker concurrency = live trainer slots, so jobs are not taken that no trainer can run. A
   * BullMQ worker at full concurrency waits for one of its jobs to finish before it looks at a
   * raised limit — with hour-long trainings, new trainers would idle. So growth starts a fresh
   * worker at the new size and lets the old one finish its running jobs without taking more;
   * shrinking just lowers the limit.
   */
  private async followCapacity(): Promise<void> {
    let slots: number;
    try {
      slots = Math.max(1, await this.fleet.totalSlots());
    } catch {
      return; // Redis away: keep the current concurrency
    }
    const current = this.worker;
    if (!current || current.concurrency === slots) return;
    this.log.info({ from: current.concurrency, to: slots }, 'concurrency follows trainer slots');
    if (slots < current.concurrency) {
      current.concurrency = slots;
      return;
    }
    this.worker = this.newWorker(slots);
    void current.close().finally(() => this.workers.delete(current));
  }

  async stop(): Promise<void> {
    clearInterval(this.capacityTimer);
    this.reconciler.stop();
    this.prober.stop();
    // Running trials are cancelled: their jobs go back to the queue and run again elsewhere.
    for (const w of this.workers) w.cancelAllJobs(SHUTDOWN_REASON);
    await Promise.all([...this.workers].map((w) => w.close()));
    await this.steps.flush();
    this.clients.close();
    await Promise.allSettled([this.cancels.close(), this.events.close(), this.queue.close(), this.fleet.close()]);
    await this.db.close();
  }
}
