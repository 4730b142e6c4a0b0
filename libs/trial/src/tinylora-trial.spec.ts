import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSweepSpec, planSweep } from '@tinysweep/spec';
import { describe, expect, it } from 'vitest';
import { checkTinyLoraTrial, checkTrialRun, parseTinyLoraTrial, tinyLoraTrialOf, TRIAL_CONTRACT, TrialConfigError, type TinyLoraTrial } from './index.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

const base = { model: { path: 'models/demo-arith' }, task: { kind: 'arithmetic' }, optimizer: { kind: 'es' }, seed: 1 };
const error = (adapter: unknown) => {
  const r = parseTinyLoraTrial({ ...base, adapter });
  return r.ok ? undefined : r.error;
};

describe('parseTinyLoraTrial: the adapter section is its method’s', () => {
  it('takes each registered method with its own fields', () => {
    expect(error({ modules: ['q'], layers: 'all', rank: 2, u: 1, tie: { mode: 'none' } })).toBeUndefined();
    expect(error({ method: 'tinylora', modules: ['q'], layers: 'all', rank: 2, u: 1, tie: { mode: 'full' } })).toBeUndefined();
    expect(error({ method: 'lora-xs', modules: ['q', 'v'], layers: 'last:1', rank: 2 })).toBeUndefined();
    expect(error({ method: 'lora', modules: ['q'], layers: [3], rank: 1, alpha: 2 })).toBeUndefined();
  });

  it('names the field that is wrong for the method', () => {
    expect(error({ modules: ['q'], layers: 'all', rank: 0, u: 1, tie: { mode: 'none' } })).toBe('params.adapter.rank: must be at least 1');
    expect(error({ modules: ['q'], layers: 'all', rank: 1, tie: { mode: 'none' } })).toBe('params.adapter.u: required');
    expect(error({ method: 'lora', modules: ['q'], layers: 'all', rank: 1, u: 3 })).toBe('params.adapter.u: does not apply to adapter.method lora');
    expect(error({ method: 'lora-xs', modules: ['q'], layers: 'all', rank: 1, tie: { mode: 'full' } })).toBe('params.adapter.tie: does not apply to adapter.method lora-xs');
    expect(error({ method: 'dora', modules: ['q'], layers: 'all', rank: 1 })).toBe('params.adapter.method: must be one of tinylora, lora-xs, lora (got "dora")');
    expect(error({ method: 'lora', modules: ['q'], layers: 'all', rank: 1, alpha: 0 })).toBe('params.adapter.alpha: must be greater than 0');
  });
});

describe('parseTinyLoraTrial: one prune threshold per trial', () => {
  const adapter = { modules: ['q'], layers: 'all', rank: 1, u: 1, tie: { mode: 'none' } };
  const prune = (p: unknown) => {
    const r = parseTinyLoraTrial({ ...base, adapter, prune: p });
    return r.ok ? r.trial.prune : r.error;
  };

  it('takes one number in [0, 1), and refuses a list (the spec sweeps thresholds, a trial has one)', () => {
    expect(prune({ threshold: 0.3, retrainIterations: 2 })).toEqual({ threshold: 0.3, retrainIterations: 2 });
    expect(prune({ threshold: [0.1, 0.3] })).toBe('params.prune.threshold: must be a number in [0, 1)');
    expect(prune({ threshold: 1 })).toBe('params.prune.threshold: must be in [0, 1)');
  });
});

/**
 * The contract between the control plane and this backend: every trial libs/spec plans for a tinylora
 * example sweep (all methods, shared trainings, prune thresholds) is accepted here as it is sent, so
 * the spec's expansion and the trainer's edge check cannot drift apart unnoticed.
 */
describe('parseTinyLoraTrial accepts what planSweep sends', () => {
  const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).map((f) => [f, parseSweepSpec(readFileSync(join(EXAMPLES, f), 'utf8'))] as const);
  const tinylora = examples.filter(([, spec]) => spec.backend.kind === 'tinylora');

  it.each(tinylora)('every trial of examples/%s, and its shared trainings', (_file, spec) => {
    const plan = planSweep(spec);
    expect(plan.trials.length).toBeGreaterThan(0);
    for (const params of [...plan.trials.map((t) => t.params), ...plan.trainings.map((g) => g.params)]) {
      const r = parseTinyLoraTrial(JSON.parse(JSON.stringify(params)) as Record<string, unknown>);
      expect(r.ok ? 'ok' : r.error, JSON.stringify(params)).toBe('ok');
    }
  });

  it('covers the three adapter methods and pruning', () => {
    const params = tinylora.flatMap(([, spec]) => planSweep(spec).trials.map((t) => t.params as { adapter: { method?: string }; prune?: unknown }));
    expect(new Set(params.map((p) => p.adapter.method ?? 'tinylora'))).toEqual(new Set(['tinylora', 'lora-xs', 'lora']));
    expect(params.some((p) => p.prune !== undefined)).toBe(true);
  });
});

describe('checked once', () => {
  const adapter = { modules: ['q'], layers: 'all', rank: 1, u: 1, tie: { mode: 'none' } };

  it('hands the engine a trial the edge checked as is, and checks any other (a library caller) itself', () => {
    const r = parseTinyLoraTrial({ ...base, adapter });
    expect(r.ok).toBe(true);
    const trial = (r as { trial: TinyLoraTrial }).trial;
    expect(checkTinyLoraTrial(trial)).toBe(trial); // the same object: not parsed again
    const unchecked = { ...base, adapter } as unknown as TinyLoraTrial;
    expect(checkTinyLoraTrial(unchecked)).not.toBe(unchecked);
    expect(checkTinyLoraTrial(unchecked)).toEqual(trial);
    expect(() => checkTinyLoraTrial({ ...unchecked, seed: -1 })).toThrow(expect.objectContaining({ name: 'TrialConfigError', field: 'seed' }));
    expect(() => checkTinyLoraTrial({ ...unchecked, optimizer: { kind: 'grpo', group: 1 } })).toThrow(TrialConfigError);
  });
});

describe('checkTrialRun: the edge of a trainer', () => {
  const adapter = { modules: ['q'], layers: 'all', rank: 1, u: 1, tie: { mode: 'none' } };

  it('types a tinylora run, passes a command run as sent, and names the field that is wrong', () => {
    const ok = checkTrialRun('tinylora', TRIAL_CONTRACT, { ...base, adapter });
    expect(ok.ok && ok.run.backend === 'tinylora' && tinyLoraTrialOf(ok.run)?.adapter).toEqual(adapter);
    const program = { lr: 0.1, anything: { nested: true } };
    expect(checkTrialRun('command', TRIAL_CONTRACT, program)).toEqual({ ok: true, run: { backend: 'command', params: program } });
    expect(checkTrialRun('tinylora', TRIAL_CONTRACT, { ...base, adapter, lr: 1 })).toEqual({
      ok: false,
      error: 'params.lr: unknown parameter for the tinylora backend (a tinylora trial takes model, task, adapter, prune, optimizer, seed and the param evalEvery)',
    });
  });

  it('reads contract 1 from a request that states none, and refuses another contract saying what to upgrade', () => {
    expect(checkTrialRun('tinylora', 0, { ...base, adapter }).ok).toBe(true);
    expect(checkTrialRun('command', TRIAL_CONTRACT + 1, {})).toEqual({
      ok: false,
      error: `trial contract mismatch: the params follow trial contract ${TRIAL_CONTRACT + 1}, this trainer reads contract ${TRIAL_CONTRACT}: upgrade the trainer`,
    });
  });
});

describe('parseTinyLoraTrial names the field a trainer refuses', () => {
  const adapter = { modules: ['q'], layers: 'all', rank: 1, u: 1, tie: { mode: 'none' } };
  const params = (over: Record<string, unknown>) => ({ ...base, adapter, task: { kind: 'regex', pattern: 'x', prompts: ['a'] }, ...over });
  it.each([
    [{ adapter: { modules: ['q'], layers: 'all', rank: 0, u: 1, tie: { mode: 'none' } } }, /^params\.adapter\.rank: must be at least 1$/],
    [{ adapter: { modules: ['qq'], layers: 'all', rank: 1, u: 1, tie: { mode: 'none' } } }, /^params\.adapter\.modules\[0\]: must be one of q, k/],
    [{ adapter: { modules: ['q'], layers: 'last:0', rank: 1, u: 1, tie: { mode: 'none' } } }, /^params\.adapter\.layers: layer selector "last:0"/],
    [{ optimizer: { kind: 'adam', iterations: 1 } }, /^params\.optimizer\.kind: must be es, spsa, cmaes or grpo$/],
    [{ optimizer: { kind: 'grpo', group: 1 } }, /^params\.optimizer\.group: must be at least 2$/],
    [{ lr: 0.1 }, /^params\.lr: unknown parameter for the tinylora backend/],
    [{ task: { kind: 'regex', pattern: 'x', prompts: ['a'], maxNewTokens: 0 } }, /^params\.task\.maxNewTokens: must be at least 1$/],
    [{ task: { kind: 'gsm8k', preset: 'lm' } }, /^params\.task\.preset: must be 'lm-eval'$/],
    [{ seed: -1 }, /^params\.seed: must be at least 0$/],
  ])('%#', (over, error) => {
    const r = parseTinyLoraTrial(params(over));
    expect(r.ok ? 'ok' : r.error).toMatch(error);
  });
});
