import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { JsonObject, TrialOutcome, TrialRepository } from '@tinysweep/db';
import type { TrainerFleet, TrainerLease } from '@tinysweep/fleet';
import type { TrainEvent__Output, TrainResult__Output } from '@tinysweep/proto';
import type { SweepEvents, TrialJobData } from '@tinysweep/queue';
import type { Logger } from 'pino';
import { LogTail } from './log-tail.js';
import type { StatusRefresher } from './status-refresher.js';
import type { StepWriter } from './step-writer.js';
import type { SweepRunSettings, SweepSpecs } from './sweep-specs.js';
import type { TrainerClients } from './trainer-clients.js';

/** Abort reason used when the dispatcher stops: the attempt is lost and retried, not cancelled. */
export const SHUTDOWN_REASON = 'dispatcher shutting down';

/** How a job ended, as the worker reports it. */
export type RunResult = 'succeeded' | 'failed' | 'cancelled' | 'skipped' | 'superseded';

/** An attempt that ended without a result because the trainer, the stream or the network went away. */
export class TrainerLostError extends Error {
  constructor(message: string, readonly nodeId: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** The trainer had no free slot after all (lease bookkeeping lost, e.g. Redis restarted): try again soon. */
export class TrainerBusyError extends Error {
  constructor(readonly nodeId: string) {
    super(`trainer ${nodeId} has no free slot`);
    this.name = this.constructor.name;
  }
}

export interface TrialRunnerDeps {
  trials: TrialRepository;
  specs: SweepSpecs;
  fleet: TrainerFleet;
  clients: TrainerClients;
  steps: StepWriter;
  events: SweepEvents;
  refresher: StatusRefresher;
  log: Logger;
}

/** Where the job stands in BullMQ's attempts: decides "retry" versus "fail for good". */
export interface JobAttempts {
  /** Attempts that already failed before this one. */
  made: number;
  /** Attempts allowed in all. */
  allowed: number;
}

const LEASE_POLL_MS = 100;

/**
 * Runs one trial attempt: lease a trainer slot, start the attempt in Postgres, stream the
 * training over gRPC while relaying progress, and record the result exactly once.
 */
export class TrialRunner {
  constructor(private readonly d: TrialRunnerDeps) {}

  async run(job: TrialJobData, attempts: JobAttempts, signal: AbortSignal): Promise<RunResult> {
    const settings = await this.d.specs.get(job.sweepId);
    if (!settings) return 'skipped'; // sweep deleted
    // No status check here: startAttempt's guarded UPDATE refuses a cancelled or finished trial.

    const lease = await this.waitForLease(job.trialId, settings.backend.kind, signal);
    if (!lease) return 'cancelled';
    const renew = setInterval(() => void this.d.fleet.renew(lease).catch(() => undefined), this.d.fleet.leaseTtlMs / 3);
    try {
      const started = await this.d.trials.startAttempt(job.trialId, lease.nodeId);
      if (started === null) return 'skipped';
      const { attempt, params } = started;
      this.d.refresher.touch(job.sweepId);
      this.d.events.publish({ sweepId: job.sweepId, trialId: job.trialId, kind: 'started' });
      return await this.attempt(job, attempt, params, attempts, lease, settings, signal);
    } finally {
      clearInterval(renew);
      await this.d.fleet.release(lease).catch(() => undefined);
    }
  }

  private async waitForLease(trialId: string, backend: string, signal: AbortSignal): Promise<TrainerLease | null> {
    let waited = 0;
    for (;;) {
      if (signal.aborted) return null;
      const lease = await this.d.fleet.acquire(trialId, { backend });
      if (lease) return lease;
      if (waited % 30_000 < LEASE_POLL_MS) this.d.log.info({ trialId, backend }, 'waiting for a free trainer slot');
      await new Promise((r) => setTimeout(r, LEASE_POLL_MS));
      waited += LEASE_POLL_MS;
    }
  }

  private async attempt(
    job: TrialJobData,
    attempt: number,
    params: JsonObject,
    attempts: JobAttempts,
    lease: TrainerLease,
    settings: SweepRunSettings,
    signal: AbortSignal,
  ): Promise<RunResult> {
    const tail = new LogTail();
    let result: TrainResult__Output;
    try {
      result = await this.stream(job, attempt, params, lease, settings, tail, signal);
    } catch (err) {
      if (signal.aborted && signal.reason !== SHUTDOWN_REASON) return this.record(job, attempt, cancelled(tail));
      const code = (err as ServiceError).code;
      if (code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED) {
        await this.d.fleet.markUnreachable(lease.nodeId).catch(() => undefined);
        this.d.clients.forget(lease.address);
      }
      const busy = code === GrpcStatus.RESOURCE_EXHAUSTED;
      await this.lost(job, attempt, `trainer ${lease.nodeId} lost: ${(err as Error).message}`, busy || attempts.made + 1 < attempts.allowed, tail);
      throw busy ? new TrainerBusyError(lease.nodeId) : new TrainerLostError((err as Error).message, lease.nodeId);
    }
    try {
      return await this.record(job, attempt, outcomeOf(result, tail));
    } catch (err) {
      // Postgres unreachable at the worst moment: the attempt is lost, the job is retried.
      await this.lost(job, attempt, `could not record the result: ${(err as Error).message}`, attempts.made + 1 < attempts.allowed, tail).catch(() => undefined);
      throw new TrainerLostError((err as Error).message, lease.nodeId);
    }
  }

  private async lost(job: TrialJobData, attempt: number, error: string, retrying: boolean, tail: LogTail): Promise<void> {
    await this.d.steps.flush();
    await this.d.trials.recordLostAttempt(job.trialId, attempt, error, retrying, tail.toString() || null);
    this.d.refresher.touch(job.sweepId);
    this.d.events.publish({ sweepId: job.sweepId, trialId: job.trialId, kind: 'finished' });
    this.d.log.warn({ trialId: job.trialId, attempt, retrying, err: error }, 'attempt lost');
  }

  private async record(job: TrialJobData, attempt: number, outcome: TrialOutcome): Promise<RunResult> {
    await this.d.steps.flush();
    const recorded = await this.d.trials.recordResult(job.trialId, attempt, outcome);
    this.d.refresher.touch(job.sweepId);
    this.d.events.publish({ sweepId: job.sweepId, trialId: job.trialId, kind: 'finished' });
    return recorded ? outcome.status : 'superseded';
  }

  /** Opens Train on the leased node and relays events until the one `result` arrives. */
  private stream(
    job: TrialJobData,
    attempt: number,
    params: JsonObject,
    lease: TrainerLease,
    settings: SweepRunSettings,
    tail: LogTail,
    signal: AbortSignal,
  ): Promise<TrainResult__Output> {
    const client = this.d.clients.get(lease.address);
    // The trainer enforces the trial timeout; the deadline only guards against a trainer that hangs.
    const deadline = settings.trialTimeoutMs > 0 ? new Date(Date.now() + settings.trialTimeoutMs + 30_000) : undefined;
    return new Promise((resolve, reject) => {
      const call = client.train(
        {
          trialId: job.trialId,
          sweepId: job.sweepId,
          attempt,
          backend: settings.backend.kind,
          paramsJson: JSON.stringify(params),
          backendJson: JSON.stringify(settings.backend),
          timeoutMs: settings.trialTimeoutMs,
        },
        deadline ? { deadline } : {},
      );
      let result: TrainResult__Output | undefined;
      let lastProgressEvent = 0;
      const onAbort = () => call.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => signal.removeEventListener('abort', onAbort);
      call.on('data', (e: TrainEvent__Output) => {
        if (e.progress) {
          this.d.steps.add({ trialId: job.trialId, attempt, step: Number(e.progress.step), metrics: e.progress.metrics });
          // live views need a nudge, not every step
          if (Date.now() - lastProgressEvent > 1000) {
            lastProgressEvent = Date.now();
            this.d.events.publish({ sweepId: job.sweepId, trialId: job.trialId, kind: 'progress' });
          }
        } else if (e.log) {
          tail.push(e.log.stream, e.log.line);
        } else if (e.result) {
          result = e.result;
        }
      });
      call.on('error', (err) => {
        done();
        // A result that arrived before a late transport error still counts.
        if (result) resolve(result);
        else reject(err);
      });
      call.on('end', () => {
        done();
        if (result) resolve(result);
        else reject(Object.assign(new Error('stream ended without a result'), { code: GrpcStatus.UNAVAILABLE }));
      });
    });
  }
}

function cancelled(tail: LogTail): TrialOutcome {
  return { status: 'cancelled', metrics: null, trainableParams: null, effectiveParams: null, adapter: null, error: 'cancelled', logTail: tail.toString() || null };
}

function parseJsonObject(text: string): TrialOutcome['environment'] {
  if (!text) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as NonNullable<TrialOutcome['environment']>) : null;
  } catch {
    return null;
  }
}

function outcomeOf(r: TrainResult__Output, tail: LogTail): TrialOutcome {
  const status = r.ok ? 'succeeded' : r.failure === 'FAILURE_CANCELLED' ? 'cancelled' : 'failed';
  let adapter: TrialOutcome['adapter'] = null;
  if (r.adapterJson) adapter = parseJsonObject(r.adapterJson) ?? { raw: r.adapterJson };
  return {
    status,
    metrics: r.metrics && Object.keys(r.metrics).length > 0 ? r.metrics : null,
    trainableParams: r.trainableParams || null,
    effectiveParams: r.effectiveParams || null,
    adapter,
    error: r.ok ? null : r.error || r.failure,
    logTail: tail.toString() || null,
    environment: parseJsonObject(r.environmentJson),
  };
}

