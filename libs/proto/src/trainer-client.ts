import * as grpc from '@grpc/grpc-js';
import { TRAINER_CHANNEL_OPTIONS } from './channel-options.js';
import { loadTrainerProto } from './load-trainer-proto.js';
import { TRAINER_PROTOCOL, TRAINER_PROTOCOL_METADATA } from './protocol.js';
import type { GenerateReply__Output, GenerateRequest, TrainerClient } from './types.js';

/** Metadata key that carries the shared trainer token, as `Bearer <token>`. */
export const TRAINER_TOKEN_METADATA = 'authorization';

export interface TrainerClientOptions {
  /**
   * Shared trainer token; sent as `authorization: Bearer <token>` on every call.
   * @defaultValue none (no metadata added)
   */
  token?: string;
  /**
   * Channel credentials, e.g. `grpc.credentials.createSsl(ca)`.
   * @defaultValue `grpc.credentials.createInsecure()`
   */
  credentials?: grpc.ChannelCredentials;
  /**
   * Extra channel options, merged over {@link TRAINER_CHANNEL_OPTIONS}.
   */
  channelOptions?: grpc.ChannelOptions;
}

/**
 * A client interceptor that adds `authorization: Bearer <token>` to each call's metadata. An
 * interceptor (not call credentials) because grpc-js refuses call credentials on insecure channels,
 * and trainers on a private network usually are insecure.
 */
export function bearerTokenInterceptor(token: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set(TRAINER_TOKEN_METADATA, `Bearer ${token}`);
        next(metadata, listener);
      },
    });
}

/** A client interceptor that states this code's trainer protocol on each call (see protocol.ts): trainers refuse callers of another. */
export function protocolInterceptor(protocol: number = TRAINER_PROTOCOL): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set(TRAINER_PROTOCOL_METADATA, String(protocol));
        next(metadata, listener);
      },
    });
}

/** Creates a Trainer client for `address` (`host:port`), insecure unless credentials are given; every call states TRAINER_PROTOCOL. */
export function createTrainerClient(address: string, opts: TrainerClientOptions = {}): TrainerClient {
  const { Trainer } = loadTrainerProto().tinysweep.trainer.v1;
  const interceptors = [protocolInterceptor(), ...(opts.token ? [bearerTokenInterceptor(opts.token)] : [])];
  return new Trainer(address, opts.credentials ?? grpc.credentials.createInsecure(), {
    ...TRAINER_CHANNEL_OPTIONS,
    ...opts.channelOptions,
    interceptors,
  });
}

/** Options of {@link generateCompletions}. */
export interface GenerateCallOptions {
  /**
   * How long the call may take, model load on a cold node included; past it the call fails with
   * DEADLINE_EXCEEDED and the trainer's handler sees it cancelled.
   * @defaultValue 120000
   */
  deadlineMs?: number;
}

/**
 * Calls Generate and resolves with the reply. A refusal rejects with grpc-js's ServiceError, whose
 * `code` says why (INVALID_ARGUMENT: the request, its `details` naming the field; FAILED_PRECONDITION:
 * this node cannot serve it; UNAVAILABLE / RESOURCE_EXHAUSTED / UNIMPLEMENTED: try another node).
 */
export function generateCompletions(client: TrainerClient, request: GenerateRequest, opts: GenerateCallOptions = {}): Promise<GenerateReply__Output> {
  const deadline = Date.now() + (opts.deadlineMs ?? 120_000);
  return new Promise((resolve, reject) =>
    client.generate(request, { deadline }, (err, reply) => (err ? reject(err) : reply ? resolve(reply) : reject(new Error('Generate answered nothing')))),
  );
}
