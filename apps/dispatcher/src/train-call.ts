import { status as GrpcStatus } from '@grpc/grpc-js';
import type { TrainerClient, TrainEvent__Output, TrainRequest, TrainResult__Output } from '@tinysweep/proto';
import { fingerprintOf, type Fingerprint } from '@tinysweep/search';

/** What one Train call sends and whom it tells while it runs. */
export interface TrainCallOptions {
  request: TrainRequest;
  /** Guards against a trainer that hangs; the trainer enforces the trial timeout itself. */
  deadline?: Date;
  /** Aborting cancels the call (the trainer stops the training). */
  signal: AbortSignal;
  onProgress?(step: number, metrics: Record<string, number>): void;
  onLog?(stream: string, line: string): void;
}

/**
 * Opens Train on a trainer and relays its events until the one `result` arrives. Rejects with the
 * gRPC error when the stream breaks first (a result that arrived before a late transport error
 * still counts), or with UNAVAILABLE when it ends without a result.
 */
export function callTrain(client: TrainerClient, o: TrainCallOptions): Promise<TrainResult__Output> {
  return new Promise((resolve, reject) => {
    const call = client.train(o.request, o.deadline ? { deadline: o.deadline } : {});
    let result: TrainResult__Output | undefined;
    const onAbort = () => call.cancel();
    if (o.signal.aborted) call.cancel();
    o.signal.addEventListener('abort', onAbort, { once: true });
    const done = () => o.signal.removeEventListener('abort', onAbort);
    call.on('data', (e: TrainEvent__Output) => {
      if (e.progress) o.onProgress?.(Number(e.progress.step), e.progress.metrics);
      else if (e.log) o.onLog?.(e.log.stream, e.log.line);
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

/**
 * What a trial would read, per the trainer (TRAIN_MODE_FINGERPRINT: nothing runs), or undefined when
 * the trainer cannot say (an older trainer, a backend without fingerprints, a bad request).
 */
export async function fingerprint(client: TrainerClient, request: TrainRequest, signal: AbortSignal): Promise<Fingerprint | undefined> {
  const r = await callTrain(client, { request: { ...request, mode: 'TRAIN_MODE_FINGERPRINT' }, deadline: new Date(Date.now() + 60_000), signal });
  if (!r.ok || !r.environmentJson) return undefined;
  try {
    return fingerprintOf(JSON.parse(r.environmentJson) as Record<string, unknown>);
  } catch {
    return undefined;
  }
}
