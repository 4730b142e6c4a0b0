import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SweepRepository, TrialRepository } from '@tinysweep/db';
import { SweepEvents, type SweepEvent } from '@tinysweep/queue';
import { Observable, Subject, concat, defer, filter, from, interval, map, merge, mergeMap, throttleTime } from 'rxjs';
import type { MessageEvent } from '@nestjs/common';

/**
 * Server-sent events for one sweep: a `trial` event whenever one of its trials changes, and a
 * `sweep` summary at most twice a second. One Redis subscription per API process feeds them all.
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
    const summary = () => from(this.sweeps.get(sweepId)).pipe(map((sweep) => ({ data: { type: 'sweep', sweep } }) as MessageEvent));
    const summaries = mine.pipe(
      throttleTime(500, undefined, { leading: true, trailing: true }),
      mergeMap(() => summary(), 1),
    );
    // Comments keep proxies from closing an idle stream.
    const keepAlive = interval(15_000).pipe(map(() => ({ data: { type: 'ping' } }) as MessageEvent));
    return concat(defer(summary), merge(trialEvents, summaries, keepAlive));
  }

  onModuleDestroy(): void {
    this.changes.complete();
  }
}
