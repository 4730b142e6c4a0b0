import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { CheckpointRepository, JsonObject, Metrics, Training, TrainingRepository, TrialOutcome, TrialRepository } from '@tinysweep/db';
import type { TrainerFleet, TrainerLease } from '@tinysweep/fleet';
import { TRAINER_PROTOCOL, type FingerprintRequest, type TrainResult__Output } from '@tinysweep/proto';
import type { SweepEvents, TrialJobData } from '@tinysweep/queue';
import { fingerprintOf, resultKey } from '@tinysweep/search';
import type { Logger } from 'pino';
import { TRIAL_CONTRACT } from '@tinysweep/trial';
import { InterruptedError, persist } from './interruption.js';
import { holdingLease, leaseWants, waitForLease } from './lease.js';
import { LogTail } from './log-tail.js';
import { pausesAtRungs, type AshaStop, type SearchDriver } from './search-driver.js';
import type { StepWriter } from './step-writer.js';
import type { SweepRunSettings, SweepSpecs } from './sweep-specs.js';
import { callTrain, fingerprint, neverReached, WIND_DOWN_WAIT_MS, type RunCall } from './train-call.js';
import type { TrainerClients } from './trainer-clients.js';
import type { TrainerProtocols } from './trainer-protocols.js';

/** Learning-curve points stored per attempt at most. */
export const MAX_STEPS_PER_ATTEMPT = 10_000;

/** Abort reason used when the dispatcher stops: the attempt is interrupted and run again, not cancelled. */
export const SHUTDOWN_REASON = 'dispatcher shutting down';

/** Abort reason when a renewal finds the trial cancelled in Postgres (a cancel message this dispatcher missed). */
export const CANCELLED_REASON = 'cancelled by user';

/** How long a finished attempt's result is kept trying to reach Postgres before the attempt is given up. */
export const PERSIST_FOR_MS = 300_000;

/**
 * How a job ended, as the worker reports it. `waiting`: a trial of a shared training whose training
 * is not done (its job is enqueued again when it is).
 */
export type RunResult = 'succeeded' | 'failed' | 'cancelled' | 'stopped' | 'paused' | 'skipped' | 'superseded' | 'waiting';

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
  trainings: TrainingRepository;
  checkpoints: CheckpointRepository;
  specs: SweepSpecs;
  fleet: TrainerFleet;
  clients: TrainerClients;
  /** Leases only trainers that speak this dispatcher's trainer protocol. */
  protocols: TrainerProtocols;
  steps: StepWriter;
  events: SweepEvents;
  search: SearchDriver;
  log: Logger;
  /** How long results keep trying to reach Postgres. @defaultValue PERSIST_FOR_MS */
  persistForMs?: number;
}

/** Where the job stands in BullMQ's attempts: decides "retry" versus "fail for good". */
export interface JobAttempts {
  /** Attempts that already failed before this one. */
  made: number;
  /** Attempts allowed in all. */
  allowed: number;
}

/** One attempt in flight: its identity, what it sends, and what it has heard so far. */
interface Attempt {
  job: TrialJobData;
  attempt: number;
  lease: TrainerLease;
  settings: SweepRunSettings;
  /** Train (a trial of its own) or Evaluate (a trial of a shared training). */
  call: RunCall;
  /** The shared training it prunes and evaluates, if any. */
  training?: Training;
  configHash: string;
  tail: LogTail;
  /** The step of the checkpoint it resumes from (0: from the start). */
  from: number;
}

/**
 * Runs one trial attempt: lease a trainer slot, start the attempt in Postgres, ask the trainer for the
 * trial's fingerprint and link an earlier identical result if there is one (result reuse), else
 * stream the training — or, for a trial of a shared training, the prune-and-evaluate of the stored
 * adapter — over gRPC while relaying progress (and letting ASHA stop it at a rung), and record the
 * result exactly once.
 */
export class TrialRunner {
  constructor(private readonly d: TrialRunnerDeps) {}

  async run(job: TrialJobData, attempts: JobAttempts, signal: AbortSignal): Promise<RunResult> {
    const settings = await this.d.specs.get(job.sweepId);
    if (!settings) return 'skipped'; // sweep deleted
    // No status check here: startAttempt's guarded UPDATE refuses a cancelled or finished trial.
    const trial = await this.d.trials.get(job.trialId);
    let training: Training | undefined;
    if (trial?.trainingId) {
      training = (await this.d.trainings.get(trial.trainingId)) ?? undefined;
      if (training?.status !== 'succeeded') return 'waiting'; // the fan-out job enqueues it again
    }

    const lease = await waitForLease(this.d.fleet, job.trialId, leaseWants(settings.spec, trial?.params), signal, this.d.log, (l) => this.d.protocols.accepts(l));
    if (!lease) {
      if (signal.reason === SHUTDOWN_REASON) throw new InterruptedError('the dispatcher stopped before the trial got a trainer slot');
      return 'cancelled';
    }
    // Cancels arrive over pub/sub, which forgets a message nobody heard: each lease renewal asks Postgres too.
    const cancel = new AbortController();
    const aborted = AbortSignal.any([signal, cancel.signal]);
    const recheck = async () => {
      if (!cancel.signal.aborted && (await this.d.trials.status(job.trialId)) === 'cancelled') cancel.abort(CANCELLED_REASON);
    };
    return holdingLease(this.d.fleet, lease, async () => {
      const started = await this.d.trials.startAttempt(job.trialId, lease.nodeId);
      if (started === null) return 'skipped';
      const { attempt, params, configHash, reuseCandidate } = started;
      this.d.events.publish({ sweepId: job.sweepId, trialId: job.trialId, kind: 'started' });
      const run = { trialId: job.trialId, sweepId: job.sweepId, attempt, backend: settings.backend.kind, paramsJson: JSON.stringify(params), backendJson: backendJsonOf(settings.backend), contract: TRIAL_CONTRACT };
      const call: RunCall = training
        ? { evaluate: { ...run, timeoutMs: settings.trialTimeoutMs, adapterJson: JSON.stringify(training.adapter) } }
        : { train: { ...run, timeoutMs: settings.trialTimeoutMs, evalAt: settings.evalAt, checkpointEvery: settings.checkpointEvery } };
      const a: Attempt = { job, attempt, lease, settings, call, training, configHash, tail: new LogTail(), from: 0 };
      // Resumable trials: an earlier attempt's checkpoint is where this one starts (its curve up to there copied under this attempt).
      if ('train' in call) {
        const saved = await this.d.checkpoints.latest(job.trialId);
        if (saved) {
          await this.d.trials.copyCurve(job.trialId, saved.attempt, attempt, saved.step);
          call.train.resumeJson = saved.state;
          a.from = saved.step;
          this.d.log.info({ trialId: job.trialId, attempt, step: saved.step }, 'resuming from a checkpoint');
        }
      }
      // A retry (attempt > 1, or a trial retried by hand) means "run it": only first attempts reuse.
      // And only a config some trial already succeeded with can be reused: for any other the
      // fingerprint comes with the result (its environment), not from a round trip of its own.
      let key: string | undefined;
      if (settings.reuse && attempt === 1 && (reuseCandidate || training)) {
        try {
          const asked: FingerprintRequest = { trialId: run.trialId, sweepId: run.sweepId, backend: run.backend, paramsJson: run.paramsJson, backendJson: run.backendJson, contract: run.contract };
          const fp = await fingerprint(this.d.clients.get(lease.address), asked, aborted);
          key = fp && resultKey(configHash, settings.backend, fp);
        } catch (err) {
          return this.unreachable(a, err); // never reached the trainer
        }
        if (key && (await this.reuse(a, key))) return 'succeeded';
      }
      return await this.attempt(a, key, attempts, signal, aborted);
    }, recheck);
  }

  /**
   * The trainer could not be reached at all (no connection, a TLS handshake or token it refused):
   * nothing ran, so the trial is not charged. The node leaves the pool until a dispatcher's probe
   * reaches it (heartbeats alone do not bring back a node the API hears but dispatchers cannot dial).
   */
  private async unreachable(a: Attempt, err: unknown): Promise<never> {
    const message = `could not reach trainer ${a.lease.nodeId} at ${a.lease.address}: ${(err as Error).message}`;
    await this.d.fleet.markUnreachable(a.lease.nodeId).catch(() => undefined);
    this.d.clients.forget(a.lease.address);
    await this.interrupted(a, message);
    throw new InterruptedError(message, { cause: err });
  }

  /** Closes the attempt as interrupted (not charged) and puts the trial back in the queue, if Postgres lets us. */
  private async interrupted(a: Attempt, error: string): Promise<void> {
    await this.d.steps.flush();
    await this.d.trials.recordInterrupted(a.job.trialId, a.attempt, error).catch((err: unknown) =>
      // the next attempt closes this one (startAttempt) if Postgres is away now
      this.d.log.warn({ trialId: a.job.trialId, err: (err as Error).message }, 'could not close an interrupted attempt'),
    );
    this.d.events.publish({ sweepId: a.job.sweepId, trialId: a.job.trialId, kind: 'finished' });
    this.d.log.warn({ trialId: a.job.trialId, attempt: a.attempt, err: error }, 'attempt interrupted; it runs again without spending a retry');
  }

  /** Links an earlier succeeded result with the same key, if any; true when recorded. */
  private async reuse(a: Attempt, key: string): Promise<boolean> {
    const source = await this.d.trials.findReusable(key, a.job.trialId);
    if (!source || !(await this.d.trials.recordReused(a.job.trialId, a.attempt, source.trialId, key))) return false;
    this.d.log.info({ trialId: a.job.trialId, reusedFrom: source.trialId }, 'result reused');
    await this.finished(a.job);
    return true;
  }

  /**
   * `signal` aborts when the dispatcher stops (or the job is cancelled by message); `aborted` also
   * when a lease renewal finds the trial cancelled.
   */
  private async attempt(a: Attempt, key: string | undefined, attempts: JobAttempts, signal: AbortSignal, aborted: AbortSignal): Promise<RunResult> {
    const { job, lease, settings, tail } = a;
    // ASHA may stop the trial at a rung: that cancels the call, and the trial ends 'stopped'.
    const stopper = new AbortController();
    let stopped: AshaStop | undefined;
    let judging: Promise<void> = Promise.resolve();
    let latest: Metrics = {};
    let lastProgressEvent = 0;
    let stored = 0;
    const onProgress = (step: number, metrics: Metrics) => {
      // Trainers coalesce floods; this bounds what one attempt may store whatever a trainer sends.
      if (stored < MAX_STEPS_PER_ATTEMPT) this.d.steps.add({ trialId: job.trialId, attempt: a.attempt, step, metrics });
      else if (stored === MAX_STEPS_PER_ATTEMPT) this.d.log.warn({ trialId: job.trialId, attempt: a.attempt }, `more than ${MAX_STEPS_PER_ATTEMPT} curve points; the rest are not stored`);
      stored++;
      latest = { ...latest, ...metrics };
      // live views need a nudge, not every step
      if (Date.now() - lastProgressEvent > 1000) {
        lastProgressEvent = Date.now();
        this.d.events.publish({ sweepId: job.sweepId, trialId: job.trialId, kind: 'progress' });
      }
      // A shared training's trial only prunes and evaluates: ASHA judged the training (TrainingRunner).
      if (settings.evalAt.length > 0 && !stopped && !a.training) {
        // One step judged after the other: a later rung is not recorded once an earlier one stopped the trial.
        judging = judging.then(async () => {
          if (stopped) return;
          const stop = await this.d.search.onStep(job.sweepId, job.trialId, step, metrics);
          if (stop && !stopped) {
            stopped = stop;
            stopper.abort('stopped by ASHA');
          }
        }).catch((err: unknown) => this.d.log.warn({ trialId: job.trialId, err: (err as Error).message }, 'ASHA could not judge a step'));
      }
    };
    const checkpoints = new CheckpointSaver(this.d, { runId: job.trialId, sweepId: job.sweepId, attempt: a.attempt });
    // ASHA with pausing: the trial runs rung to rung (stop_at), and at each one goes on, pauses or stops.
    const pausing = pausesAtRungs(settings.spec) && !a.training;
    for (;;) {
      if (pausing && 'train' in a.call) a.call.train.stopAt = settings.evalAt.find((r) => r > a.from) ?? 0;
      let result: TrainResult__Output;
      try {
        result = await callTrain(this.d.clients.get(lease.address), {
          call: a.call,
          // The trainer enforces the trial timeout; the deadline only guards against a trainer that hangs.
          deadline: settings.trialTimeoutMs > 0 ? new Date(Date.now() + settings.trialTimeoutMs + 30_000) : undefined,
          busyWaitMs: WIND_DOWN_WAIT_MS,
          signal: AbortSignal.any([aborted, stopper.signal]),
          onProgress,
          onLog: (stream, line) => tail.push(stream, line),
          onCheckpoint: (step, state) => checkpoints.add(step, state),
        });
      } catch (err) {
        await checkpoints.settled(); // the next attempt continues from the last one
        if (stopped) return this.record(a, stoppedOutcome(stopped, latest, tail));
        if (signal.aborted && signal.reason === SHUTDOWN_REASON) {
          // Not the trial's doing: it runs again (elsewhere) without spending a retry.
          await this.interrupted(a, 'the dispatcher stopped during the attempt');
          throw new InterruptedError('the dispatcher stopped during the attempt');
        }
        if (aborted.aborted) return this.record(a, cancelled(tail));
        if (neverReached(err)) return this.unreachable(a, err);
        const code = (err as ServiceError).code;
        if (code === GrpcStatus.RESOURCE_EXHAUSTED) {
          await this.interrupted(a, `trainer ${lease.nodeId} had no free slot`);
          throw new TrainerBusyError(lease.nodeId);
        }
        if (code === GrpcStatus.UNIMPLEMENTED) {
          // A trainer of an older protocol (restarted as one since it was checked): not the trial's doing.
          const why = `trainer ${lease.nodeId} does not know the ${'train' in a.call ? 'Train' : 'Evaluate'} call of trainer protocol ${TRAINER_PROTOCOL}: it speaks an older one; upgrade the trainer`;
          await this.d.protocols.refuse(lease.nodeId, why);
          await this.interrupted(a, why);
          throw new InterruptedError(why);
        }
        if (code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED) {
          await this.d.fleet.markUnreachable(lease.nodeId).catch(() => undefined);
          this.d.clients.forget(lease.address);
        }
        await this.persistOr(a, 'record a lost attempt', () => this.lost(a, `trainer ${lease.nodeId} lost: ${(err as Error).message}`, attempts.made + 1 < attempts.allowed));
        throw new TrainerLostError((err as Error).message, lease.nodeId);
      }
      await checkpoints.settled();
      if (pausing && result.ok && Number(result.pausedAt) > 0) {
        const rung = Number(result.pausedAt);
        const next = await this.atRung(a, rung, { ...latest, ...result.metrics }, checkpoints);
        if (next === 'continue') continue;
        return next;
      }
      if (stopped && !result.ok) return this.record(a, stoppedOutcome(stopped, latest, tail));
      if (!result.ok && result.failure === 'FAILURE_INTERRUPTED') {
        // The trainer was stopped (a rolling restart): not the trial's doing, it runs again uncharged (from its checkpoint).
        const why = `trainer ${lease.nodeId} stopped during the attempt: ${result.error}`;
        await this.interrupted(a, why);
        throw new InterruptedError(why);
      }
      const outcome = outcomeOf(result, tail);
      outcome.resultKey = key ?? resultKeyOf(a.configHash, settings.backend, outcome.environment) ?? null;
      // A shared training's trial: the training's metrics (before, after, train time) plus its own pruning's.
      if (a.training && outcome.metrics) outcome.metrics = { ...(a.training.metrics ?? {}), ...outcome.metrics };
      return this.record(a, outcome);
    }
  }

  /**
   * ASHA with pausing: the run stopped at `rung` after its checkpoint. The search decides (under the
   * sweep's lock): go on at once on this slot from the checkpoint, pause (the slot freed; promoted
   * later), or stop. Returns 'continue' after setting up the next segment's request.
   */
  private async atRung(a: Attempt, rung: number, metrics: Metrics, checkpoints: CheckpointSaver): Promise<RunResult | 'continue'> {
    await this.d.steps.flush();
    const outcome = await this.persistOr(a, 'decide at a rung', () => this.d.search.atRung(a.job.sweepId, a.job.trialId, a.attempt, rung, metrics));
    const state = checkpoints.last;
    // Only a Train call pauses (an Evaluate never gets stop_at): the next segment is one more Train.
    const train = 'train' in a.call ? a.call.train : undefined;
    if (outcome === 'continue' && train && state && state.step === rung) {
      a.call = { train: { ...train, resumeJson: state.state } };
      a.from = rung;
      this.d.log.debug({ trialId: a.job.trialId, rung }, 'promoted at once: runs on');
      return 'continue';
    }
    if (outcome === 'continue' && train) {
      // no checkpoint at the rung reached us (too big to send, a program that does not write one): it cannot pause, so it ran on.
      this.d.log.warn({ trialId: a.job.trialId, rung }, 'no checkpoint at the rung; the trial starts its next segment from its last one');
      a.call = { train: { ...train, ...(state ? { resumeJson: state.state } : {}) } };
      a.from = state?.step ?? 0;
      return 'continue';
    }
    this.d.events.publish({ sweepId: a.job.sweepId, trialId: a.job.trialId, kind: 'finished' });
    if (outcome === 'paused') this.d.log.info({ trialId: a.job.trialId, rung }, 'paused at a rung');
    return outcome === 'gone' ? 'superseded' : outcome;
  }

  /**
   * Writes what an attempt ended with, riding out a Postgres outage (see persist); past its patience
   * the attempt is interrupted — the next attempt closes its row — and the job runs again later.
   */
  private persistOr<T>(a: Attempt, what: string, write: () => Promise<T>): Promise<T> {
    return persist(what, write, {
      forMs: this.d.persistForMs ?? PERSIST_FOR_MS,
      onRetry: (err, pauseMs) => this.d.log.warn({ trialId: a.job.trialId, attempt: a.attempt, pauseMs, err: (err as Error).message }, `could not ${what} yet; trying again`),
    });
  }

  private async lost(a: Attempt, error: string, retrying: boolean): Promise<void> {
    await this.d.steps.flush();
    await this.d.trials.recordLostAttempt(a.job.trialId, a.attempt, error, retrying, a.tail.toString() || null);
    if (!retrying) await this.finished(a.job);
    this.d.events.publish({ sweepId: a.job.sweepId, trialId: a.job.trialId, kind: 'finished' });
    this.d.log.warn({ trialId: a.job.trialId, attempt: a.attempt, retrying, err: error }, 'attempt lost');
  }

  private async record(a: Attempt, outcome: TrialOutcome): Promise<RunResult> {
    await this.d.steps.flush();
    const recorded = await this.persistOr(a, 'record the result', () => this.d.trials.recordResult(a.job.trialId, a.attempt, outcome));
    // A result is final (a retry by hand starts over): its checkpoint is of no more use.
    if (recorded) await this.d.checkpoints.discard(a.job.trialId).catch(() => undefined);
    await this.finished(a.job);
    return recorded ? outcome.status : 'superseded';
  }

  /** After a trial ended: the search may add trials (pareto), then live views follow (the sweep's status followed in Postgres). */
  private async finished(job: TrialJobData): Promise<void> {
    await this.d.search.onFinished(job.sweepId, job.trialId).catch((err: unknown) => this.d.log.warn({ sweepId: job.sweepId, err: (err as Error).message }, 'search could not propose'));
    this.d.events.publish({ sweepId: job.sweepId, trialId: job.trialId, kind: 'finished' });
  }
}

/**
 * Saves one attempt's checkpoints in order, each after the curve points before it (the next attempt
 * copies the curve up to the checkpoint from this attempt). A checkpoint that cannot be saved is
 * logged and skipped: the next one replaces it, and without any the trial starts over.
 */
export class CheckpointSaver {
  private chain: Promise<void> = Promise.resolve();
  /** The step of the last checkpoint saved. */
  saved = 0;
  /** The last checkpoint the run sent (saved or not). */
  last?: { step: number; state: string };

  constructor(
    private readonly d: Pick<TrialRunnerDeps, 'checkpoints' | 'steps' | 'log'>,
    private readonly run: { runId: string; sweepId: string; attempt: number },
  ) {}

  add(step: number, state: string): void {
    this.last = { step, state };
    this.chain = this.chain.then(async () => {
      try {
        await this.d.steps.flush();
        if (await this.d.checkpoints.save({ ...this.run, step, state })) this.saved = step;
      } catch (err) {
        this.d.log.warn({ runId: this.run.runId, step, err: (err as Error).message }, 'could not save a checkpoint');
      }
    });
  }

  /** Resolves once every checkpoint added so far is saved (or given up). */
  settled(): Promise<void> {
    return this.chain;
  }
}

function cancelled(tail: LogTail): TrialOutcome {
  return { status: 'cancelled', metrics: null, trainableParams: null, effectiveParams: null, adapter: null, error: CANCELLED_REASON, logTail: tail.toString() || null };
}

const fmt = (x: number | undefined) => (x === undefined ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(4));

/** What a trial (or a shared training's trials) ASHA stopped keeps: its latest metrics, the rung value and what it needed. */
export function stoppedMetrics(s: AshaStop, latest: Metrics): Metrics {
  const metrics: Metrics = { ...latest, [s.metric]: s.value, asha_rung: s.rung };
  if (s.cutoff !== undefined) metrics.asha_cutoff = s.cutoff;
  return metrics;
}

/** Why ASHA stopped a run, in words. */
export function stoppedReason(s: AshaStop): string {
  return `stopped by ASHA at rung ${s.rung}: ${s.metric} ${fmt(s.value)} is not in the top 1/${s.eta} of the ${s.competitors} values recorded there (needed ${fmt(s.cutoff)})`;
}

/** A trial ASHA stopped: its latest metrics, the rung value and what it needed, and why in words. */
function stoppedOutcome(s: AshaStop, latest: Metrics, tail: LogTail): TrialOutcome {
  return { status: 'stopped', metrics: stoppedMetrics(s, latest), trainableParams: null, effectiveParams: null, adapter: null, error: stoppedReason(s), logTail: tail.toString() || null };
}

/** A sweep's backend section as JSON, once per sweep (its settings are cached; the text is the same for every trial). */
const backendJsons = new WeakMap<object, string>();
function backendJsonOf(backend: SweepRunSettings['backend']): string {
  let json = backendJsons.get(backend);
  if (json === undefined) backendJsons.set(backend, (json = JSON.stringify(backend)));
  return json;
}

/** The result key from a result's environment (the fingerprint every result carries), if it has one. */
function resultKeyOf(configHash: string, backend: unknown, environment: JsonObject | null | undefined): string | undefined {
  const fp = fingerprintOf(environment);
  return fp && resultKey(configHash, backend, fp);
}

/** A JSON object from a TrainResult text field; null when empty or not an object. */
export function parseJsonObject(text: string | undefined): JsonObject | null {
  if (!text) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : null;
  } catch {
    return null;
  }
}

/** A trainer's result as the trial's outcome. */
export function outcomeOf(r: TrainResult__Output, tail: LogTail): TrialOutcome {
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
