import { Redis } from 'ioredis';

/** Redis channel on which the API announces trials to cancel; every dispatcher listens. */
export const CANCEL_CHANNEL = 'tinysweep:cancel';

export interface CancelMessage {
  trialIds: string[];
  reason: string;
}

/**
 * Fan-out of cancellations to whichever dispatcher runs a trial. Pub/sub is fire-and-forget,
 * so the dispatcher also re-checks a trial's status in Postgres before and during a run.
 */
export class CancelBus {
  private subscriber?: Redis;

  constructor(private readonly redisUrl: string) {}

  async publish(msg: CancelMessage): Promise<void> {
    const pub = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    try {
      await pub.connect();
      await pub.publish(CANCEL_CHANNEL, JSON.stringify(msg));
    } finally {
      pub.disconnect();
    }
  }

  async subscribe(onCancel: (msg: CancelMessage) => void): Promise<void> {
    this.subscriber = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.subscriber.on('message', (_channel, text: string) => {
      try {
        onCancel(JSON.parse(text) as CancelMessage);
      } catch {
        // a malformed message is ignored: the Postgres status check still cancels
      }
    });
    this.subscriber.on('error', () => undefined); // ioredis reconnects and re-subscribes by itself
    await this.subscriber.subscribe(CANCEL_CHANNEL);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }
}
