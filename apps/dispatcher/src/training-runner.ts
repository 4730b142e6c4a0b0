import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import type { Metrics, TrainingTrial } from '@tinysweep/db';
import type { TrainerLease } from '@tinysweep/fleet';
import type { TrainRequest, TrainResult__Output } from '@tinysweep/proto';
import { JOB_PRIORITY, type TrainingJobData, type TrialQueue } from '@tinysweep/queue';
import { ashaOf, resultKey, type Fingerprint } from '@tinysweep/search';
import { TRIAL_CONTRACT } from '@tinysweep/trial';
import { InterruptedError } from './interruption.js';
import { holdingLease, leaseWants, waitForLease } from './lease.js';
import type { SweepRunSettings } from './sweep-specs.js';
import { callTrain, fingerprint, neverReached, WIND_DOWN_WAIT_MS } from './train-call.js';
import { pausesAtRungs, type AshaStop } from './search-driver.js';
import { CheckpointSaver, parseJsonObject, SHUTDOWN_REASON, stoppedMetrics, stoppedReason, TrainerBusyError, TrainerLostError, type JobAttempts, type RunResult, type TrialRunnerDeps } from './trial-runner.js';

/** One training attempt in flight: what it sends (the next segment's, with pausing), and from which step. */
interface TrainingRun {
  job: TrainingJobData;
  request: TrainRequest;
  attempt: number;
  /** The step of the checkpoint it goes on from (0: from the start). */
  from: number;
  waiting: TrainingTrial[];
  lease: TrainerLease;
  settings: SweepRunSettings;
}

/** A trial runner's parts, plus the queue the fan-out puts each threshold's evaluate job on. */
export interface TrainingRunnerDeps extends TrialRunnerDeps {
  queue: TrialQueue;
}

/**
 * The two jobs of a shared training's flow (see TrialQueue.enqueueTrainings):
 *
 * - {@link train}: trials that differ only in prune train once. Leases a trainer, links earlier
 *   results where the trials' result keys match (result reuse), trains the rest's common params
 *   (no prune) streaming the curve into every waiting trial, and stores the unpruned adapter.
 * - {@link fanOut}: runs when the training job completed; enqueues each waiting trial's own job,
 *   which prunes and evaluates the stored adapter at its threshold (TrialRunner, evaluate mode).
 */
export class TrainingRunner {
  constructor(private readonly d: TrainingRunnerDeps) {}

  async train(job: TrainingJobData, attempts: JobAttempts, signal: AbortSignal): Promise<RunResult> {
    const settings = await this.d.specs.get(job.sweepId);
    const training = await this.d.trainings.get(job.trainingId);
    if (!settings || !training || (training.status !== 'queued' && training.status !== 'running')) return 'skipped';
    // A job of an earlier segment (the training paused at a rung and was promoted since): the new segment's job runs it.
    if ((job.segment ?? 0) !== training.segment) return 'skipped';
    if ((await this.d.trainings.openTrials(job.trainingId)).length === 0) {
      await this.end(job, 'cancelled', 'no trial waits for it');
      return 'skipped';
    }
    // The lease's holder key in the fleet (not a trial id on the wire): GET /nodes tells trainings by it.
    const lease = await waitForLease(this.d.fleet, `train-${job.trainingId}`, leaseWants(settings.spec, training.params), signal, this.d.log, (l) => this.d.protocols.accepts(l));
    if (!lease) {
      if (signal.reason === SHUTDOWN_REASON) throw new InterruptedError('the dispatcher stopped before the training got a trainer slot');
      return 'cancelled'; // the training is still open: the reconciler adds its flow again
    }
    return holdingLease(this.d.fleet, lease, async () => {
      const request: TrainRequest = {
        trainingId: job.trainingId,
        sweepId: job.sweepId,
        attempt: training.attempts + 1,
        backend: settings.backend.kind,
        paramsJson: JSON.stringify(training.params),
        backendJson: JSON.stringify(settings.backend),
        contract: TRIAL_CONTRACT,
        timeoutMs: settings.trialTimeoutMs,
        checkpointEvery: settings.checkpointEvery,
        evalAt: settings.evalAt, // an asha sweep's rungs: the training's held-out metric there is what ASHA judges
      };
      const { trainingId, sweepId, backend, paramsJson, backendJson, contract } = request;
      const fp = await fingerprint(this.d.clients.get(lease.address), { trainingId, sweepId, backend, paramsJson, backendJson, contract }, signal).catch((err: unknown) => this.unreachable(lease, err));
      if (fp && settings.reuse) await this.reuse(job, lease, settings, fp);
      const waiting = await this.d.trainings.openTrials(job.trainingId);
      if (waiting.length === 0) {
        await this.end(job, 'cancelled', 'every trial reused an earlier result');
        return 'skipped';
      }
      const started = await this.d.trainings.start(job.trainingId, lease.nodeId, job.segment ?? 0);
      if (!started) return 'skipped';
      // A training that ran before (interrupted, or paused at a rung) continues from its checkpoint
      // (the trials' curves hold its steps already).
      const saved = await this.d.checkpoints.latest(job.trainingId);
      if (saved) this.d.log.info({ trainingId: job.trainingId, segment: job.segment ?? 0, step: saved.step }, 'training resumes from a checkpoint');
      const run: TrainingRun = { job, request: { ...request, attempt: started.attempt, ...(saved ? { resumeJson: saved.state } : {}) }, attempt: started.attempt, from: saved?.step ?? 0, waiting, lease, settings };
      return this.run(run, attempts, signal);
    });
  }

  /** A trainer never reached: out of the pool until a probe reaches it; the job runs again without spending a retry. */
  private async unreachable(lease: TrainerLease, err: unknown): Promise<never> {
    await this.d.fleet.markUnreachable(lease.nodeId).catch(() => undefined);
    this.d.clients.forget(lease.address);
    throw new InterruptedError(`could not reach trainer ${lease.nodeId} at ${lease.address}: ${(err as Error).message}`, { cause: err });
  }

  /** Trials whose result key matches an earlier success link it instead of waiting for the training. */
  private async reuse(job: TrainingJobData, lease: TrainerLease, settings: SweepRunSettings, fp: Fingerprint): Promise<void> {
    for (const t of await this.d.trainings.openTrials(job.trainingId)) {
      if (t.attempts > 0) continue; // retried by hand: run it
      const key = resultKey(t.configHash, settings.backend, fp);
      const source = await this.d.trials.findReusable(key, t.id);
      if (!source) continue;
      const started = await this.d.trials.startAttempt(t.id, lease.nodeId);
      if (started && (await this.d.trials.recordReused(t.id, started.attempt, source.trialId, key))) {
        this.d.log.info({ trialId: t.id, reusedFrom: source.trialId }, 'result reused');
        this.d.events.publish({ sweepId: t.sweepId, trialId: t.id, kind: 'finished' });
      }
    }
  }

  private async run(r: TrainingRun, attempts: JobAttempts, signal: AbortSignal): Promise<RunResult> {
    const { job, attempt, waiting, lease, settings } = r;
    for (const t of waiting) this.d.events.publish({ sweepId: t.sweepId, trialId: t.id, kind: 'progress' });
    const checkpoints = new CheckpointSaver(this.d, { runId: job.trainingId, sweepId: job.sweepId, attempt });
    // ASHA (async promotion) judges the training, one configuration whatever its thresholds, at the
    // rungs; its value is recorded under its first trial (rung values are keyed by trial), and a stop
    // cancels the call and ends every waiting trial stopped.
    const judgedAs = waiting[0]!.id;
    const stopper = new AbortController();
    let stopped: AshaStop | undefined;
    let judging: Promise<void> = Promise.resolve();
    let latest: Metrics = {};
    // ASHA with pausing: the training runs rung to rung (stop_at) and at each one goes on, pauses or
    // stops, as one competitor (SearchDriver.atRung); its checkpoint at the rung is where it goes on.
    const pausing = pausesAtRungs(settings.spec);
    for (;;) {
      if (pausing) r.request.stopAt = settings.evalAt.find((rung) => rung > r.from) ?? 0;
      let result: TrainResult__Output;
      try {
        result = await callTrain(this.d.clients.get(lease.address), {
          call: { train: r.request },
          deadline: settings.trialTimeoutMs > 0 ? new Date(Date.now() + settings.trialTimeoutMs + 30_000) : undefined,
          busyWaitMs: WIND_DOWN_WAIT_MS,
          signal: AbortSignal.any([signal, stopper.signal]),
          // The shared curve is every waiting trial's curve, under the attempt that will evaluate it.
          onProgress: (step, metrics) => {
            for (const t of waiting) this.d.steps.add({ trialId: t.id, attempt: t.attempts + 1, step, metrics });
            latest = { ...latest, ...metrics };
            if (settings.evalAt.length === 0 || stopped) return;
            // One step judged after the other: a later rung is not recorded once an earlier one stopped the training.
            judging = judging.then(async () => {
              if (stopped) return;
              const stop = await this.d.search.onStep(job.sweepId, judgedAs, step, metrics);
              if (stop && !stopped) {
                stopped = stop;
                stopper.abort('stopped by ASHA');
              }
            }).catch((err: unknown) => this.d.log.warn({ trainingId: job.trainingId, err: (err as Error).message }, 'ASHA could not judge a step'));
          },
          onCheckpoint: (step, state) => checkpoints.add(step, state),
        });
      } catch (err) {
        await checkpoints.settled();
        if (stopped) return this.stop(job, stopped, latest);
        if (signal.aborted && signal.reason !== SHUTDOWN_REASON) {
          await this.end(job, 'cancelled', 'cancelled');
          return 'cancelled';
        }
        if (signal.aborted || neverReached(err)) {
          // The dispatcher stopping, or a trainer never reached: not the training's doing, no retry spent.
          await this.d.trainings.retrying(job.trainingId, signal.aborted ? 'the dispatcher stopped during the training' : (err as Error).message).catch(() => undefined);
          if (!signal.aborted) return this.unreachable(lease, err);
          throw new InterruptedError('the dispatcher stopped during the training');
        }
        const code = (err as ServiceError).code;
        if (code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED) {
          await this.d.fleet.markUnreachable(lease.nodeId).catch(() => undefined);
          this.d.clients.forget(lease.address);
        }
        const busy = code === GrpcStatus.RESOURCE_EXHAUSTED;
        const error = `trainer ${lease.nodeId} lost: ${(err as Error).message}`;
        if (busy || attempts.made + 1 < attempts.allowed) await this.d.trainings.retrying(job.trainingId, error);
        else await this.end(job, 'failed', error);
        throw busy ? new TrainerBusyError(lease.nodeId) : new TrainerLostError((err as Error).message, lease.nodeId);
      }
      await this.d.steps.flush();
      await checkpoints.settled();
      if (pausing && result.ok && Number(result.pausedAt) > 0) {
        await judging; // the rung's value recorded as streamed first, as for any run
        const next = await this.atRung(r, judgedAs, Number(result.pausedAt), { ...latest, ...result.metrics }, checkpoints);
        if (next === 'continue') continue;
        return next;
      }
      if (stopped && !result.ok) return this.stop(job, stopped, latest);
      if (!result.ok && result.failure === 'FAILURE_INTERRUPTED') {
        await this.d.trainings.retrying(job.trainingId, result.error).catch(() => undefined);
        throw new InterruptedError(`trainer ${lease.nodeId} stopped during the training: ${result.error}`);
      }
      if (!result.ok) {
        const cancelled = result.failure === 'FAILURE_CANCELLED';
        await this.end(job, cancelled ? 'cancelled' : 'failed', result.error || result.failure);
        return cancelled ? 'cancelled' : 'failed';
      }
      const adapter = parseJsonObject(result.adapterJson);
      if (!adapter) {
        await this.end(job, 'failed', 'the training returned no adapter to prune');
        return 'failed';
      }
      const stored = await this.d.trainings.succeed(job.trainingId, attempt, {
        adapter,
        metrics: result.metrics && Object.keys(result.metrics).length > 0 ? result.metrics : null,
        trainableParams: result.trainableParams || null,
        environment: parseJsonObject(result.environmentJson),
      });
      if (stored) await this.d.checkpoints.discard(job.trainingId).catch(() => undefined);
      this.d.log.info({ trainingId: job.trainingId, trials: waiting.length, seconds: result.seconds }, 'shared training done');
      return stored ? 'succeeded' : 'superseded';
    }
  }

  /**
   * ASHA with pausing: the training stopped at `rung` after its checkpoint. The search decides under
   * the sweep's lock, the training one competitor (represented by `judgedAs`): go on at once on this
   * slot from the checkpoint, pause (training and trials `paused`, the slot freed, both jobs complete;
   * a promotion adds the next segment's flow), or stop (the training and its waiting trials
   * `stopped`, with the rung's metrics). Returns 'continue' after setting up the next segment's request.
   */
  private async atRung(r: TrainingRun, judgedAs: string, rung: number, latest: Metrics, checkpoints: CheckpointSaver): Promise<RunResult | 'continue'> {
    const { job } = r;
    const asha = ashaOf(r.settings.spec);
    // The rung value as the trainer measured it there (the rung's step), with the metrics it is kept with.
    const metrics = { ...latest };
    const outcome = await this.d.search.atRung(job.sweepId, judgedAs, r.attempt, rung, metrics, job.trainingId);
    const state = checkpoints.last;
    if (outcome === 'continue') {
      if (!state || state.step !== rung) this.d.log.warn({ trainingId: job.trainingId, rung }, 'no checkpoint at the rung; the training starts its next segment from its last one');
      r.request = { ...r.request, ...(state ? { resumeJson: state.state } : {}) };
      r.from = state?.step ?? 0;
      this.d.log.debug({ trainingId: job.trainingId, rung }, 'training promoted at once: runs on');
      return 'continue';
    }
    for (const t of r.waiting) this.d.events.publish({ sweepId: t.sweepId, trialId: t.id, kind: 'finished' });
    if (outcome === 'paused') this.d.log.info({ trainingId: job.trainingId, rung, metric: asha?.metric, value: asha ? metrics[asha.metric] : undefined }, 'shared training paused at a rung');
    if (outcome === 'stopped') this.d.log.info({ trainingId: job.trainingId, rung }, 'shared training stopped by ASHA at a rung');
    return outcome === 'gone' ? 'superseded' : outcome;
  }

  /** The flow's parent: the training is done; each waiting trial's own job prunes and evaluates it. */
  async fanOut(job: TrainingJobData): Promise<RunResult> {
    const [settings, training] = await Promise.all([this.d.specs.get(job.sweepId), this.d.trainings.get(job.trainingId)]);
    // A failed or cancelled training already ended its trials.
    if (!settings || training?.status !== 'succeeded') return 'skipped';
    const waiting = await this.d.trainings.openTrials(job.trainingId);
    // Ahead of the trainings still waiting: results come in as each training finishes.
    await this.d.queue.enqueueFresh(waiting.map((t) => ({ trialId: t.id, sweepId: t.sweepId, maxAttempts: settings.maxAttempts, priority: JOB_PRIORITY.evaluate })));
    return 'succeeded';
  }

  /** ASHA stopped the training at a rung: its waiting trials end stopped, with the rung's metrics. */
  private async stop(job: TrainingJobData, s: AshaStop, latest: Metrics): Promise<RunResult> {
    await this.d.steps.flush();
    await this.d.checkpoints.discard(job.trainingId).catch(() => undefined);
    await this.end(job, 'stopped', stoppedReason(s), stoppedMetrics(s, latest));
    this.d.log.info({ trainingId: job.trainingId, rung: s.rung, value: s.value, cutoff: s.cutoff }, 'shared training stopped by ASHA');
    return 'stopped';
  }

  /** The training (on this job's segment) failed for good, was cancelled or stopped: so do its waiting trials. */
  async end(job: TrainingJobData, status: 'failed' | 'cancelled' | 'stopped', error: string, metrics?: Metrics): Promise<void> {
    const sweeps = await this.d.trainings.end(job.trainingId, status, error, metrics, job.segment ?? 0);
    for (const sweepId of sweeps) {
      await this.d.search.onFinished(sweepId).catch(() => undefined);
    }
  }
}
