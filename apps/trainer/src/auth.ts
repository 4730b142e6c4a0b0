import * as grpc from '@grpc/grpc-js';
import { TRAINER_TOKEN_METADATA } from '@tinysweep/proto';
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether `metadata` carries `authorization: Bearer <token>` (constant-time comparison). */
export function hasBearerToken(metadata: grpc.Metadata, token: string): boolean {
  const expected = digest(`Bearer ${token}`);
  return metadata.get(TRAINER_TOKEN_METADATA).some((value) => typeof value === 'string' && timingSafeEqual(digest(value.trim()), expected));
}

/**
 * A server interceptor that rejects every call (all methods, before the handler runs) whose
 * metadata lacks `authorization: Bearer <token>`, with UNAUTHENTICATED.
 */
export function bearerAuthInterceptor(token: string): grpc.ServerInterceptor {
  return (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, nextMetadata) {
            if (hasBearerToken(metadata, token)) {
              nextMetadata(metadata);
            } else {
              call.sendStatus({ code: grpc.status.UNAUTHENTICATED, details: 'missing or wrong trainer token (authorization: Bearer <token>)' });
            }
          },
        });
      },
    });
}
