import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SweepRepository, TrialRepository, type SweepWithSpec } from '@tinysweep/db';
import { SweepEvents, type SweepEvent } from '@tinysweep/queue';
import { EMPTY, Observable, Subject, concat, concatMap, filter, from, interval, map, merge, mergeMap, of, switchMap, throttleTime, timer } from 'rxjs';
import type { MessageEvent } from '@nestjs/common';
import { redactSpec } from '@tinysweep/spec';

/**
 * Re-reads of a sweep whose summary is not settled, in ms after the read before: its status
 * follows its trials a moment later (the dispatchers recount it ~100 ms after a result, and no
 * notice announces that), so the stream reads again until they agree. 7.75 s in all.
 */
export const SETTLE_DELAYS_MS = [250, 500, 1000, 2000, 4000];

const ACTIVE = new Set(['queued', 'running']);

/**
 * Whether a sweep's status disagrees with its trials: still queued or running with nothing left
 * to run (the last result is in, the recount not yet), or finished with trials queued or running
 * again (a retry).
 */
export function unsettled(s: Pick<SweepWithSpec, 'status' | 'counts'>): boolean {
  const open = s.counts.queued + s.counts.running > 0;
  return ACTIVE.has(s.status) !== open;
}

/**
 * Server-sent events for one sweep: a `trial` event whenever one of its trials changes, and a
 * `sweep` summary at most twice a second, the first as soon as the stream opens. One Redis
 * subscription per API process feeds them all.
 *
 * The final state always arrives: a summary read while the sweep's status lags its trials (the
 * last trial finished, the sweep not yet marked completed) is followed by re-reads
 * ({@link SETTLE_DELAYS_MS}) until they agree, even when no further notice comes. Summaries go
 * out in the order they were read, and each carries the sweep's `updatedAt`, so a client that
 * also reads `GET /sweeps/:id` keeps whichever is newer.
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
    /** After an unsettled read, read again after each delay in turn until the sweep settles. */
    const settle = (sweep: SweepWithSpec | null, attempt = 0): Observable<SweepWithSpec | null> =>
      sweep && unsettled(sweep) && attempt < SETTLE_DELAYS_MS.length
        ? timer(SETTLE_DELAYS_MS[attempt]!).pipe(
            concatMap(() => read()),
            concatMap((next) => concat(of(next), settle(next, attempt + 1))),
          )
        : EMPTY;
    const summaries = concat(of(null), mine.pipe(throttleTime(500, undefined, { leading: true, trailing: true }))).pipe(
      // One read per (throttled) notice, in order; a newer read drops the re-reads of an older one.
      concatMap(() => read()),
      switchMap((sweep) => concat(of(sweep), settle(sweep))),
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
