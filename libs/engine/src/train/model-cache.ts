/**
 * What a trainer node keeps between trials: loaded base models (by path) and device sessions
 * (by device and adapter-plan key), each under a small LRU cap. A sweep's trials mostly share one model and a
 * handful of structures, and loading + hashing a 7B checkpoint or opening its session costs far more
 * than a short trial, so the second trial on a node should pay for neither.
 *
 *   const models = new ModelCache({ session: { executionProvider: 'cpu', maxBatch: 32 } });
 *   const { model, hit } = await models.model('/models/stories260K/stories260K.bin');
 *   const lease = await models.session(model, plan);
 *   try { await lease.session.greedy(prompts, { maxNewTokens: 16 }); } finally { lease.release(); }
 *
 * A session is released (ORT memory or the worker's adapter freed) only when it is over the cap and
 * no trial holds a lease on it, so concurrent trials on one node never lose their session mid-run.
 * Sessions run on `device` (ONNX Runtime in this process by default; a torch worker per slot when a
 * trainer runs `--device torch`): `session(model, plan, slotDevice)` picks another one per call.
 */
import { resolve } from 'node:path';
import { loadModel, type LoadedModel } from '@tinysweep/model';
import { FactorCache, type SessionAdapter } from '@tinysweep/adapters';
import { OnnxDevice, type DeviceSession, type OnnxDeviceOptions, type PolicyDevice } from '../device.js';

/** Session settings of the default ONNX Runtime device (so the plan key alone identifies a session on it). */
export type ModelCacheSessionOptions = OnnxDeviceOptions;

/** Options of {@link ModelCache}. */
export interface ModelCacheOptions {
  /**
   * Loaded models kept. Each holds its weights in memory (a 0.5B model in float32 is 2 GB).
   * @defaultValue `2`
   */
  maxModels?: number;
  /**
   * Open sessions kept (idle ones beyond this are released).
   * @defaultValue `4`
   */
  maxSessions?: number;
  /**
   * How sessions are opened: execution provider, threads, rows per forward, graph cache directory.
   * @defaultValue `{ maxBatch: 32 }`, the rest as DecoderSession's defaults (cpu)
   */
  session?: ModelCacheSessionOptions;
  /**
   * Where sessions run unless a call names another device. Not closed by {@link ModelCache.close}
   * when given (its owner closes it).
   * @defaultValue an {@link OnnxDevice} with `session`'s options
   */
  device?: PolicyDevice;
  /**
   * SVD branches shared by the adapter plans built for these models.
   * @defaultValue a new FactorCache
   */
  factors?: FactorCache;
}

/** A session handed to one trial; call `release()` when the trial is done with it. */
export interface SessionLease {
  session: DeviceSession;
  /** True when the session was already open (no graph build, no ORT session creation). */
  hit: boolean;
  release(): void;
}

/** Counters since the cache was made. */
export interface ModelCacheStats {
  models: number;
  sessions: number;
  modelLoads: number;
  modelHits: number;
  sessionOpens: number;
  sessionHits: number;
}

interface SessionEntry {
  session: Promise<DeviceSession>;
  leases: number;
}

export class ModelCache {
  readonly maxModels: number;
  readonly maxSessions: number;
  readonly sessionOptions: ModelCacheSessionOptions;
  readonly factors: FactorCache;
  /** Where sessions run unless a call names another device. */
  readonly device: PolicyDevice;
  // Maps iterate in insertion order; a hit is re-inserted, so the first key is the least recently used.
  private readonly models = new Map<string, Promise<LoadedModel>>();
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly memos = new Map<string, Promise<unknown>>();
  private counts = { modelLoads: 0, modelHits: 0, sessionOpens: 0, sessionHits: 0 };

  constructor(opts: ModelCacheOptions = {}) {
    this.maxModels = opts.maxModels ?? 2;
    this.maxSessions = opts.maxSessions ?? 4;
    this.sessionOptions = { maxBatch: 32, ...opts.session };
    this.factors = opts.factors ?? new FactorCache();
    this.device = opts.device ?? new OnnxDevice(this.sessionOptions);
    if (!Number.isInteger(this.maxModels) || this.maxModels < 1) throw new Error(`maxModels must be a positive integer (got ${this.maxModels})`);
    if (!Number.isInteger(this.maxSessions) || this.maxSessions < 1) throw new Error(`maxSessions must be a positive integer (got ${this.maxSessions})`);
  }

  /** The model at `path` (resolved to an absolute path), loading it on first use. */
  async model(path: string): Promise<{ model: LoadedModel; hit: boolean }> {
    const key = resolve(path);
    const cached = this.models.get(key);
    if (cached) {
      this.counts.modelHits++;
      this.models.delete(key);
      this.models.set(key, cached);
      return { model: await cached, hit: true };
    }
    this.counts.modelLoads++;
    const loading = loadModel(key);
    this.models.set(key, loading);
    // A failed load must not stay cached: the next trial tries again (the file may have appeared).
    loading.catch(() => {
      if (this.models.get(key) === loading) this.models.delete(key);
    });
    while (this.models.size > this.maxModels) this.models.delete(this.models.keys().next().value as string);
    return { model: await loading, hit: false };
  }

  /** An open session of `model` with `plan`'s adapter on `device`, shared by every trial whose plan has its key there. */
  async session(model: LoadedModel, plan: SessionAdapter, device: PolicyDevice = this.device): Promise<SessionLease> {
    const key = `${device.name}|${plan.key}`;
    let entry = this.sessions.get(key);
    const hit = entry !== undefined;
    if (entry) {
      this.counts.sessionHits++;
      this.sessions.delete(key);
    } else {
      this.counts.sessionOpens++;
      const opening = device.open(model, plan);
      entry = { session: opening, leases: 0 };
      opening.catch(() => {
        if (this.sessions.get(key)?.session === opening) this.sessions.delete(key);
      });
    }
    this.sessions.set(key, entry);
    entry.leases++;
    const held = entry;
    let session: DeviceSession;
    try {
      session = await held.session;
    } catch (err) {
      held.leases--;
      throw err;
    }
    let released = false;
    this.evictIdleSessions();
    return {
      session,
      hit,
      release: () => {
        if (released) return;
        released = true;
        held.leases--;
        this.evictIdleSessions();
      },
    };
  }

  /**
   * A value computed once per key while it stays among the last 64 (e.g. the base model's held-out
   * accuracy, the same for every trial of a sweep on this node); a failed computation is forgotten.
   */
  memo<T>(key: string, make: () => Promise<T>): Promise<T> {
    const hit = this.memos.get(key) as Promise<T> | undefined;
    if (hit) {
      this.memos.delete(key);
      this.memos.set(key, hit);
      return hit;
    }
    const made = make();
    this.memos.set(key, made);
    made.catch(() => this.memos.delete(key));
    for (const k of this.memos.keys()) {
      if (this.memos.size <= 64) break;
      this.memos.delete(k);
    }
    return made;
  }

  /** Absolute paths of the models held (loaded or loading). */
  modelPaths(): string[] {
    return [...this.models.keys()];
  }

  stats(): ModelCacheStats {
    return { models: this.models.size, sessions: this.sessions.size, ...this.counts };
  }

  /** Releases every session (leases still held keep working until the device frees the memory; call this at shutdown). */
  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.models.clear();
    this.memos.clear();
    await Promise.all(all.map((e) => e.session.then((s) => s.release()).catch(() => undefined)));
  }

  /** Releases least recently used sessions nobody holds until the cap is met (held ones may exceed it). */
  private evictIdleSessions(): void {
    for (const [key, entry] of this.sessions) {
      if (this.sessions.size <= this.maxSessions) return;
      if (entry.leases > 0) continue;
      this.sessions.delete(key);
      void entry.session.then((s) => s.release()).catch(() => undefined);
    }
  }
}
