import { describe, expect, it } from 'vitest';
import { parseSweepSpec, planSweep, SpecError, type SpecIssue } from './index.js';

/** The example spec of docs DESIGN.md ("A sweep spec"), verbatim. */
const DESIGN_SPEC = `name: qwen05-gsm8k-tiny
model: { path: /models/Qwen2.5-0.5B-Instruct }      # or models/demo-arith
task: { kind: gsm8k, train: data/gsm8k/train.jsonl, eval: data/gsm8k/test.jsonl, evalSize: 500 }
adapter:
  modules: [[q, k, v, o, gate, up, down]]
  layers: [all, "last:8", "every:2"]
  rank: [1, 2, 4]
  u: [1, 13]
  tie: [{ mode: tiled, n: 16 }, { mode: none }]
prune: { threshold: [0, 0.1, 0.3] }                  # relative to max |v|
optimizer: { kind: es, population: 32, sigma: 0.02, lr: 0.05, iterations: 200, batch: 16 }
seeds: [1, 2, 3]                                     # replicates: mean ± CI per config
search: { kind: grid }                               # or random (n), asha, pareto
budget: { maxTrials: 500, trialTimeout: 30m }
`;

/** The issues of the SpecError `fn` throws (fails the test if it throws anything else or nothing). */
function issuesOf(fn: () => unknown): SpecIssue[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as SpecError).issues;
  }
  throw new Error('expected a SpecError');
}

/** The message of the first issue at `path`. */
function messageAt(issues: SpecIssue[], path: string): string {
  const hit = issues.find((i) => i.path === path);
  if (!hit) throw new Error(`no issue at ${JSON.stringify(path)}; got ${JSON.stringify(issues)}`);
  return hit.message;
}

const minimal = { name: 'm', model: { path: 'models/demo-arith' }, task: { kind: 'arithmetic' }, adapter: {} };

describe('parseSweepSpec: the DESIGN.md example', () => {
  it('parses, applies defaults and expands to 3 layers × 3 ranks × 2 u × 2 ties × 3 thresholds × 3 seeds = 324 trials', () => {
    const spec = parseSweepSpec(DESIGN_SPEC);
    expect(spec.name).toBe('qwen05-gsm8k-tiny');
    expect(spec.backend).toEqual({ kind: 'tinylora' });
    expect(spec.adapter?.layers).toEqual(['all', 'last:8', 'every:2']);
    expect(spec.prune).toEqual({ threshold: [0, 0.1, 0.3], retrainIterations: [0] });
    expect(spec.budget).toEqual({ maxTrials: 500, trialTimeout: 30 * 60_000, retries: 2 });
    expect(spec.objective).toEqual({ metric: 'score', mode: 'max' });
    const plan = planSweep(spec);
    expect(plan.trials).toHaveLength(324);
    expect(plan.duplicatesCollapsed).toBe(0);
    expect(plan).toMatchObject({ metric: 'score', maximize: true, trialTimeoutMs: 1_800_000, maxAttempts: 3 });
    expect(plan.trials[0].params).toEqual({
      adapter: { modules: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], layers: 'all', rank: 1, u: 1, tie: { mode: 'tiled', n: 16 } },
      prune: { threshold: 0, retrainIterations: 0 },
      optimizer: { kind: 'es', population: 32, sigma: 0.02, lr: 0.05, iterations: 200, batch: 16 },
      model: { path: '/models/Qwen2.5-0.5B-Instruct' },
      task: { kind: 'gsm8k', train: 'data/gsm8k/train.jsonl', eval: 'data/gsm8k/test.jsonl', evalSize: 500 },
      seed: 1,
    });
  });

  it('accepts the same spec as JSON text and as an object, with equal results', () => {
    const fromYaml = parseSweepSpec(DESIGN_SPEC);
    const asObject = JSON.parse(JSON.stringify({ ...fromYaml, budget: { maxTrials: 500, trialTimeout: '30m' } })) as unknown;
    expect(parseSweepSpec(JSON.stringify(asObject))).toEqual(fromYaml);
    expect(parseSweepSpec(asObject)).toEqual(fromYaml);
    expect(parseSweepSpec(new TextEncoder().encode(DESIGN_SPEC))).toEqual(fromYaml);
  });

  it('is idempotent: a normalized spec parses to itself', () => {
    const once = parseSweepSpec(DESIGN_SPEC);
    expect(parseSweepSpec(JSON.parse(JSON.stringify(once)))).toEqual(once);
    const cmd = parseSweepSpec({
      name: 'c',
      backend: { kind: 'command', command: 'python3 train.py --lr {lr}', env: { A: 1 } },
      params: { lr: { loguniform: [1e-4, 1e-1] }, width: 64 },
      search: { kind: 'random', n: 5 },
    });
    expect(parseSweepSpec(JSON.parse(JSON.stringify(cmd)))).toEqual(cmd);
  });
});

describe('parseSweepSpec: hostile input', () => {
  // The time limits below are vitest's per-test timeouts: each guards against a parser that expands,
  // copies or recurses without bound (minutes or a crash), not a speed target.
  it('refuses a YAML alias bomb ("billion laughs") without expanding it', { timeout: 15_000 }, () => {
    const bomb = [
      'name: lol',
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${new Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
    ].join('\n');
    const issues = issuesOf(() => parseSweepSpec(bomb));
    expect(issues).toEqual([{ path: '', message: expect.stringMatching(/aliases expand too much/) }]);
  });

  it('refuses a 1 MB body before parsing it', { timeout: 15_000 }, () => {
    const body = `name: big\npad: "${'x'.repeat(1024 * 1024)}"\n`;
    expect(messageAt(issuesOf(() => parseSweepSpec(body)), '')).toMatch(/over the 262,144-byte limit/);
    // Multi-byte characters count as bytes, not characters.
    expect(messageAt(issuesOf(() => parseSweepSpec(`name: "${'é'.repeat(140_000)}"`)), '')).toMatch(/280,0\d\d bytes/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, task: { kind: 'x', blob: 'x'.repeat(300_000) } })), '')).toMatch(/larger than 262,144 bytes/);
    expect(() => parseSweepSpec(DESIGN_SPEC, { maxBytes: 100 })).toThrow(/over the 100-byte limit/);
  });

  it('refuses 100-deep nesting, as YAML flow, YAML block, or an object', () => {
    const flow = `name: deep\ntask: { kind: x, n: ${'['.repeat(100)}${']'.repeat(100)} }`;
    expect(messageAt(issuesOf(() => parseSweepSpec(flow)), '')).toMatch(/nested deeper than 32 levels.*line 2/);
    let block = 'name: deep\n';
    for (let i = 0; i < 100; i++) block += `${' '.repeat(i)}k${i}:\n`;
    block += `${' '.repeat(100)}leaf`;
    expect(messageAt(issuesOf(() => parseSweepSpec(block)), '')).toMatch(/nested deeper than 32 levels/);
    let obj: unknown = 1;
    for (let i = 0; i < 100; i++) obj = { x: obj };
    const issues = issuesOf(() => parseSweepSpec({ ...minimal, task: { kind: 'k', x: obj } }));
    expect(issues[0].message).toMatch(/nested deeper than 32 levels/);
    expect(issues[0].path).toMatch(/^task\.x\.x\.x/);
  });

  it('refuses 200,000-deep YAML nesting without overflowing the stack', { timeout: 15_000 }, () => {
    const text = `name: d\nx: ${'['.repeat(120_000)}${']'.repeat(120_000)}`;
    expect(messageAt(issuesOf(() => parseSweepSpec(text)), '')).toMatch(/nested deeper/);
  });

  it('refuses cycles, class instances, non-finite numbers and __proto__ keys in objects', () => {
    const cyclic: Record<string, unknown> = { kind: 'x' };
    cyclic.self = cyclic;
    expect(issuesOf(() => parseSweepSpec({ ...minimal, task: cyclic }))[0].message).toMatch(/nested deeper/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, task: { kind: 'x', when: new Date() } })), 'task.when')).toMatch(/not a Date/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, task: { kind: 'x', n: Infinity } })), 'task.n')).toMatch(/finite/);
    const proto = JSON.parse('{"name":"p","params":{"__proto__":{"x":1}}}') as unknown;
    expect(messageAt(issuesOf(() => parseSweepSpec(proto)), 'params.__proto__')).toMatch(/not allowed/);
  });

  it('refuses a NUL character or a lone surrogate in a value or a key, naming where (Postgres cannot store them: fuzz seeds 20261209, 77)', () => {
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, params: { q: [0.1, 'a\u0000b'] } })), 'params.q[1]')).toMatch(/NUL character/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, task: { kind: 'x', heldOut: '\ud800' } })), 'task.heldOut')).toMatch(/lone surrogate/);
    const [key] = issuesOf(() => parseSweepSpec('name: x\nparams: {"k\\0": 1}\n'));
    expect(key).toMatchObject({ path: expect.stringMatching(/^params\[/), message: expect.stringMatching(/key must not contain the NUL/) });
  });

  it('reports YAML syntax errors with line and column, and refuses several documents', () => {
    expect(messageAt(issuesOf(() => parseSweepSpec('name: a\nname: b\n')), '')).toMatch(/unique.*line 2, column 1/);
    expect(messageAt(issuesOf(() => parseSweepSpec('name: a\n---\nname: b\n')), '')).toMatch(/more than one document/);
    expect(messageAt(issuesOf(() => parseSweepSpec('name: a\nx: !!binary aGVsbG8=\n')), '')).toMatch(/tag/i);
    expect(messageAt(issuesOf(() => parseSweepSpec('')), '')).toMatch(/empty/);
    expect(messageAt(issuesOf(() => parseSweepSpec('just text')), '')).toBe('must be a mapping (got "just text")');
  });

  it('rejects bad options as programming errors', () => {
    expect(() => parseSweepSpec(DESIGN_SPEC, { maxDepth: 0 })).toThrow(/maxDepth must be an integer/);
    expect(() => parseSweepSpec(DESIGN_SPEC, { maxDepth: 0 })).not.toThrow(SpecError);
  });
});

describe('parseSweepSpec: each error names its field', () => {
  it('wrong type', () => {
    const issues = issuesOf(() => parseSweepSpec({ ...minimal, adapter: { rank: [1, 'two', -2] } }));
    expect(issues).toEqual([
      { path: 'adapter.rank[1]', message: 'must be a positive integer (got "two")' },
      { path: 'adapter.rank[2]', message: 'must be a positive integer (got -2)' },
    ]);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, adapter: { u: 1.5 } })), 'adapter.u')).toBe('must be a positive integer (got 1.5)');
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, budget: { maxTrials: 2_000_000 } })), 'budget.maxTrials')).toMatch(/1 to 1,000,000/);
  });

  it('missing required fields', () => {
    expect(issuesOf(() => parseSweepSpec({}))).toEqual([{ path: 'name', message: 'required' }]);
    const issues = issuesOf(() => parseSweepSpec({ name: 'x' }));
    expect(issues.map((i) => i.path)).toEqual(['model', 'task', 'adapter']);
    expect(messageAt(issues, 'model')).toMatch(/required when backend.kind is 'tinylora'/);
  });

  it('unknown keys, with a suggestion when one is close', () => {
    const issues = issuesOf(() => parseSweepSpec({ ...minimal, adapter: { rnak: 2, foo: 1 }, budjet: {} }));
    expect(messageAt(issues, 'adapter.rnak')).toBe('unknown key (did you mean "rank"?)');
    expect(messageAt(issues, 'adapter.foo')).toMatch(/^unknown key; allowed: modules, layers, rank, u, tie, alpha, method$/);
    expect(messageAt(issues, 'budjet')).toBe('unknown key (did you mean "budget"?)');
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, adapter: { tie: [{ mode: 'none' }, { mode: 'tiled', m: 2 }] } })), 'adapter.tie[1].m')).toMatch(/unknown key/);
  });

  it('bad layer selectors', () => {
    const issues = issuesOf(() => parseSweepSpec({ ...minimal, adapter: { layers: ['all', 'last:0', 'lst:3', '5-2', [1, -1]] } }));
    expect(messageAt(issues, 'adapter.layers[1]')).toBe('invalid layer selector "last:0": k must be between 1 and 4096');
    expect(messageAt(issues, 'adapter.layers[2]')).toMatch(/^invalid layer selector "lst:3"; use all, first:k/);
    expect(messageAt(issues, 'adapter.layers[3]')).toMatch(/start must not exceed end/);
    expect(messageAt(issues, 'adapter.layers[4][1]')).toMatch(/block index/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, adapter: { layers: 'every:0' } })), 'adapter.layers')).toMatch(/k must be/);
  });

  it('bad tie modes and module names', () => {
    const issues = issuesOf(() =>
      parseSweepSpec({ ...minimal, adapter: { tie: [{ mode: 'tild', n: 2 }, { mode: 'tiled' }, 'tiled:x'], modules: [['q', 'qq'], 'all'] } }),
    );
    expect(messageAt(issues, 'adapter.tie[0].mode')).toBe('must be one of none, tiled, structured, full (got "tild")');
    expect(messageAt(issues, 'adapter.tie[1].n')).toMatch(/required for mode tiled/);
    expect(messageAt(issues, 'adapter.tie[2]')).toMatch(/invalid tie "tiled:x"/);
    expect(messageAt(issues, 'adapter.modules[0][1]')).toMatch(/unknown module "qq"; use q, k, v, o, gate, up, down or all/);
  });

  it('a command placeholder that names no param', () => {
    const issues = issuesOf(() =>
      parseSweepSpec({
        name: 'cmd',
        backend: { kind: 'command', command: ['python3', 'train.py', '--lr', '{lrr}', '--rank', '{adapter.rank}', '--cfg', '{"json": true}'] },
        params: { lr: [0.1, 0.01] },
      }),
    );
    expect(issues).toHaveLength(2);
    expect(messageAt(issues, 'backend.command[3]')).toMatch(/^placeholder \{lrr\} names no parameter \(did you mean \{lr\}\?\)/);
    expect(messageAt(issues, 'backend.command[5]')).toMatch(/placeholder \{adapter.rank\} names no parameter/);
  });

  it('bad durations, seeds, search kinds and param distributions', () => {
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, budget: { trialTimeout: '30 minutes' } })), 'budget.trialTimeout')).toMatch(/invalid duration "30 minutes"/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, budget: { trialTimeout: '30d' } })), 'budget.trialTimeout')).toMatch(/between 1ms and 7d/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, seeds: [1, 2, 1] })), 'seeds[2]')).toMatch(/listed twice/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, seeds: -1 })), 'seeds')).toMatch(/a seed, an integer from 0/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, search: { kind: 'asha' } })), 'search.minIterations')).toBe('required');
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, search: { kind: 'hyperband' } })), 'search.kind')).toMatch(/must be 'grid' or 'random' or 'asha' or 'tpe' or 'pareto'/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, search: { kind: 'grdi' } })), 'search.kind')).toMatch(/did you mean 'grid'/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, search: { kind: 'random' } })), 'search.n')).toBe('required');
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, params: { lr: { uniform: [1, 0] } }, search: { kind: 'random', n: 2 } })), 'params.lr.uniform')).toMatch(/low < high/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, params: { lr: { normal: [0, 1] } }, search: { kind: 'random', n: 2 } })), 'params.lr.normal')).toMatch(/unknown distribution/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, params: { lr: { uniform: [0, 1] } } })), 'params.lr')).toMatch(/needs a search that samples \(search.kind: random or tpe/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, params: { seed: 3 } })), 'params.seed')).toMatch(/reserved/);
    expect(messageAt(issuesOf(() => parseSweepSpec({ ...minimal, params: { lr: [[1, 2]] } })), 'params.lr[0]')).toMatch(/nested lists/);
  });

  it('summarises the issues in the error message', () => {
    expect(() => parseSweepSpec({ ...minimal, adapter: { rank: [1, -2] } })).toThrow('invalid sweep spec: adapter.rank[1]: must be a positive integer (got -2)');
  });
});
