import * as grpc from '@grpc/grpc-js';
import type { TrainerNodeInfo } from '@tinysweep/api-types';
import {
  callerRefusal,
  loadTrainerProto,
  TRAINER_SERVER_OPTIONS,
  type DescribeRequest__Output,
  type EvaluateRequest__Output,
  type FingerprintReply,
  type FingerprintRequest__Output,
  type GenerateReply,
  type GenerateRequest__Output,
  type NodeInfo,
  type TrainEvent,
  type TrainRequest__Output,
  type TrainResult,
} from '@tinysweep/proto';
import { checkTrialRun } from '@tinysweep/trial';
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import { bearerAuthInterceptor } from './auth.js';
import { defaultBackendRegistry, type BackendRequest, type EventSink, type TrainerBackend } from './backends/index.js';
import { abortedResult, TrainAbort, timeoutAbort } from './backends/train-abort.js';
import { DataRoots } from './data-roots.js';
import { ProgressCoalescer } from './progress-coalescer.js';
import { evaluateRun, fingerprintRun, runLabel, trainRun, type RunRequest } from './backends/run-request.js';
import { GenerateHandler } from './generate/generate-handler.js';
import { toNodeInfo } from './node-info.js';
import type { TrainerServerOptions } from './interfaces/trainer-server-options.js';
import { TRAINER_VERSION } from './version.js';

/** Events queued on a slow stream beyond which log lines are dropped (progress never is). */
const LOG_BACKLOG_LIMIT = 1000;

/** Largest checkpoint sent (half the message limit): a bigger state (CMA-ES past a few hundred dimensions) is not checkpointed. */
export const MAX_CHECKPOINT_BYTES = 16 * 1024 * 1024;

/** A Train or Evaluate call: both stream TrainEvents. */
type RunCall = grpc.ServerWritableStream<TrainRequest__Output | EvaluateRequest__Output, TrainEvent>;

interface Training {
  label: Record<string, string | number>;
  controller: AbortController;
  done: Promise<void>;
}

/** setTimeout's ceiling (~24.8 days); longer trial timeouts are clamped to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '';
}

function hostPort(host: string, port: number): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Parses a JSON-object field of a request; empty means {}. */
function parseObject(field: string, text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${field} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${field} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** A backend's environment JSON as an object; a malformed one is dropped rather than failing the trial. */
function backendEnvironment(text: string | undefined): Record<string, unknown> {
  try {
    return parseObject('environment_json', text ?? '');
  } catch {
    return {};
  }
}

/**
 * The gRPC server of a trainer node: Describe says what the node is, Train runs one trial attempt
 * (or shared training) on a backend and streams its events, Evaluate prunes and evaluates a stored
 * adapter the same way, Fingerprint says what a run would read.
 *
 * - Train, Evaluate and Fingerprint answer only callers of this trainer's protocol (protocol.ts in
 *   libs/proto); others get UNAVAILABLE naming both versions, and a log line.
 * - At most `slots` trainings and evaluations run at once; one more fails with RESOURCE_EXHAUSTED.
 * - A run whose request cannot run (unknown backend, bad JSON) ends with a FAILURE_BAD_REQUEST
 *   result, not a gRPC error: gRPC errors mean "try elsewhere", results mean "this is the outcome".
 * - Every Train and Evaluate stream ends with exactly one `result` event, then OK status.
 * - When the client cancels or disappears (keepalive notices within ~15 s), the training's
 *   AbortSignal fires and the backend kills what it started. The request's timeout_ms fires
 *   the same signal with a timeout reason.
 * - stop() refuses new calls, lets running trainings finish for `drainMs`, cancels the rest,
 *   sends their results and closes.
 * - Generate (Try it) takes no slot; GenerateHandler bounds it on its own (`maxGenerations`).
 */
export class TrainerServer {
  private readonly opts: Required<Omit<TrainerServerOptions, 'advertise' | 'nodeId' | 'token' | 'credentials'>> &
    Pick<TrainerServerOptions, 'advertise' | 'nodeId' | 'token' | 'credentials'>;
  /** Where trials may read models and data: the workdir and the data roots. */
  readonly roots: DataRoots;
  private readonly logger: Logger;
  private readonly trainings = new Map<number, Training>();
  private server?: grpc.Server;
  private boundPort?: number;
  private seq = 0;
  private stopping?: Promise<void>;
  private readonly generations: GenerateHandler;
  /** Callers already told (and logged) that they speak another protocol, by peer and protocol. */
  private readonly refusedCallers = new Set<string>();

  constructor(opts: TrainerServerOptions = {}) {
    this.opts = {
      host: '127.0.0.1',
      port: 50051,
      slots: 1,
      device: 'cpu',
      models: [],
      workdir: process.cwd(),
      drainMs: 0,
      backends: defaultBackendRegistry,
      version: TRAINER_VERSION,
      logger: pino({ level: 'silent' }),
      maxGenerations: 2,
      dataRoots: [],
      ...opts,
    };
    this.roots = new DataRoots(this.opts.workdir, this.opts.dataRoots);
    this.logger = this.opts.logger;
    if (!Number.isInteger(this.opts.slots) || this.opts.slots < 1) throw new Error('slots must be an integer greater than 0');
    if (!Number.isInteger(this.opts.port) || this.opts.port < 0 || this.opts.port > 65535) throw new Error('port must be an integer from 0 to 65535');
    if (!(this.opts.drainMs >= 0)) throw new Error('drainMs must be at least 0');
    if (!Number.isInteger(this.opts.maxGenerations) || this.opts.maxGenerations < 1) throw new Error('maxGenerations must be an integer greater than 0');
    this.generations = new GenerateHandler({
      backends: this.opts.backends,
      workdir: this.opts.workdir,
      roots: this.roots,
      maxConcurrent: this.opts.maxGenerations,
      nodeId: () => this.nodeId,
      stopping: () => this.stopping !== undefined,
      logger: this.logger,
    });
  }

  /** Binds and starts serving; resolves with the bound port and the advertised address. */
  async start(): Promise<{ port: number; address: string; nodeId: string }> {
    if (this.server) throw new Error('TrainerServer already started');
    const server = new grpc.Server({
      ...TRAINER_SERVER_OPTIONS,
      interceptors: this.opts.token ? [bearerAuthInterceptor(this.opts.token)] : [],
    });
    server.addService(loadTrainerProto().tinysweep.trainer.v1.Trainer.service, {
      Describe: (call: grpc.ServerUnaryCall<DescribeRequest__Output, NodeInfo>, callback: grpc.sendUnaryData<NodeInfo>) =>
        callback(null, this.describe()),
      Train: (call: grpc.ServerWritableStream<TrainRequest__Output, TrainEvent>) => this.startRun(call, () => trainRun(call.request)),
      Evaluate: (call: grpc.ServerWritableStream<EvaluateRequest__Output, TrainEvent>) => this.startRun(call, () => evaluateRun(call.request)),
      Fingerprint: (call: grpc.ServerUnaryCall<FingerprintRequest__Output, FingerprintReply>, callback: grpc.sendUnaryData<FingerprintReply>) =>
        void this.fingerprint(call, callback),
      Generate: (call: grpc.ServerUnaryCall<GenerateRequest__Output, GenerateReply>, callback: grpc.sendUnaryData<GenerateReply>) =>
        this.generations.handle(call, callback),
    });
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(hostPort(this.opts.host, this.opts.port), this.opts.credentials ?? grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    this.server = server;
    return { port: this.boundPort, address: this.address, nodeId: this.nodeId };
  }

  /** The bound port (after start()). */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('TrainerServer not started');
    return this.boundPort;
  }

  /** The address the dispatcher dials. */
  get address(): string {
    if (this.opts.advertise) return this.opts.advertise;
    return hostPort(isWildcard(this.opts.host) ? hostname() : this.opts.host, this.port);
  }

  get nodeId(): string {
    return this.opts.nodeId ?? `${hostname()}-${this.port}`;
  }

  /** Trainings in flight. */
  get running(): number {
    return this.trainings.size;
  }

  /** What this node is, in the one node shape: the heartbeat sends it (with GPUs and loaded models added). */
  node(): TrainerNodeInfo {
    return {
      id: this.nodeId,
      address: this.address,
      device: this.opts.device,
      slots: this.opts.slots,
      running: this.running,
      backends: this.opts.backends.names(),
      models: this.opts.models,
      version: this.opts.version,
    };
  }

  /** What Describe answers. */
  describe(): NodeInfo {
    return toNodeInfo(this.node());
  }

  /**
   * Stops serving: new calls are refused, running trainings get `drainMs` (default: the option)
   * to finish, then are cancelled (FAILURE_INTERRUPTED results are still sent); resolves when closed.
   */
  stop(drainMs: number = this.opts.drainMs): Promise<void> {
    this.stopping ??= this.shutdown(drainMs);
    return this.stopping;
  }

  private async shutdown(drainMs: number): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    const all = () => Promise.all([...this.trainings.values()].map((t) => t.done));
    if (this.trainings.size > 0 && drainMs > 0) {
      this.logger.info({ running: this.trainings.size, drainMs }, 'draining trainings');
      await Promise.race([all(), sleep(drainMs)]);
    }
    for (const t of this.trainings.values()) {
      this.logger.warn(t.label, 'cancelling training: trainer shutting down');
      t.controller.abort(new TrainAbort('shutdown', 'training cancelled: the trainer is shutting down'));
    }
    await all();
    // results are written; give clients a moment to read them, then close what is left
    await Promise.race([closed, sleep(2000)]);
    server.forceShutdown();
  }

  /**
   * Why this call is not run here, answered as a gRPC error (true), or false: the trainer stops,
   * or the caller speaks another trainer protocol (told once per peer in the log).
   */
  private refused(metadata: grpc.Metadata, peer: string, fail: (err: Partial<grpc.StatusObject>) => void): boolean {
    if (this.stopping) {
      fail({ code: grpc.status.UNAVAILABLE, details: 'trainer is shutting down' });
      return true;
    }
    const mismatch = callerRefusal(metadata, { nodeId: this.nodeId, version: this.opts.version });
    if (!mismatch) return false;
    const seen = `${peer.replace(/:\d+$/, '')} ${mismatch}`; // by host: each connection has a port of its own
    if (!this.refusedCallers.has(seen)) {
      if (this.refusedCallers.size >= 1000) this.refusedCallers.clear();
      this.refusedCallers.add(seen);
      this.logger.warn({ peer }, mismatch);
    }
    // UNAVAILABLE ("this node could not take the call"): a protocol 1 dispatcher runs the trial on
    // another node without charging it, where another code would cost the trial an attempt.
    fail({ code: grpc.status.UNAVAILABLE, details: mismatch });
    return true;
  }

  /** Train and Evaluate: take a slot and run; `run` reads the call's typed request. */
  private startRun(call: RunCall, run: () => RunRequest): void {
    if (this.refused(call.metadata, call.getPeer(), (err) => call.emit('error', err))) return;
    const request = run();
    const label = runLabel(request);
    if (this.trainings.size >= this.opts.slots) {
      // debug: routine while a cancelled run winds down (the dispatcher asks again for a moment)
      this.logger.debug({ ...label, slots: this.opts.slots }, 'run refused: no free slot');
      call.emit('error', {
        code: grpc.status.RESOURCE_EXHAUSTED,
        details: `all ${this.opts.slots} slot(s) of trainer ${this.nodeId} are busy`,
      });
      return;
    }
    const id = ++this.seq;
    const controller = new AbortController();
    const done = this.runTraining(call, request, controller)
      .catch((err: unknown) => this.logger.error({ err, ...label }, 'training crashed'))
      .finally(() => this.trainings.delete(id));
    this.trainings.set(id, { label, controller, done });
  }

  /**
   * Fingerprint runs nothing (it hashes files the run would read): it needs no slot, and must not be
   * refused while a slot winds down a cancelled run. A request it cannot answer gets an `error`.
   */
  private async fingerprint(call: grpc.ServerUnaryCall<FingerprintRequest__Output, FingerprintReply>, callback: grpc.sendUnaryData<FingerprintReply>): Promise<void> {
    if (this.refused(call.metadata, call.getPeer(), (err) => callback(err))) return;
    try {
      const checked = await this.checkRun(fingerprintRun(call.request));
      if ('error' in checked) return callback(null, { error: checked.error });
      const { backend, req } = checked;
      if (!backend.fingerprint) return callback(null, { error: `backend "${backend.name}" reports no fingerprint` });
      callback(null, { fingerprint: await backend.fingerprint(req) });
    } catch (err) {
      callback(null, { error: `fingerprint: ${(err as Error).message}` });
    }
  }

  private async runTraining(call: RunCall, run: RunRequest, controller: AbortController): Promise<void> {
    const req = run.fields;
    const started = performance.now();
    const log = this.logger.child(runLabel(run));
    const cancel = (why: string) => controller.abort(new TrainAbort('cancelled', why));
    call.on('cancelled', () => cancel('training cancelled: the client cancelled the call or went away'));
    call.on('error', (err: Error) => cancel(`training cancelled: stream error: ${err.message}`));
    if (call.cancelled) cancel('training cancelled: the client cancelled the call');
    // Headers at once: the dispatcher tells "this trainer answered" (a loss mid-run, charged to the
    // trial) from "never reached it" (a connection failure, which is not) by them.
    if (!call.cancelled) call.sendMetadata(new grpc.Metadata());
    const timeoutMs = req.timeoutMs;
    const timer = timeoutMs > 0 ? setTimeout(() => controller.abort(timeoutAbort(timeoutMs)), Math.min(timeoutMs, MAX_TIMER_MS)) : undefined;

    let dropped = 0;
    const send = (event: TrainEvent) => {
      if (!call.cancelled && !call.writableEnded && !call.destroyed) call.write(event);
    };
    // A program printing thousands of steps a second is coalesced here (rungs always pass).
    let latest: Record<string, number> = {};
    const progress = new ProgressCoalescer((step, metrics) => send({ progress: { step, metrics } }), { keep: new Set(req.evalAt ?? []) });
    // Pausing (ASHA with promotion: pause): the run ends once it has checkpointed at or past stop_at.
    const stopAt = 'stopAt' in call.request ? Number(call.request.stopAt) || 0 : 0;
    let pausedAt = 0;
    const sink: EventSink = {
      progress: (step, metrics) => {
        latest = { ...latest, ...metrics };
        progress.push(step, metrics);
      },
      checkpoint: (step, stateJson) => {
        if (pausedAt > 0) return;
        progress.flush(); // the dispatcher hears a step before the checkpoint taken after it
        if (Buffer.byteLength(stateJson) > MAX_CHECKPOINT_BYTES) {
          sink.log('engine', `checkpoint at step ${step} not sent: ${Buffer.byteLength(stateJson)} bytes, over ${MAX_CHECKPOINT_BYTES}`);
          return;
        }
        send({ checkpoint: { step, stateJson } });
        if (stopAt > 0 && step >= stopAt) {
          pausedAt = step;
          controller.abort(new TrainAbort('paused', `paused at step ${step} (stop_at ${stopAt})`));
        }
      },
      log: (stream, line) => {
        if (call.writableLength > LOG_BACKLOG_LIMIT) {
          dropped++;
          return;
        }
        if (dropped > 0) {
          send({ log: { stream: 'engine', line: `[${dropped} log lines dropped: the client reads too slowly]` } });
          dropped = 0;
        }
        send({ log: { stream, line } });
      },
    };

    log.debug({ timeoutMs }, 'training started');
    let result: TrainResult;
    try {
      result = await this.runBackend(run, sink, controller.signal);
    } catch (err) {
      result = controller.signal.aborted
        ? abortedResult(controller.signal.reason)
        : { ok: false, failure: 'FAILURE_EXIT', error: `backend "${run.backend}" threw: ${(err as Error).message}` };
    } finally {
      clearTimeout(timer);
      progress.flush();
    }
    // A pause is no failure: the checkpoint is out, and the result says where the run stopped.
    if (pausedAt > 0 && controller.signal.reason instanceof TrainAbort && controller.signal.reason.kind === 'paused') {
      result = { ok: true, pausedAt, metrics: latest, seconds: result.seconds, error: '' };
    }
    if (progress.coalesced > 0) send({ log: { stream: 'engine', line: `[${progress.coalesced} progress events coalesced into ${progress.sent}: the program reported faster than 50 a second]` } });
    if (!result.seconds) result = { ...result, seconds: (performance.now() - started) / 1000 };
    if (!result.ok && !result.failure) result = { ...result, failure: 'FAILURE_EXIT' };
    result = { ...result, environmentJson: JSON.stringify({ ...this.environment(run.backend), ...backendEnvironment(result.environmentJson) }) };
    // Successes are the common case and the dispatcher records them; failures are worth a line here.
    const level = result.ok ? 'debug' : 'info';
    log[level]({ ok: result.ok, failure: result.failure, seconds: result.seconds, error: result.error || undefined }, 'training finished');
    send({ result });
    if (!call.writableEnded) call.end();
  }

  /** What every result says about where it ran; backends add their own (model and data hashes). */
  private environment(backend: string): Record<string, string> {
    return {
      trainer: this.opts.version,
      node: this.nodeId,
      device: this.opts.device,
      runtime: `node ${process.version}`,
      platform: `${process.platform}-${process.arch}`,
      backend,
    };
  }

  /** The backend and its request, or why the run cannot start (unknown backend, bad JSON, a path outside the roots). */
  private async checkRun(run: RunRequest): Promise<{ backend: TrainerBackend; req: BackendRequest } | { error: string }> {
    if (!this.opts.backends.has(run.backend)) {
      const offered = this.opts.backends.names().join(', ') || 'none';
      return { error: this.opts.backends.refusal(run.backend) ?? `unknown backend "${run.backend}" (this trainer offers: ${offered})` };
    }
    let params: Record<string, unknown>;
    let spec: Record<string, unknown>;
    try {
      params = parseObject('params_json', run.paramsJson);
      spec = parseObject('backend_json', run.backendJson);
    } catch (err) {
      return { error: (err as Error).message };
    }
    // The one check of the params against the trial contract (the backend gets them typed).
    const checked = checkTrialRun(run.backend, run.contract, params);
    if (!checked.ok) return { error: checked.error };
    // Model and data paths must stay in the workdir and data roots, before the backend reads a byte.
    const outside = await this.roots.check(params);
    if (outside) return { error: outside };
    const backend = this.opts.backends.get(run.backend);
    return { backend, req: { ...run.fields, params, trial: checked.run, spec, workdir: this.opts.workdir, roots: this.roots.all } };
  }

  private async runBackend(run: RunRequest, sink: EventSink, signal: AbortSignal): Promise<TrainResult> {
    const checked = await this.checkRun(run);
    if ('error' in checked) return { ok: false, failure: 'FAILURE_BAD_REQUEST', error: checked.error };
    return checked.backend.run(checked.req, sink, signal);
  }
}
