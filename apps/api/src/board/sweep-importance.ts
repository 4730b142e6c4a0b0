import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { AggregateRepository, SweepRepository } from '@tinysweep/db';
import type { ParameterImportanceView } from '@tinysweep/api-types';
import { MIN_IMPORTANCE_CONFIGS, type ConfigMean } from '@tinysweep/search';
import { storedSpec } from '@tinysweep/spec';
import { Worker } from 'node:worker_threads';
import { IMPORTANCE_WORKER, type ImportanceAnswer, type ImportanceJob } from './importance-worker.js';
import { InsightsService, type SweepMeta } from './insights.service.js';

/**
 * `GET /sweeps/:id/importance`: which parameters mattered, fANOVA-style on a random-forest surrogate
 * of the sweep's objective (libs/search importance.ts), over its measured configurations with their
 * seeds pooled — the config pass every board endpoint shares (InsightsService.measuredConfigs), plus
 * one trial's params per config, so opening a sweep reads its trials once, not once more for this.
 * Fitted in a worker thread (importance-worker.ts), so the event loop serves the board's other
 * requests meanwhile. Kept per sweep version with the board's other answers (InsightsService.answer:
 * in memory, and in a finished sweep's board snapshot).
 */
@Injectable()
export class SweepImportanceService {
  private readonly worker = new ImportanceWorker();

  constructor(
    @Inject(InsightsService) private readonly insights: InsightsService,
    @Inject(AggregateRepository) private readonly agg: AggregateRepository,
    @Inject(SweepRepository) private readonly sweeps: SweepRepository,
  ) {}

  async importance(id: string, metric?: string): Promise<ParameterImportanceView> {
    const m = await this.insights.meta(id);
    return this.insights.answer('importance', id, m, [metric], () => this.compute(id, m, metric ?? m.metric));
  }

  private async compute(id: string, m: SweepMeta, metric: string): Promise<ParameterImportanceView> {
    const [spec, measured] = await Promise.all([this.sweeps.spec(id), this.insights.measuredConfigs(id, m, metric)]);
    if (!spec) throw new NotFoundException(`sweep ${id} not found`);
    const base = { metric, maximize: m.maximize, method: 'fanova-random-forest', minConfigs: MIN_IMPORTANCE_CONFIGS } as const;
    // too few measured yet: nothing to fit (an answer, not an error: a running sweep gets there)
    if (measured.length < MIN_IMPORTANCE_CONFIGS) return { ...base, configs: measured.length, interactions: 0, importance: [] };
    const params = await this.agg.trialParams(measured.map((c) => c.trialId));
    const configs: ConfigMean[] = measured.flatMap((c) => {
      const p = params.get(c.trialId);
      return p ? [{ params: p, mean: c.mean }] : [];
    });
    const answer = await this.worker.run({ spec: storedSpec(spec, id), objective: { metric, mode: m.maximize ? 'max' : 'min' }, configs, minConfigs: MIN_IMPORTANCE_CONFIGS });
    if (!answer.ok) throw new Error(`parameter importance of sweep ${id} failed: ${answer.error}`);
    if ('tooFew' in answer) return { ...base, configs: answer.tooFew, interactions: 0, importance: [] };
    return { ...base, configs: answer.result.configs, interactions: answer.result.interactions, importance: answer.result.importance };
  }
}

/** The importance worker thread (importance-worker.ts): started at the first job, started again after it died. */
class ImportanceWorker {
  private thread?: Worker;
  private readonly waiting = new Map<number, (a: ImportanceAnswer) => void>();
  private next = 0;

  run(job: Omit<ImportanceJob, 'id'>): Promise<ImportanceAnswer> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.started().postMessage({ ...job, id } satisfies ImportanceJob);
    });
  }

  private started(): Worker {
    if (this.thread) return this.thread;
    const thread = new Worker(new URL('./importance-worker.js', import.meta.url), { workerData: IMPORTANCE_WORKER });
    thread.unref(); // an idle worker does not keep the API from exiting
    thread.on('message', ({ id, answer }: { id: number; answer: ImportanceAnswer }) => {
      this.waiting.get(id)?.(answer);
      this.waiting.delete(id);
    });
    const died = (why: string) => {
      if (this.thread === thread) this.thread = undefined;
      for (const resolve of this.waiting.values()) resolve({ ok: false, error: why });
      this.waiting.clear();
    };
    thread.on('error', (err) => died(`the importance worker failed: ${err.message}`));
    thread.on('exit', (code) => died(`the importance worker exited with code ${code}`));
    this.thread = thread;
    return thread;
  }
}
