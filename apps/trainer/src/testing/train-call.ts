// Test helpers (compiled with the app but used only by specs).
import type * as grpc from '@grpc/grpc-js';
import type { TrainEvent__Output } from '@tinysweep/proto';

/** Everything a Train stream delivered, and how it ended. */
export interface TrainOutcome {
  events: TrainEvent__Output[];
  /** The gRPC error that ended it, if any (OK streams end without one). */
  error?: grpc.ServiceError;
}

/** Reads a Train stream to its end. */
export function collect(stream: grpc.ClientReadableStream<TrainEvent__Output>): Promise<TrainOutcome> {
  const events: TrainEvent__Output[] = [];
  return new Promise((resolve) => {
    let done = false;
    stream.on('data', (event: TrainEvent__Output) => events.push(event));
    stream.on('error', (error: grpc.ServiceError) => {
      if (!done) resolve({ events, error });
      done = true;
    });
    stream.on('end', () => {
      // 'end' can precede the status; wait a tick so an error status wins
      setImmediate(() => {
        if (!done) resolve({ events });
        done = true;
      });
    });
  });
}
