import type { ChannelCredentials } from '@grpc/grpc-js';
import { createTrainerClient } from './trainer-client.js';
import type { TrainerClient } from './types.js';

/**
 * One gRPC channel per trainer address, shared by every call sent there: opening a channel
 * costs a TCP (and later TLS) handshake, a call on an open one costs a stream. The dispatcher
 * (Train) and the API (Generate, for Try it) each keep one, dialling with the same credentials.
 */
export class TrainerClients {
  private readonly clients = new Map<string, TrainerClient>();

  constructor(
    private readonly credentials: ChannelCredentials,
    private readonly token?: string,
  ) {}

  get(address: string): TrainerClient {
    let c = this.clients.get(address);
    if (!c) {
      c = createTrainerClient(address, { token: this.token, credentials: this.credentials });
      this.clients.set(address, c);
    }
    return c;
  }

  /** Drops a channel that failed, so the next call dials afresh. */
  forget(address: string): void {
    this.clients.get(address)?.close();
    this.clients.delete(address);
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
