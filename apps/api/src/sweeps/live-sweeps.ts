import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SweepRepository, TrialRepository } from '@tinysweep/db';
import { SweepEvents, type SweepEvent } from '@tinysweep/queue';
import { Observable, Subject, concat, concatMap, filter, from, interval, map, merge, mergeMap, of, throttleTime } from 'rxjs';
import type { MessageEvent } from '@nestjs/common';
import { redactSpec } from '@tinysweep/spec';

/**
 * Server-sent events for one sweep: a `trial` event whenever one of its trials changes, and a
 * `sweep` summary at most twice a second, the first as soon as the stream opens. One Redis
 * subscription per API process feeds them all.
 *
 * The final state always arrives: the last trial's notice is read after its result was committed,
 * and a sweep's status and counts change in the same transaction as its trials (a trigger in
 * Postgres), so that read is already the finished sweep. Summaries go out in the order they were
 * read, and each carries the sweep's `updatedAt`, so a client that also reads `GET /sweeps/:id`
 * keeps whichever is newer.
 */
@Injectable()
export class LiveSweeps implements OnModuleDestroy {
  private readonly changes = new Subject<SweepEvent>();
  private subscribed?: Promise<void>;

  constructor(
    @Inject(SweepEvents) private readonly events: SweepEvents,
    @Inject(SweepRepository) private readonly sweeps: SweepRepository,
    @Inject(TrialRepository) private readonly trials: TrialRepository,
  ) {}

  stream(sweepId: string): Observable<MessageEvent> {
    this.subscribed ??= this.events.subscribe((e) => this.changes.next(e));
    const mine = this.changes.pipe(filter((e) => e.sweepId === sweepId));
    const trialEvents = mine.pipe(
      mergeMap((e) => from(this.trials.get(e.trialId)), 8),
      filter((t) => t !== null),
      map((trial) => ({ data: { type: 'trial', trial } }) as MessageEvent),
    );
    // What GET /sweeps/:id shows: backend.env values redacted.
    const read = () => from(this.sweeps.get(sweepId).then((s) => (s ? { ...s, spec: redactSpec(s.spec) } : s)));
    const summaries = concat(of(null), mine.pipe(throttleTime(500, undefined, { leading: true, trailing: true }))).pipe(
      // One read per (throttled) notice, in order.
      concatMap(() => read()),
      filter((sweep) => sweep !== null),
      map((sweep) => ({ data: { type: 'sweep', sweep } }) as MessageEvent),
    );
    // Comments keep proxies from closing an idle stream.
    const keepAlive = interval(15_000).pipe(map(() => ({ data: { type: 'ping' } }) as MessageEvent));
    return merge(summaries, trialEvents, keepAlive);
  }

  onModuleDestroy(): void {
    this.changes.complete();
  }
}
