// Test helpers (compiled with the app but used only by specs).
import type { EventSink } from '../backends/backend.js';

/** An EventSink that keeps what it was given (tests). */
export class RecordingSink implements EventSink {
  readonly steps: { step: number; metrics: Record<string, number> }[] = [];
  readonly logs: { stream: string; line: string }[] = [];
  readonly checkpoints: { step: number; stateJson: string }[] = [];

  progress(step: number, metrics: Record<string, number>): void {
    this.steps.push({ step, metrics });
  }

  log(stream: string, line: string): void {
    this.logs.push({ stream, line });
  }

  checkpoint(step: number, stateJson: string): void {
    this.checkpoints.push({ step, stateJson });
  }

  lines(stream: string): string[] {
    return this.logs.filter((l) => l.stream === stream).map((l) => l.line);
  }
}

/** Polls `predicate` until true or `timeoutMs` passes; returns the last answer. */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return predicate();
}
