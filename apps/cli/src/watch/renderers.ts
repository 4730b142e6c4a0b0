/**
 * How `tinysweep watch` draws progress:
 *
 * - {@link TtyRenderer}: on a terminal, a cli-progress bar with the top-trials table re-rendered below it
 *   (each table line is a formatter-only bar of the same MultiBar, so cli-progress redraws the block in
 *   place);
 * - {@link PlainRenderer}: in a pipe or CI log, a progress line at most once per second, only when
 *   something changed (or every 30 s as a heartbeat), then the table at the end;
 * - {@link SilentRenderer}: for `--json`, nothing until the caller prints the final summary.
 */
import cliProgress from 'cli-progress';
import type { Output } from '../context.js';
import { describeWork } from '../format/nodes-table.js';
import { formatDuration } from '../format/numbers.js';
import { renderTrialsTable, tableParamKeys } from '../format/trials-table.js';
import { EtaEstimator } from './eta.js';
import { finalLine, progressLine, runningText, sizeText } from './progress-line.js';
import type { SweepTracker } from './sweep-tracker.js';

export interface WatchRenderer {
  start(tracker: SweepTracker): void;
  update(tracker: SweepTracker): void;
  /** The sweep reached a terminal status: draw the final state. */
  finish(tracker: SweepTracker): void;
  /** Stop drawing without a final state (interrupted, failed); safe to call more than once. */
  stop(): void;
}

export interface RendererOptions {
  /** Rows in the top-trials table. @defaultValue 10 */
  top?: number;
  /** Clock, for tests. @defaultValue Date.now */
  now?: () => number;
}

/** The top-trials table of a tracker, or undefined while no trial has succeeded with the metric. */
export function topTrialsTable(tracker: SweepTracker, top: number): string | undefined {
  const trials = tracker.top(top);
  if (trials.length === 0) return undefined;
  // Columns: the parameters that vary across every trial seen, not just the top few.
  const paramKeys = tableParamKeys(tracker.knownTrials());
  return renderTrialsTable(trials, { metric: tracker.metric, metrics: [tracker.metric], paramKeys });
}

/** `trainer local-1: training 3fa2c1d0 (2 trials, step 20); evaluating 8ab1c2d3`: this sweep's work per trainer. */
export function trainerLines(tracker: SweepTracker, opts: { step?: boolean } = {}): string[] {
  return tracker.trainers.map(({ node, work }) => `trainer ${node}: ${work.map((w) => describeWork(w, opts)).join('; ')}`);
}

function createEta(tracker: SweepTracker, now: number): EtaEstimator {
  const createdAt = Date.parse(tracker.summary.createdAt);
  const origin = Number.isFinite(createdAt) && createdAt <= now ? { at: createdAt, done: 0 } : { at: now, done: tracker.done };
  return new EtaEstimator(origin);
}

export class SilentRenderer implements WatchRenderer {
  start(): void {}
  update(): void {}
  finish(): void {}
  stop(): void {}
}

export class PlainRenderer implements WatchRenderer {
  private readonly top: number;
  private readonly now: () => number;
  private eta: EtaEstimator | undefined;
  private lastLine = '';
  private lastAt = Number.NEGATIVE_INFINITY;
  private pending: SweepTracker | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** After finish/stop, late updates (a refresh already in flight) are ignored. */
  private done = false;

  /** Minimum time between two progress lines. */
  static readonly MIN_INTERVAL_MS = 1000;
  /** An unchanged line is repeated after this long, so a log shows the watch is alive. */
  static readonly HEARTBEAT_MS = 30_000;

  constructor(
    private readonly out: Output,
    opts: RendererOptions = {},
  ) {
    this.top = opts.top ?? 10;
    this.now = opts.now ?? Date.now;
  }

  start(tracker: SweepTracker): void {
    const s = tracker.summary;
    this.out.write(`watching sweep ${s.name} (${s.id}) · ${sizeText(tracker)} · metric ${s.metric} (${s.maximize ? 'max' : 'min'})\n`);
    this.eta = createEta(tracker, this.now());
    this.update(tracker);
  }

  update(tracker: SweepTracker): void {
    if (this.done) return;
    const now = this.now();
    this.eta?.observe(tracker.done, now);
    const wait = this.lastAt + PlainRenderer.MIN_INTERVAL_MS - now;
    if (wait > 0) {
      // Too soon: print the latest state once the interval has passed.
      this.pending = tracker;
      this.timer ??= setTimeout(() => this.flush(), wait);
      this.timer.unref?.();
      return;
    }
    this.print(tracker, now, false);
  }

  finish(tracker: SweepTracker): void {
    if (this.done) return;
    this.done = true;
    this.clearTimer();
    this.eta?.observe(tracker.done, this.now());
    this.print(tracker, this.now(), true);
    const table = topTrialsTable(tracker, this.top);
    if (table !== undefined) this.out.write(`top ${tracker.top(this.top).length} by ${tracker.metric}:\n${table}\n`);
    this.out.write(`${finalLine(tracker)}\n`);
  }

  stop(): void {
    this.done = true;
    this.clearTimer();
  }

  private flush(): void {
    this.timer = undefined;
    const tracker = this.pending;
    this.pending = undefined;
    if (tracker !== undefined) this.print(tracker, this.now(), false);
  }

  private print(tracker: SweepTracker, now: number, final: boolean): void {
    this.pending = undefined;
    // Without steps: a log gets a line when the work changes, not every generation.
    const line = [progressLine(tracker, this.eta?.etaMs(tracker.total, now)), ...trainerLines(tracker, { step: false })].join(' · ');
    const changed = line !== this.lastLine;
    if (!changed && !final && now - this.lastAt < PlainRenderer.HEARTBEAT_MS) return;
    if (!changed && final) return;
    this.out.write(`${line}\n`);
    this.lastLine = line;
    this.lastAt = now;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}

interface BarPayload {
  succeeded: number;
  failed: number;
  cancelled: number;
  stopped: number;
  running: string;
  eta: string;
  status: string;
}

/** `[██████░░░░] 37/120 done │ 30 ok · 2 failed · 5 running │ ETA 2m10s` */
function formatMainBar(options: cliProgress.Options, params: cliProgress.Params, payload: BarPayload): string {
  const bar = cliProgress.Format.BarFormat(params.progress, options);
  let counts = `${payload.succeeded} succeeded · ${payload.failed} failed`;
  if (payload.cancelled > 0) counts += ` · ${payload.cancelled} cancelled`;
  if (payload.stopped > 0) counts += ` · ${payload.stopped} stopped early`;
  counts += ` · ${payload.running}`;
  return `${bar} ${params.value}/${params.total} done │ ${counts} │ ${payload.status} │ ETA ${payload.eta}`;
}

function formatLine(_options: cliProgress.Options, _params: cliProgress.Params, payload: { line: string }): string {
  return payload.line;
}

export class TtyRenderer implements WatchRenderer {
  private readonly top: number;
  private readonly now: () => number;
  private multibar: cliProgress.MultiBar | undefined;
  private bar: cliProgress.SingleBar | undefined;
  private readonly lines: cliProgress.SingleBar[] = [];
  private eta: EtaEstimator | undefined;

  constructor(
    private readonly out: Output,
    opts: RendererOptions = {},
  ) {
    this.top = opts.top ?? 10;
    this.now = opts.now ?? Date.now;
  }

  start(tracker: SweepTracker): void {
    const s = tracker.summary;
    this.out.write(`watching sweep ${s.name} (${s.id}) · ${sizeText(tracker)} · metric ${s.metric} (${s.maximize ? 'max' : 'min'}) · Ctrl-C stops watching\n`);
    this.eta = createEta(tracker, this.now());
    this.multibar = new cliProgress.MultiBar(
      {
        stream: this.out,
        hideCursor: true,
        gracefulExit: false,
        clearOnComplete: false,
        barsize: 30,
        format: formatMainBar,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar = this.multibar.create(Math.max(tracker.total, 1), tracker.done, this.payload(tracker));
    this.update(tracker);
  }

  update(tracker: SweepTracker): void {
    if (this.multibar === undefined || this.bar === undefined) return;
    this.eta?.observe(tracker.done, this.now());
    this.bar.setTotal(Math.max(tracker.total, 1));
    this.bar.update(tracker.done, this.payload(tracker));
    this.setLines(this.tableLines(tracker));
  }

  finish(tracker: SweepTracker): void {
    if (this.multibar === undefined) return;
    this.update(tracker);
    this.multibar.stop();
    this.multibar = undefined;
    this.out.write(`${finalLine(tracker)}\n`);
  }

  stop(): void {
    this.multibar?.stop();
    this.multibar = undefined;
  }

  private payload(tracker: SweepTracker): BarPayload {
    const c = tracker.summary.counts;
    const eta = tracker.terminal ? undefined : this.eta?.etaMs(tracker.total, this.now());
    return {
      succeeded: c.succeeded,
      failed: c.failed,
      cancelled: c.cancelled,
      stopped: c.stopped,
      running: runningText(tracker),
      status: tracker.summary.status,
      eta: tracker.terminal ? '0s' : eta === undefined ? '—' : formatDuration(eta),
    };
  }

  private tableLines(tracker: SweepTracker): string[] {
    const doing = trainerLines(tracker);
    const table = topTrialsTable(tracker, this.top);
    if (table === undefined) return doing;
    return [...doing, `top ${tracker.top(this.top).length} by ${tracker.metric}:`, ...table.split('\n')];
  }

  /** Makes the bars below the progress bar show exactly `lines`, adding or removing line-bars as needed. */
  private setLines(lines: string[]): void {
    const multibar = this.multibar!;
    while (this.lines.length > lines.length) multibar.remove(this.lines.pop()!);
    lines.forEach((line, i) => {
      const existing = this.lines[i];
      if (existing !== undefined) existing.update(0, { line });
      else this.lines.push(multibar.create(1, 0, { line }, { format: formatLine }));
    });
  }
}
