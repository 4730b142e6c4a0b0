import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STORIES260K_DIR } from '@tinysweep/model/testing';
import { resolveStructure, tinyLoraConfig } from '@tinysweep/tinylora';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAdapterPlan, tinyLoraGraph } from '@tinysweep/adapters';
import { ModelCache } from './model-cache.js';

const MODEL = join(STORIES260K_DIR, 'stories260K.bin');
const cacheDir = mkdtempSync(join(tmpdir(), 'tinysweep-model-cache-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('ModelCache', () => {
  it('loads a model once per path and opens a session once per plan key', async () => {
    const cache = new ModelCache({ session: { cacheDir } });
    const a = await cache.model(MODEL);
    const b = await cache.model(join(STORIES260K_DIR, '.', 'stories260K.bin')); // same file, other spelling
    expect([a.hit, b.hit]).toEqual([false, true]);
    expect(b.model).toBe(a.model);
    const plan = tinyLoraGraph(buildAdapterPlan(a.model, resolveStructure(tinyLoraConfig({ layers: 'last:1', rank: 1 }), a.model.config.nLayers), { factors: cache.factors }));
    const first = await cache.session(a.model, plan);
    const second = await cache.session(a.model, { ...plan }); // another object, same key
    expect([first.hit, second.hit]).toEqual([false, true]);
    expect(second.session).toBe(first.session);
    expect(first.session.maxBatch).toBe(32); // the cache's default rows per forward
    first.release();
    second.release();
    expect(cache.stats()).toEqual({ models: 1, sessions: 1, modelLoads: 1, modelHits: 1, sessionOpens: 1, sessionHits: 1 });
    await cache.close();
    expect(cache.stats()).toMatchObject({ models: 0, sessions: 0 });
  });

  it('does not keep a failed load, and evicts only sessions nobody holds', async () => {
    const cache = new ModelCache({ maxSessions: 1, session: { cacheDir } });
    await expect(cache.model(join(cacheDir, 'missing.bin'))).rejects.toThrow();
    expect(cache.stats().models).toBe(0);

    const { model } = await cache.model(MODEL);
    const plan = (rank: number) => tinyLoraGraph(buildAdapterPlan(model, resolveStructure(tinyLoraConfig({ layers: 'last:1', rank }), model.config.nLayers), { factors: cache.factors }));
    const one = await cache.session(model, plan(1));
    const two = await cache.session(model, plan(2));
    expect(cache.stats().sessions).toBe(2); // over the cap while both are held
    // a held session still works after another was opened
    expect(await one.session.greedy([model.tokenizer.encode('Once')], { maxNewTokens: 2 })).toHaveLength(1);
    one.release();
    expect(cache.stats().sessions).toBe(1); // the idle one went
    const again = await cache.session(model, plan(2));
    expect(again.hit).toBe(true);
    again.release();
    two.release();
    await cache.close();
    expect(() => new ModelCache({ maxModels: 0 })).toThrow(/maxModels must be a positive integer/);
  });

  it('memo computes a value once per key and forgets a failed computation', async () => {
    const cache = new ModelCache();
    let calls = 0;
    const make = async () => ++calls;
    expect(await cache.memo('a', make)).toBe(1);
    expect(await cache.memo('a', make)).toBe(1);
    expect(await cache.memo('b', make)).toBe(2);
    await expect(cache.memo('c', () => Promise.reject(new Error('cancelled')))).rejects.toThrow('cancelled');
    expect(await cache.memo('c', make)).toBe(3);
  });
});
