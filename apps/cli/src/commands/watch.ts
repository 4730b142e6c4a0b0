/**
 * `tinysweep watch <sweepId>`: follow a sweep until it completes, fails or is cancelled.
 *
 * Follows `GET /sweeps/:id/events` (server-sent events) and falls back to polling `GET /sweeps/:id` and
 * the top trials every second when the stream cannot be opened or breaks. Exit code 0 when the sweep
 * completed, 1 when it failed or was cancelled, 130 when Ctrl-C stopped the watch (the sweep keeps running).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { SweepEvent } from '@tinysweep/api-types';
import type { TrialQuery } from '../api-types.js';
import { println, type CommandContext } from '../context.js';
import { ExitCode } from '../exit-code.js';
import { PlainRenderer, SilentRenderer, TtyRenderer, type WatchRenderer } from '../watch/renderers.js';
import { SweepTracker } from '../watch/sweep-tracker.js';
import type { CommandHost } from './command-host.js';
import { parsePositiveInt } from './parse.js';

export interface WatchOptions {
  /** Rows in the top-trials table. @defaultValue 10 */
  top?: number;
  /** Polling period when the event stream is unavailable. @defaultValue 1000 */
  pollMs?: number;
  /** Skip the event stream and poll. @defaultValue false */
  poll?: boolean;
  /** Stops watching when aborted (Ctrl-C). */
  signal?: AbortSignal;
  /** Clock for the renderers, for tests. @defaultValue Date.now */
  now?: () => number;
}

/** Consecutive failed polls after which the watch gives up. */
const MAX_POLL_FAILURES = 10;
/** While following the stream, the summary is re-read at least this often (counts, terminal status). */
const SUMMARY_REFRESH_MS = 5000;
/** A trial event schedules a summary re-read this long after it (coalescing bursts). */
const TRIAL_REFRESH_DELAY_MS = 1000;

export function registerWatch(program: Command, host: CommandHost): void {
  program
    .command('watch')
    .description('follow a sweep live: progress bar and top trials; exits when the sweep ends')
    .argument('<sweepId>', 'sweep id')
    .option('--top <n>', 'rows in the top-trials table', parsePositiveInt, 10)
    .option('--poll', 'poll every second instead of following the event stream')
    .action(async (sweepId: string, opts: { top: number; poll?: boolean }, cmd: Command) => {
      const ctx = host.context(cmd);
      host.exit(await host.interruptible((signal) => watchSweep(ctx, sweepId, { top: opts.top, poll: opts.poll, signal })));
    });
}

export async function watchSweep(ctx: CommandContext, sweepId: string, opts: WatchOptions = {}): Promise<number> {
  const { top, pollMs, poll } = { top: 10, pollMs: 1000, poll: false, ...opts };
  const signal = opts.signal ?? new AbortController().signal;
  const { api, io } = ctx;

  const tracker = new SweepTracker(await api.getSweep(sweepId, signal));
  const renderer: WatchRenderer = ctx.json
    ? new SilentRenderer()
    : io.stdout.isTTY === true
      ? new TtyRenderer(io.stdout, { top, now: opts.now })
      : new PlainRenderer(io.stdout, { top, now: opts.now });

  const topQuery = (): TrialQuery => ({
    sort: `metrics.${tracker.metric}`,
    order: tracker.maximize ? 'desc' : 'asc',
    status: 'succeeded',
    limit: top,
  });
  const refreshSummary = async (s: AbortSignal): Promise<void> => {
    const [summary, nodes] = await Promise.all([api.getSweep(sweepId, s), api.listNodes(s).catch(() => undefined)]);
    tracker.applySummary(summary);
    // What each trainer is doing for this sweep (a token that may not list nodes just goes without).
    if (nodes) tracker.applyNodes(nodes);
  };
  const refreshTop = async (s: AbortSignal): Promise<void> => {
    for (const trial of (await api.listTrials(sweepId, topQuery(), s)).items) tracker.applyTrial(trial);
  };
  const refresh = async (s: AbortSignal): Promise<void> => {
    await Promise.all([refreshSummary(s), refreshTop(s)]);
  };

  /** Follows the event stream until the sweep ends; returns false if the stream failed or closed early. */
  const followEvents = async (): Promise<boolean> => {
    const stream = new AbortController();
    const streamSignal = AbortSignal.any([signal, stream.signal]);
    let events: AsyncIterable<SweepEvent>;
    try {
      events = await api.openSweepEvents(sweepId, streamSignal);
    } catch {
      return false;
    }
    let summaryTimer: NodeJS.Timeout | undefined;
    const resummarise = (): void => {
      refreshSummary(streamSignal)
        .then(() => {
          renderer.update(tracker);
          // The stream may sit idle after the end; a terminal summary ends the watch anyway.
          if (tracker.terminal) stream.abort();
        })
        .catch(() => undefined);
    };
    const heartbeat = setInterval(resummarise, SUMMARY_REFRESH_MS);
    try {
      // Close the gap between the first snapshot and the subscription.
      await refresh(streamSignal);
      renderer.update(tracker);
      if (tracker.terminal) return true;
      for await (const event of events) {
        tracker.apply(event);
        if (event.type === 'trial' && summaryTimer === undefined) {
          summaryTimer = setTimeout(() => {
            summaryTimer = undefined;
            resummarise();
          }, TRIAL_REFRESH_DELAY_MS);
        }
        renderer.update(tracker);
        if (tracker.terminal) return true;
      }
      return tracker.terminal;
    } catch {
      // The stream broke (or was aborted because the summary says the sweep ended).
      return tracker.terminal || signal.aborted;
    } finally {
      clearInterval(heartbeat);
      if (summaryTimer !== undefined) clearTimeout(summaryTimer);
      stream.abort();
    }
  };

  const followPolling = async (): Promise<void> => {
    let failures = 0;
    while (!tracker.terminal && !signal.aborted) {
      try {
        await sleep(pollMs, undefined, { signal });
      } catch {
        return; // aborted
      }
      try {
        await refresh(signal);
        failures = 0;
      } catch (err) {
        if (signal.aborted) return;
        if (++failures >= MAX_POLL_FAILURES) throw err;
        continue;
      }
      renderer.update(tracker);
    }
  };

  try {
    await refresh(signal);
    renderer.start(tracker);
    if (!tracker.terminal) {
      const done = poll ? false : await followEvents();
      if (!done && !signal.aborted) await followPolling();
    }
    if (!signal.aborted) {
      // One last read so the final table has every trial's final metrics.
      await refresh(signal).catch(() => undefined);
    }
  } catch (err) {
    renderer.stop();
    if (!signal.aborted) throw err;
  }

  if (signal.aborted) {
    renderer.stop();
    println(io.stderr, `stopped watching sweep ${sweepId}; it keeps running (tinysweep watch ${sweepId} to resume)`);
    return ExitCode.Interrupted;
  }
  renderer.finish(tracker);
  if (ctx.json) println(io.stdout, JSON.stringify(tracker.summary));
  return tracker.summary.status === 'completed' ? ExitCode.Ok : ExitCode.Failure;
}
