/**
 * ASHA with pausing (`search: { kind: asha, promotion: pause }`), as Li et al.'s Algorithm 2 runs it:
 * a trial that reaches a rung stops there (its state checkpointed, its slot freed) and goes on only
 * when it is promoted — when it is among the top ⌊n/η⌋ of the n values recorded at its rung, which
 * may happen later, as more trials arrive. A rung no other trial can still reach is complete: its
 * best max(1, ⌊n/η⌋) paused trials are promoted and the others stop for good.
 *
 *   const asha = search.pruner();                       // rung values recorded (AshaPruner.record)
 *   promotions(asha, { paused: [{ id: 't7', rung: 3 }], open: [{ id: 't9', reached: 0 }] });
 *   // → { promote: [...], stop: [...] }
 *
 * Pure: the dispatcher's SearchDriver reads the sweep's trials and rung values under the sweep's
 * lock, applies the answer (paused → queued, or stopped) and enqueues the promoted trials.
 */
import type { AshaPruner } from './asha-pruner.js';

/** A sweep's ASHA state as the promotion rule needs it. */
export interface PauseView {
  /** Trials paused at a rung (they have a value recorded there). */
  paused: ReadonlyArray<{ id: string; rung: number }>;
  /** Trials queued or running: the highest rung each has a value at (0: none yet). */
  open: ReadonlyArray<{ id: string; reached: number }>;
}

export interface Promotions {
  /** Paused trials to run on from their checkpoint. */
  promote: string[];
  /** Paused trials whose rung is complete without them among its best: stopped there. */
  stop: Array<{ id: string; rung: number; cutoff: number | undefined }>;
}

/** What to do with the paused trials of a sweep, now. */
export function promotions(pruner: AshaPruner, view: PauseView): Promotions {
  const out: Promotions = { promote: [], stop: [] };
  const reached = view.open.map((o) => o.reached);
  const byRung = new Map<number, string[]>();
  for (const p of view.paused) byRung.set(p.rung, [...(byRung.get(p.rung) ?? []), p.id]);
  // Ascending: a lower rung's promotions are open trials below the higher rungs (which then cannot be complete).
  let waitingBelow = false;
  for (const rung of pruner.rungs) {
    const here = byRung.get(rung) ?? [];
    const complete = !waitingBelow && !reached.some((r) => r < rung);
    if (here.length === 0) continue;
    const top = pruner.topAt(rung, complete);
    for (const id of here) {
      if (top.has(id)) {
        out.promote.push(id);
        reached.push(rung);
      } else if (complete) {
        out.stop.push({ id, rung, cutoff: cutoffOf(pruner, rung, top) });
      } else {
        waitingBelow = true;
      }
    }
  }
  return out;
}

/** The worst value that went on from a complete rung (what a stopped trial needed). */
function cutoffOf(pruner: AshaPruner, rung: number, top: ReadonlySet<string>): number | undefined {
  const values = pruner.valuesWithIds(rung).filter(([id]) => top.has(id)).map(([, v]) => v);
  if (values.length === 0) return undefined;
  return pruner.maximize ? Math.min(...values) : Math.max(...values);
}
