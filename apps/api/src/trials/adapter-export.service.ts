import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { AdapterExportFormat, AnyAdapterFile, ExportedFile } from '@tinysweep/engine';
import type { LoadedModel } from '@tinysweep/model';
import { isInside } from '@tinysweep/spec';
import { API_CONFIG, type ApiConfig } from '../config/api.config.js';

/** A base model kept after an export, so the next export of the same sweep does not load it again. */
interface CachedModel {
  path: string;
  model: LoadedModel;
  at: number;
}

const KEEP_MODEL_MS = 5 * 60_000;

/**
 * Exports a trial's adapter as a PEFT LoRA directory or a merged HF model (libs/engine's
 * exportAdapter) from the base model files the API can read: a relative model path from its working
 * directory (where `tinysweep up` runs the trainers too), and only inside that directory or
 * TINYSWEEP_DATA_ROOTS once symlinks are resolved. One export at a time: a merged 7B model is
 * tens of GB of arithmetic and memory, and two at once would only double the peak.
 */
@Injectable()
export class AdapterExportService {
  private queue: Promise<unknown> = Promise.resolve();
  private cached: CachedModel | undefined;

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  /** Writes the export into a fresh temporary directory; the caller streams it and calls `cleanup`. */
  async export(adapterJson: unknown, modelPath: string | null, format: Exclude<AdapterExportFormat, 'tinysweep'>): Promise<{ dir: string; files: string[]; cleanup: () => Promise<void> }> {
    let adapter: AnyAdapterFile;
    const { parseAnyAdapter } = await import('@tinysweep/engine'); // lazily, as build() below
    try {
      adapter = parseAnyAdapter(JSON.stringify(adapterJson));
    } catch (err) {
      throw new ConflictException(`the trial's adapter is not an adapter file (${(err as Error).message}): only format tinysweep is available`);
    }
    if (!modelPath) throw new ConflictException('the trial names no model.path: only format tinysweep is available');
    const run = this.queue.then(() => this.build(adapter, modelPath, format));
    this.queue = run.catch(() => undefined);
    const files = await run;
    const dir = await mkdtemp(join(tmpdir(), 'tinysweep-adapter-'));
    await Promise.all(files.map((f) => writeFile(join(dir, f.name), f.data)));
    return { dir, files: files.map((f) => f.name), cleanup: () => rm(dir, { recursive: true, force: true }) };
  }

  private async build(adapter: AnyAdapterFile, modelPath: string, format: Exclude<AdapterExportFormat, 'tinysweep'>): Promise<ExportedFile[]> {
    // Loaded on the first export only: they bring ONNX Runtime's native library, which the API needs for nothing else.
    const [{ AdapterExportError, exportAdapter }, { loadModel }] = await Promise.all([import('@tinysweep/engine'), import('@tinysweep/model')]);
    const path = await this.confined(modelPath);
    if (this.cached && (this.cached.path !== path || Date.now() - this.cached.at > KEEP_MODEL_MS)) this.cached = undefined;
    const model =
      this.cached?.model ??
      (await loadModel(path).catch((err: unknown) => {
        throw new ConflictException(`the API cannot load the base model ${modelPath}: ${(err as Error).message}`);
      }));
    this.cached = { path, model, at: Date.now() };
    try {
      return exportAdapter(model, adapter, format);
    } catch (err) {
      if (err instanceof AdapterExportError) throw new ConflictException(err.message);
      throw err;
    }
  }

  /** The model's real path, refused when it leaves the working directory and the data roots. */
  private async confined(modelPath: string): Promise<string> {
    const roots = [process.cwd(), ...this.config.TINYSWEEP_DATA_ROOTS.split(',').map((r) => r.trim()).filter(Boolean)];
    const real = await realpath(isAbsolute(modelPath) ? modelPath : resolve(process.cwd(), modelPath)).catch(() => {
      throw new ConflictException(`the API cannot read the base model ${modelPath} (it reads models from its working directory and TINYSWEEP_DATA_ROOTS)`);
    });
    const realRoots = await Promise.all(roots.map((r) => realpath(resolve(r)).catch(() => resolve(r))));
    if (!realRoots.some((r) => isInside(real, r))) {
      throw new ConflictException(`the base model ${modelPath} is outside the API's working directory and TINYSWEEP_DATA_ROOTS`);
    }
    return real;
  }
}
