/**
 * Try it on the real stories260K: base and adapted completions in one batch reproduce exactly what
 * the trial's held-out evaluation scored, reuse the trial's cached model and session, and refuse a
 * request they cannot serve naming the field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STORIES260K_DIR } from '@tinysweep/model/testing';
import { buildAdapterFile, type AdapterFile } from '@tinysweep/tinylora';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrialConfigError } from '@tinysweep/trial';
import { ModelCache } from './model-cache.js';
import { generateSideBySide, type SideBySideRequest } from './side-by-side.js';
import type { TinyLoraTrial } from './tinylora-trial.js';
import { trainTinyLora, type TinyLoraResult } from './train-tinylora.js';

const MODEL = join(STORIES260K_DIR, 'stories260K.bin');
const HELD_OUT = ['One day, there was a little girl named', 'One day, there was a kind boy named', 'Once there was a happy girl named', 'Once there was a brave boy named'];
const tom = (texts: string[]) => texts.filter((t) => /\bTom\b/.test(t)).length;

const cacheDir = mkdtempSync(join(tmpdir(), 'tinysweep-side-by-side-spec-'));
const models = new ModelCache({ session: { cacheDir, maxBatch: 64 } });
afterAll(async () => {
  await models.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

/** A short "name the hero Tom" trial (13 numbers); its held-out prompts are the ones tried below. */
const trial: TinyLoraTrial = {
  model: { path: MODEL },
  task: { kind: 'regex', pattern: '\\bTom\\b', prompts: ['Once upon a time, there was a little boy named', 'There was once a small girl named', 'Long ago, there lived a curious boy named'], evalPrompts: HELD_OUT, maxNewTokens: 6 },
  adapter: { modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], layers: 'all', rank: 2, u: 13, tie: { mode: 'full' } },
  optimizer: { kind: 'es', population: 4, sigma: 0.5, lr: 0.2, iterations: 2, batch: 3 },
  seed: 1,
};

let trained: TinyLoraResult;
beforeAll(async () => {
  trained = await trainTinyLora(trial, { models });
}, 60_000);

const request = (over: Partial<SideBySideRequest> = {}): SideBySideRequest => ({ trial, adapter: trained.adapter, prompts: HELD_OUT, ...over });

/** The trained adapter's structure with its numbers scaled far up: a v that surely changes what the model says. */
function loud(adapter: AdapterFile): AdapterFile {
  return buildAdapterFile({ baseModel: adapter.baseModel, structure: adapter.structure, v: adapter.v.map((_, i) => (i % 2 === 0 ? 3 : -3)) });
}

describe('generateSideBySide', () => {
  it('gives the completions the trial scored: as many held-out "Tom"s as its accuracy before and after', async () => {
    const r = await generateSideBySide(request(), { models });
    expect(r.completions.map((c) => c.prompt)).toEqual(HELD_OUT);
    expect(r.maxNewTokens).toBe(6);
    expect(tom(r.completions.map((c) => c.base)) / HELD_OUT.length).toBe(trained.metrics.acc_before);
    expect(tom(r.completions.map((c) => c.adapted)) / HELD_OUT.length).toBe(trained.metrics.acc);
    // The node's cache served it: the trial's model and its session, nothing loaded or opened.
    expect(r).toMatchObject({ modelHit: true, sessionHit: true });
    expect(models.stats()).toMatchObject({ modelLoads: 1, sessionOpens: 1 });
    expect(r.generateSeconds).toBeGreaterThan(0);
  });

  it('the base rows are the base model whatever the adapter; the adapted rows follow v', async () => {
    const zero = buildAdapterFile({ baseModel: trained.adapter.baseModel, structure: trained.adapter.structure, v: trained.adapter.v.map(() => 0) });
    const a = await generateSideBySide(request({ adapter: zero, maxNewTokens: 12 }), { models });
    expect(a.completions.every((c) => c.adapted === c.base)).toBe(true); // v = 0 is the base model exactly
    const b = await generateSideBySide(request({ adapter: loud(trained.adapter), maxNewTokens: 12 }), { models });
    expect(b.completions.map((c) => c.base)).toEqual(a.completions.map((c) => c.base));
    expect(b.completions.some((c) => c.adapted !== c.base)).toBe(true);
    expect(b.completions.every((c) => c.base.length > 0)).toBe(true);
  });

  it.each<[string, Partial<SideBySideRequest> | ((a: AdapterFile) => Partial<SideBySideRequest>), string, RegExp]>([
    ['a prompt past the context', { prompts: ['ok', 'word '.repeat(600)] }, 'prompts[1]', /tokens .* exceed the model's context of 512/],
    ['no prompts', { prompts: [] }, 'prompts', /at least one/],
    ['maxNewTokens 0', { maxNewTokens: 0 }, 'maxNewTokens', /positive integer/],
    ['a model that is not there', { trial: { ...trial, model: { path: join(cacheDir, 'nope.bin') } } }, 'trial.model.path', /./],
    ['a bad task', { trial: { ...trial, task: { kind: 'regex', pattern: 'x' } } }, 'trial.task.prompts', /required/],
    ['an adapter from another model', (a) => ({ adapter: { ...a, baseModel: { hash: 'f'.repeat(64), name: 'other.bin' } } }), 'adapter.baseModel.hash', /trained on model ffffffffffff \(other\.bin\)/],
    ['a structure the model has no room for', (a) => ({ adapter: { ...a, structure: { ...a.structure, layers: [0, 9] } } }), 'adapter.structure', /layer 9 is past the model's last block/],
  ])('refuses %s naming the field', async (_, over, field, problem) => {
    const err = await generateSideBySide(request(typeof over === 'function' ? over(trained.adapter) : over), { models }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrialConfigError);
    expect(err).toMatchObject({ field, problem: expect.stringMatching(problem) });
  });
});
