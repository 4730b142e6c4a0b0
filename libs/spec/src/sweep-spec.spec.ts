import { describe, expect, it } from 'vitest';
import { parseSweepSpec, planSweep, SpecError, SweepSpecSchema, type SweepSpec } from './index.js';

const tiny = { name: 'tiny', model: { path: 'models/demo-arith' }, task: { kind: 'arithmetic' }, adapter: {} };

function adapterOf(adapter: Record<string, unknown>): NonNullable<SweepSpec['adapter']> {
  const spec = parseSweepSpec({ ...tiny, adapter });
  if (!spec.adapter) throw new Error('no adapter');
  return spec.adapter;
}

describe('SweepSpecSchema: defaults', () => {
  it('fills a minimal tinylora spec with the paper setup and the documented defaults', () => {
    expect(parseSweepSpec('name: tiny\nmodel: { path: models/demo-arith }\ntask: { kind: arithmetic }\nadapter: {}\n')).toEqual({
      name: 'tiny',
      backend: { kind: 'tinylora' },
      model: { path: 'models/demo-arith' },
      task: { kind: 'arithmetic' },
      adapter: { modules: [['q', 'k', 'v', 'o', 'gate', 'up', 'down']], layers: ['all'], rank: [2], u: [1], tie: [{ mode: 'none' }] },
      optimizer: { kind: 'es', population: [32], sigma: [0.02], lr: [0.05], iterations: [200], batch: [16] },
      params: {},
      seeds: [0],
      search: { kind: 'grid' },
      objective: { metric: 'score', mode: 'max' },
      budget: { maxTrials: 1000, trialTimeout: 1_800_000, retries: 2 },
      reuse: true,
    });
  });

  it('fills partial sections', () => {
    const spec = parseSweepSpec({ ...tiny, optimizer: { kind: 'spsa', lr: [0.1, 0.2] }, prune: { threshold: 0.2 }, objective: { metric: 'acc' }, budget: { retries: 0 } });
    expect(spec.optimizer).toEqual({ kind: 'spsa', population: [32], sigma: [0.02], lr: [0.1, 0.2], iterations: [200], batch: [16] });
    expect(spec.prune).toEqual({ threshold: [0.2], retrainIterations: [0] });
    expect(spec.objective).toEqual({ metric: 'acc', mode: 'max' });
    expect(spec.budget).toEqual({ maxTrials: 1000, trialTimeout: 1_800_000, retries: 0 });
  });

  it('grpo gets its own axes (group, temperature, kl), which only grpo may have; resources stay out of the trials', () => {
    const spec = parseSweepSpec({ ...tiny, optimizer: { kind: 'grpo', lr: 0.05, temperature: [0.7, 1] }, resources: { device: 'cuda' } });
    expect(spec.optimizer).toEqual({ kind: 'grpo', population: [32], sigma: [0.02], lr: [0.05], iterations: [200], batch: [16], group: [8], temperature: [0.7, 1], kl: [0] });
    expect(spec.resources).toEqual({ device: 'cuda' });
    const plan = planSweep(spec);
    expect(plan.trials.map((t) => t.params.optimizer)).toEqual([
      { kind: 'grpo', population: 32, sigma: 0.02, lr: 0.05, iterations: 200, batch: 16, group: 8, temperature: 0.7, kl: 0 },
      { kind: 'grpo', population: 32, sigma: 0.02, lr: 0.05, iterations: 200, batch: 16, group: 8, temperature: 1, kl: 0 },
    ]);
    expect(plan.trials[0]!.params).not.toHaveProperty('resources');
    // a forward-only sweep's trials are what they were before grpo existed
    expect(planSweep(parseSweepSpec(tiny)).trials[0]!.params.optimizer).toEqual({ kind: 'es', population: 32, sigma: 0.02, lr: 0.05, iterations: 200, batch: 16 });
  });

  it('checkpoint.every is scheduling: kept in the spec, out of the trials and their hashes; refused when not a whole number ≥ 0', () => {
    const spec = parseSweepSpec({ ...tiny, checkpoint: { every: 25 } });
    expect(spec.checkpoint).toEqual({ every: 25 });
    expect(parseSweepSpec(spec)).toEqual(spec);
    expect(planSweep(spec).trials[0]!.configHash).toBe(planSweep(parseSweepSpec(tiny)).trials[0]!.configHash);
    expect(planSweep(spec).trials[0]!.params).not.toHaveProperty('checkpoint');
    const r = SweepSpecSchema.safeParse({ ...tiny, checkpoint: { every: -1, often: true } });
    expect(r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([expect.stringMatching(/^checkpoint\.every: /), expect.stringMatching(/^checkpoint: .*often/)]);
  });

  it('refuses grpo where it cannot run, and grpo-only fields on other optimizers, naming the field', () => {
    const issue = (over: Record<string, unknown>) => {
      const r = SweepSpecSchema.safeParse({ ...tiny, ...over });
      return r.error?.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    };
    expect(issue({ optimizer: { kind: 'grpo' }, resources: { runtime: 'onnxruntime' } })).toEqual([
      { path: 'optimizer.kind', message: expect.stringMatching(/^grpo needs sampling and gradients, which the onnxruntime runtime cannot compute/) },
    ]);
    expect(issue({ optimizer: { kind: 'es', temperature: 0.7 } })).toEqual([{ path: 'optimizer.temperature', message: "only for kind 'grpo' (this optimizer is 'es')" }]);
    expect(issue({ optimizer: { kind: 'grpo', group: 1 } })?.[0]).toMatchObject({ path: 'optimizer.group' });
    expect(issue({ resources: { device: 'tpu' } })?.[0]).toMatchObject({ path: 'resources.device' });
  });

  it('can be used as a plain zod schema', () => {
    const r = SweepSpecSchema.safeParse({ ...tiny, adapter: { rank: 0 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ['adapter', 'rank'], message: 'must be a positive integer (got 0)' });
  });
});

describe('SweepSpecSchema: adapter normalization', () => {
  it('reads module sets: one set, all, HF names, lists of sets; sorted canonically and deduplicated', () => {
    expect(adapterOf({ modules: 'all' }).modules).toEqual([['q', 'k', 'v', 'o', 'gate', 'up', 'down']]);
    expect(adapterOf({ modules: ['v', 'q', 'v'] }).modules).toEqual([['q', 'v']]);
    expect(adapterOf({ modules: ['down_proj', 'q_proj'] }).modules).toEqual([['q', 'down']]);
    expect(adapterOf({ modules: [['up', 'gate'], 'q', 'all'] }).modules).toEqual([['gate', 'up'], ['q'], ['q', 'k', 'v', 'o', 'gate', 'up', 'down']]);
    expect(() => adapterOf({ modules: [] })).toThrow(/adapter.modules: must not be an empty list/);
    expect(() => adapterOf({ modules: [['q'], []] })).toThrow(/adapter.modules\[1\]: must not be an empty module set/);
  });

  it('reads layer selectors; a flat integer list is one selection, ranges become lists', () => {
    expect(adapterOf({ layers: [0, 5, 7] }).layers).toEqual([[0, 5, 7]]);
    expect(adapterOf({ layers: [[7, 0], [5]] }).layers).toEqual([[0, 7], [5]]);
    expect(adapterOf({ layers: ['all', 'last:8', 'every:2', 'first:4', '0-3', [0, 5, 7], 3] }).layers).toEqual([
      'all',
      'last:8',
      'every:2',
      'first:4',
      [0, 1, 2, 3],
      [0, 5, 7],
      [3],
    ]);
    expect(adapterOf({ layers: 'every:1' }).layers).toEqual(['all']);
    expect(adapterOf({ layers: 'last:08' }).layers).toEqual(['last:8']);
    expect(() => adapterOf({ layers: '0-5000' })).toThrow(/block indices go up to 4095/);
  });

  it('reads tie settings as mappings or strings, dropping n where it means nothing', () => {
    expect(adapterOf({ tie: [{ mode: 'tiled', n: 16 }, 'structured:4', 'none', { mode: 'none', n: 8 }, 'full', { mode: 'structured', n: 1 }] }).tie).toEqual([
      { mode: 'tiled', n: 16 },
      { mode: 'structured', n: 4 },
      { mode: 'none' },
      { mode: 'none' },
      { mode: 'full' },
      { mode: 'none' },
    ]);
    expect(adapterOf({ tie: { mode: 'full' } }).tie).toEqual([{ mode: 'full' }]);
    expect(() => adapterOf({ tie: { mode: 'tiled', n: 0 } })).toThrow(/adapter.tie.n: must be a positive integer \(got 0\)/);
  });
});

describe('SweepSpecSchema: command backend', () => {
  const cmd = (backend: Record<string, unknown>, extra: Record<string, unknown> = {}): SweepSpec =>
    parseSweepSpec({ name: 'c', backend: { kind: 'command', ...backend }, ...extra });

  it('splits a command string on whitespace, keeps a list as is, stringifies env values', () => {
    const spec = cmd({ command: '  python3   train.py --seed {seed} ', cwd: 'examples/', env: { CUDA_VISIBLE_DEVICES: 0, DEBUG: true, NAME: 'x' } });
    expect(spec.backend).toEqual({
      kind: 'command',
      command: ['python3', 'train.py', '--seed', '{seed}'],
      cwd: 'examples/',
      env: { CUDA_VISIBLE_DEVICES: '0', DEBUG: 'true', NAME: 'x' },
    });
    expect(spec.optimizer).toBeUndefined();
    expect(spec.model).toBeUndefined();
    expect(cmd({ command: ['python3', 'train.py', '--name', 'my run'] }).backend).toMatchObject({ command: ['python3', 'train.py', '--name', 'my run'] });
  });

  it('refuses quoting in a command string, empty commands and bad env names', () => {
    expect(() => cmd({ command: "python3 -c 'print(1)'" })).toThrow(/backend.command: a command string is split on whitespace with no shell/);
    expect(() => cmd({ command: [] })).toThrow(/backend.command: must not be an empty list/);
    expect(() => cmd({ command: ['python3', 3] })).toThrow(/backend.command\[1\]: must be a string \(got 3\); quote numbers/);
    expect(() => cmd({ command: 'x', env: { '1BAD': 'x' } })).toThrow(/backend.env\["1BAD"\]: invalid environment variable name/);
    expect(() => cmd({ command: 'x', shell: true })).toThrow(/backend.shell: unknown key/);
    expect(() => parseSweepSpec({ name: 'c', backend: { command: 'x' } })).toThrow(/backend.kind: required: 'tinylora' or 'command'/);
  });

  it('resolves placeholders against params, dotted section paths, seed and trainer values', () => {
    const spec = cmd(
      { command: ['run', '{lr}', '{seed}', '{adapter.rank}', '{adapter.tie.n}', '{optimizer.sigma}', '{task.data.train}', '{model.path}', '{trial_id}', '{sweep_id}', '{attempt}', '{params_file}', '{"a": 1}', '{}'] },
      { params: { lr: 0.1 }, adapter: { tie: ['tiled:4'] }, optimizer: {}, task: { kind: 'k', data: { train: 'x' } }, model: { path: 'm' } },
    );
    expect(spec.backend.kind).toBe('command');
    expect(() => cmd({ command: ['run', '{adapter.tie.n}'] }, { adapter: { tie: 'none' } })).toThrow(/placeholder \{adapter.tie.n\} names no parameter/);
    expect(() => cmd({ command: ['run', '{optimizer.sigma}'] })).toThrow(/backend.command\[1\]: placeholder \{optimizer.sigma\}/);
  });
});

describe('SweepSpecSchema: names and params', () => {
  it('checks the sweep name', () => {
    expect(parseSweepSpec({ ...tiny, name: '  spaced  ' }).name).toBe('spaced');
    expect(() => parseSweepSpec({ ...tiny, name: '' })).toThrow(/name: must not be empty/);
    expect(() => parseSweepSpec({ ...tiny, name: 'x'.repeat(201) })).toThrow(/name: must be at most 200 characters/);
    expect(() => parseSweepSpec({ ...tiny, name: 'a\nb' })).toThrow(/name: must not contain control characters/);
    expect(() => parseSweepSpec({ ...tiny, name: 5 })).toThrow(/name: must be a sweep name \(1 to 200 characters\) \(got 5\)/);
  });

  it('checks param names and values', () => {
    const spec = parseSweepSpec({ ...tiny, params: { lr: [0.1, 0.01], width: 64, act: 'relu', 'use-bias': [true, false] } });
    expect(spec.params).toEqual({ lr: [0.1, 0.01], width: [64], act: ['relu'], 'use-bias': [true, false] });
    let err: SpecError | undefined;
    try {
      parseSweepSpec({ ...tiny, params: { 'bad name': 1, task: 2, ok: null, empty: [] } });
    } catch (e) {
      err = e as SpecError;
    }
    expect(err?.issues).toEqual([
      { path: 'params["bad name"]', message: 'invalid param name: use letters, digits, _ and -, starting with a letter or _' },
      { path: 'params.task', message: expect.stringMatching(/reserved/) },
      { path: 'params.ok', message: 'must be a string, number or boolean, a list of them, or a distribution (got null)' },
      { path: 'params.empty', message: 'must not be an empty list (give at least one value)' },
    ]);
  });
});
