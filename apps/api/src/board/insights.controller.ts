import { BadRequestException, Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ADAPTER_FORMATS } from '@tinysweep/api-types';
import * as tar from 'tar';
import { AggregateRepository, type JsonObject } from '@tinysweep/db';
import type { Response } from 'express';
import { Access } from '../auth/access.js';
import { BoardFiles } from './board-files.js';
import { boolParam, intParam, metricName, paramPath, trialIds } from './dto/insight-queries.js';
import { InsightsService } from './insights.service.js';
import { SweepImportanceService } from './sweep-importance.js';
import { AdapterExportService } from '../trials/adapter-export.service.js';

/** Key order of a TinyLoRA adapter file (libs/tinylora adapter-file.ts): v last. */
const ADAPTER_KEY_ORDER = ['format', 'baseModel', 'structure', 'groups', 'trainableParams', 'effectiveParams', 'prune', 'v'];

/** Postgres stores JSON objects with its own key order; put an adapter file's keys back in the format's. */
export function adapterFileText(adapter: JsonObject): string {
  if (typeof adapter.format !== 'string' || !adapter.format.startsWith('tinysweep.tinylora/')) return JSON.stringify(adapter);
  const ordered: JsonObject = {};
  for (const k of ADAPTER_KEY_ORDER) if (k in adapter) ordered[k] = adapter[k];
  for (const [k, v] of Object.entries(adapter)) if (!(k in ordered)) ordered[k] = v;
  return JSON.stringify(ordered);
}

/**
 * Aggregates for the results board, computed on the server so that a 100,000-trial sweep costs
 * the browser a few hundred numbers: heatmaps and bars over parameters, parameter-count scatters
 * with their Pareto fronts, per-config series (pruning curves), seed replicates (also what the
 * CLI's `tinysweep configs` reads), learning curves.
 */
@ApiTags('board')
@ApiBearerAuth()
@Access('read')
@Controller()
export class InsightsController {
  constructor(
    @Inject(InsightsService) private readonly insights: InsightsService,
    @Inject(AggregateRepository) private readonly agg: AggregateRepository,
    @Inject(BoardFiles) private readonly files: BoardFiles,
    @Inject(AdapterExportService) private readonly exports: AdapterExportService,
    @Inject(SweepImportanceService) private readonly importances: SweepImportanceService,
  ) {}

  @Get('overview')
  @ApiOperation({ summary: 'Sweeps, newest first, with counts, best trial and the schedules that fire or re-run them; and whether mutations need a token' })
  async overview(@Query() q: Record<string, unknown>) {
    const items = await this.insights.overview(intParam(q, 'limit', 50, 500) || 50, intParam(q, 'offset', 0, 1_000_000_000));
    return { items, tokenRequired: this.files.tokenRequired };
  }

  @Get('sweeps/:id/facets')
  @ApiOperation({ summary: "A sweep's parameters (dotted paths) with their distinct values and counts, and its metric names" })
  facets(@Param('id', ParseUUIDPipe) id: string) {
    return this.insights.facets(id);
  }

  @Get('sweeps/:id/board')
  @ApiOperation({
    summary:
      "What the board's sweep page first draws from the sweep's configs, in one answer: {facets, aggregate, series, configs}, " +
      'each as GET /sweeps/:id/facets, /aggregate, /series?limit=8 and /configs?limit=15&offset=0&values=true answer it',
  })
  board(@Param('id', ParseUUIDPipe) id: string) {
    return this.insights.board(id);
  }

  @Get('sweeps/:id/importance')
  @ApiOperation({
    summary:
      'Which parameters mattered: each one’s share of the variance of a random-forest surrogate of the sweep metric (fANOVA main effects) over the measured configs, seeds pooled; ?metric= another reported metric; empty with fewer than minConfigs (4) measured configs',
  })
  importance(@Param('id', ParseUUIDPipe) id: string, @Query() q: Record<string, unknown>) {
    return this.importances.importance(id, metricName(q, '') || undefined);
  }

  @Get('sweeps/:id/aggregate')
  @ApiOperation({
    summary:
      'The metric grouped by x (and y), seeds pooled: mean, std, n, configs, 95% CI per cell, over succeeded trials. ' +
      '?x=params.adapter.layers&y=params.adapter.rank&metric=acc; without x the server picks the axes',
  })
  aggregate(@Param('id', ParseUUIDPipe) id: string, @Query() q: Record<string, unknown>) {
    const x = paramPath(q, 'x');
    const y = paramPath(q, 'y');
    if (y && !x) throw new BadRequestException({ message: 'y: needs x', issues: [{ path: 'y', message: 'needs x' }] });
    return this.insights.grid(id, metricName(q, '') || undefined, x, y);
  }

  @Get('sweeps/:id/pareto')
  @ApiOperation({ summary: 'The metric against trainable and against effective parameters, with each Pareto front (points binned past 4,000 trials)' })
  pareto(@Param('id', ParseUUIDPipe) id: string, @Query() q: Record<string, unknown>) {
    return this.insights.pareto(id, metricName(q, '') || undefined);
  }

  @Get('sweeps/:id/series')
  @ApiOperation({ summary: 'The metric against one parameter ?x= (default params.prune.threshold when varied), one line per config, seeds pooled: the pruning curve' })
  series(@Param('id', ParseUUIDPipe) id: string, @Query() q: Record<string, unknown>) {
    return this.insights.series(id, metricName(q, '') || undefined, paramPath(q, 'x'), intParam(q, 'limit', 8, 50) || 8);
  }

  @Get('sweeps/:id/configs')
  @ApiOperation({
    summary:
      'Seeds as replicates: each config (trials differing only in seed) with its params, label, trials, failed, seeds and the ' +
      'mean, std, min, max and 95% CI of the metric over its replicates, best mean first (configs without a result last). ' +
      '?metric&limit&offset (no limit: every config); ?values=true adds each replicate’s trial, seed and value',
  })
  configs(@Param('id', ParseUUIDPipe) id: string, @Query() q: Record<string, unknown>) {
    const limit = intParam(q, 'limit', 0, 100_000);
    return this.insights.configs(id, metricName(q, '') || undefined, {
      limit: limit > 0 ? limit : undefined,
      offset: intParam(q, 'offset', 0, 1_000_000_000),
      values: boolParam(q, 'values'),
    });
  }

  @Get('sweeps/:id/curves')
  @ApiOperation({ summary: 'Learning curves of ?trialIds=a,b (at most 50), or of the best ?top=5; each thinned to ?maxPoints=400' })
  curves(@Param('id', ParseUUIDPipe) id: string, @Query() q: Record<string, unknown>) {
    return this.insights.curves(id, trialIds(q, 50), intParam(q, 'top', 5, 50) || 5, Math.max(intParam(q, 'maxPoints', 400, 5000), 2));
  }

  @Get('trials/:id/adapter')
  @ApiOperation({
    summary:
      "The trial's adapter as a download: format=tinysweep (default) the adapter file (JSON); peft-lora a PEFT LoRA directory " +
      '(adapter_config.json + adapter_model.safetensors) and merged the base HF model with the adapter merged in, each as a tar archive',
  })
  @ApiQuery({ name: 'format', required: false, enum: ADAPTER_FORMATS })
  @ApiProduces('application/json', 'application/x-tar')
  async adapter(@Param('id', ParseUUIDPipe) id: string, @Query('format') format: string | undefined, @Res() res: Response): Promise<void> {
    const f = format ?? 'tinysweep';
    if (!(ADAPTER_FORMATS as readonly string[]).includes(f)) {
      throw new BadRequestException({ message: `format must be one of ${ADAPTER_FORMATS.join(', ')} (got ${JSON.stringify(f)})`, issues: [{ path: 'format', message: `must be one of ${ADAPTER_FORMATS.join(', ')}` }] });
    }
    const t = await this.agg.trialAdapter(id);
    if (!t) throw new NotFoundException(`trial ${id} not found`);
    if (!t.adapter) throw new NotFoundException(`trial ${id} has no adapter (it has not succeeded, or its program reported none)`);
    const base = `${t.sweepName}-trial-${t.ordinal}`.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'trial';
    if (f === 'tinysweep') {
      res.setHeader('Content-Disposition', `attachment; filename="${base}.adapter.json"`);
      res.type('application/json').send(`${adapterFileText(t.adapter)}\n`);
      return;
    }
    const out = await this.exports.export(t.adapter, t.modelPath, f as 'peft-lora' | 'merged');
    res.setHeader('Content-Disposition', `attachment; filename="${base}.${f}.tar"`);
    res.type('application/x-tar');
    const tarball = tar.create({ cwd: out.dir, portable: true }, out.files);
    tarball.on('error', (err: unknown) => res.destroy(err as Error));
    res.on('close', () => void out.cleanup());
    tarball.pipe(res);
  }
  // POST /trials/:id/try (Try it) lives in trials/ (TryItService): it calls a trainer's Generate RPC.
}
