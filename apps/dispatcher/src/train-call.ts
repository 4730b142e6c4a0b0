import { setTimeout as sleep } from 'node:timers/promises';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { EvaluateRequest, FingerprintReply__Output, FingerprintRequest, TrainerClient, TrainEvent__Output, TrainRequest, TrainResult__Output } from '@tinysweep/proto';
import { fingerprintOf, type Fingerprint } from '@tinysweep/search';

/**
 * What one streaming call runs: Train (a trial's attempt, or a shared training by its training id)
 * or Evaluate (a trial of a shared training: its pruning and evaluation of the stored adapter).
 */
export type RunCall = { train: TrainRequest } | { evaluate: EvaluateRequest };

/** What one Train or Evaluate call sends and whom it tells while it runs. */
export interface TrainCallOptions {
  call: RunCall;
  /** Guards against a trainer that hangs; the trainer enforces the trial timeout itself. */
  deadline?: Date;
  /** Aborting cancels the call (the trainer stops the training). */
  signal: AbortSignal;
  onProgress?(step: number, metrics: Record<string, number>): void;
  onLog?(stream: string, line: string): void;
  /** The run's state after `step` (resumable trials): what a later attempt continues from. */
  onCheckpoint?(step: number, stateJson: string): void;
  /**
   * How long to keep asking a trainer that answers RESOURCE_EXHAUSTED before anything ran. A
   * cancelled call frees the lease at once, but the trainer frees its slot only when the run notices
   * (after the generation or evaluation in flight): the next trial sent there meets a busy slot for a
   * moment. Waiting for it keeps that trial's attempt and its place in the queue. 0: fail at once.
   * @defaultValue 0
   */
  busyWaitMs?: number;
}

/** How long a trial's Train call waits for a trainer slot that is winding down a cancelled run. */
export const WIND_DOWN_WAIT_MS = 15_000;

/** First and longest pause between asks of a busy trainer. */
const BUSY_BACKOFF_MS = { first: 25, max: 400 };

/** A failed call's error: `answered` is true when the trainer had answered (sent headers or an event) before it failed. */
export type TrainCallError = Error & { code?: number; answered?: boolean };

/**
 * The call failed before the trainer answered at all — no connection, a TLS handshake or token it
 * refused — so nothing ran there: the node's fault (or the network's), not the trial's.
 */
export function neverReached(err: unknown): boolean {
  const e = err as TrainCallError;
  return e.answered === false && (e.code === GrpcStatus.UNAVAILABLE || e.code === GrpcStatus.DEADLINE_EXCEEDED || e.code === GrpcStatus.UNAUTHENTICATED);
}

/**
 * Opens Train (or Evaluate) on a trainer and relays its events until the one `result` arrives. Rejects with the
 * gRPC error when the stream breaks first (a result that arrived before a late transport error
 * still counts), or with UNAVAILABLE when it ends without a result; the error says whether the
 * trainer had answered (see {@link neverReached}).
 */
export async function callTrain(client: TrainerClient, o: TrainCallOptions): Promise<TrainResult__Output> {
  const until = Date.now() + (o.busyWaitMs ?? 0);
  for (let pause = BUSY_BACKOFF_MS.first; ; pause = Math.min(2 * pause, BUSY_BACKOFF_MS.max)) {
    const call = { started: false, answered: false };
    try {
      return await callTrainOnce(client, o, call);
    } catch (err) {
      Object.assign(err as object, { answered: call.answered });
      // refused before it ran (RESOURCE_EXHAUSTED mid-stream is a message over the size limit)
      const refused = (err as { code?: number }).code === GrpcStatus.RESOURCE_EXHAUSTED && !call.started;
      if (!refused || o.signal.aborted || Date.now() + pause > until) throw err;
      await sleep(pause, undefined, { signal: o.signal }).catch(() => undefined);
      if (o.signal.aborted) throw err;
    }
  }
}

/**
 * One Train call; `state.started` turns true with its first event (the trainer took the call),
 * `state.answered` with its response headers too (a trainer sends them when it starts a run).
 */
function callTrainOnce(client: TrainerClient, o: TrainCallOptions, state: { started: boolean; answered: boolean }): Promise<TrainResult__Output> {
  return new Promise((resolve, reject) => {
    const options = o.deadline ? { deadline: o.deadline } : {};
    const call = 'train' in o.call ? client.train(o.call.train, options) : client.evaluate(o.call.evaluate, options);
    let result: TrainResult__Output | undefined;
    const onAbort = () => call.cancel();
    if (o.signal.aborted) call.cancel();
    o.signal.addEventListener('abort', onAbort, { once: true });
    const done = () => o.signal.removeEventListener('abort', onAbort);
    call.on('metadata', () => (state.answered = true));
    call.on('data', (e: TrainEvent__Output) => {
      state.started = state.answered = true;
      if (e.progress) o.onProgress?.(Number(e.progress.step), e.progress.metrics);
      else if (e.log) o.onLog?.(e.log.stream, e.log.line);
      else if (e.checkpoint) o.onCheckpoint?.(Number(e.checkpoint.step), e.checkpoint.stateJson);
      else if (e.result) result = e.result;
    });
    call.on('error', (err) => {
      done();
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

/** How long a Fingerprint may take (file hashes are cached on the node; a cold model is hashed once). */
const FINGERPRINT_DEADLINE_MS = 60_000;

/**
 * What a trial or training would read, per the trainer (Fingerprint: nothing runs), or undefined when
 * the trainer cannot say (a backend without fingerprints, a bad request, a trainer without the call).
 * Throws only when the trainer could not be reached at all ({@link neverReached}): the first dial of an attempt.
 */
export async function fingerprint(client: TrainerClient, request: FingerprintRequest, signal: AbortSignal): Promise<Fingerprint | undefined> {
  let reply: FingerprintReply__Output;
  try {
    reply = await callFingerprint(client, request, signal);
  } catch (err) {
    if (neverReached(err) && !signal.aborted) throw err;
    return undefined;
  }
  return reply.error ? undefined : fingerprintOf(reply.fingerprint);
}

/** One Fingerprint call, cancelled when `signal` aborts; its error says whether the trainer had answered. */
function callFingerprint(client: TrainerClient, request: FingerprintRequest, signal: AbortSignal): Promise<FingerprintReply__Output> {
  return new Promise((resolve, reject) => {
    const state = { answered: false };
    const onAbort = () => call.cancel();
    const call = client.fingerprint(request, { deadline: Date.now() + FINGERPRINT_DEADLINE_MS }, (err, reply) => {
      signal.removeEventListener('abort', onAbort);
      if (err) reject(Object.assign(err, { answered: state.answered }));
      else if (reply) resolve(reply);
      else reject(Object.assign(new Error('Fingerprint answered nothing'), { code: GrpcStatus.UNAVAILABLE, answered: true }));
    });
    call.on('metadata', () => (state.answered = true));
    if (signal.aborted) call.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
