import type { SweepRepository } from '@tinysweep/db';
import { ashaOf, ashaPruner } from '@tinysweep/search';
import { checkpointEvery, parseDuration, storedSpec, type SweepSpec } from '@tinysweep/spec';

/** What the dispatcher needs from a sweep's spec to run its trials. */
export interface SweepRunSettings {
  backend: SweepSpec['backend'];
  trialTimeoutMs: number;
  maxAttempts: number;
  /** Whether a trial may link an earlier identical result instead of running (spec `reuse`; older specs: true). */
  reuse: boolean;
  /** Steps whose intermediate metric the search judges (ASHA's rungs; else none): sent with each Train call. */
  evalAt: number[];
  /** Steps between checkpoints (spec `checkpoint.every`; older specs: the default): sent with each Train call. */
  checkpointEvery: number;
  /** The whole normalized spec, for the adaptive searches. */
  spec: SweepSpec;
}

/** Specs never change after submission, so each dispatcher reads a sweep's once. */
export class SweepSpecs {
  private readonly cache = new Map<string, SweepRunSettings>();

  constructor(private readonly sweeps: SweepRepository, private readonly capacity = 1000) {}

  async get(sweepId: string): Promise<SweepRunSettings | null> {
    const hit = this.cache.get(sweepId);
    if (hit) return hit;
    const stored = await this.sweeps.spec(sweepId);
    if (!stored) return null;
    const spec = storedSpec(stored, sweepId);
    const asha = ashaOf(spec);
    const settings: SweepRunSettings = {
      backend: spec.backend,
      trialTimeoutMs: parseDuration(spec.budget.trialTimeout, 'budget.trialTimeout'),
      maxAttempts: spec.budget.retries + 1,
      reuse: spec.reuse !== false,
      evalAt: asha ? [...ashaPruner(asha).rungs] : [],
      checkpointEvery: checkpointEvery(spec),
      spec,
    };
    if (this.cache.size >= this.capacity) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(sweepId, settings);
    return settings;
  }
}
