/**
 * The cases the API fuzz sends, generated with fast-check from a seed: mutations of valid specs
 * (command, tinylora, and every search kind) — wrong types, boundary numbers, huge and empty lists,
 * unicode, deep nesting, unknown and missing keys — sent as JSON or as YAML with YAML's own features
 * (anchors and merges, duplicate keys, tags, several documents, anchor bombs, YAML 1.1 spellings);
 * and query strings for every GET route.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

export type FuzzCase =
  | { kind: 'spec'; contentType: string; body: string; /** What was done to the spec, for the report. */ how: string }
  | { kind: 'query'; path: string; how: string };

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Valid specs the mutations start from. */
export const BASE_SPECS: Record<string, { [k: string]: Json }> = {
  command: {
    name: 'fuzz-command',
    backend: { kind: 'command', command: ['node', 'test/fixtures/slow-program.mjs', '--lr', '{lr}'] },
    params: { lr: [0.02, 0.05], width: [4, 16], steps: 3 },
    seeds: [1, 2],
    objective: { metric: 'score', mode: 'max' },
    budget: { maxTrials: 100, trialTimeout: '2m', retries: 2 },
  },
  tinylora: {
    name: 'fuzz-tinylora',
    backend: { kind: 'tinylora' },
    model: { path: 'models/demo-arith' },
    task: { kind: 'arithmetic', ops: ['*'], min: 10, max: 99, heldOut: 'models/demo-arith/heldout.jsonl', evalSize: 100, maxNewTokens: 24 },
    adapter: { modules: 'all', layers: ['last:1', 'all'], rank: [1, 2], u: 13, tie: 'full' },
    prune: { threshold: [0, 0.3] },
    optimizer: { kind: 'es', population: 32, sigma: 0.15, lr: 0.1, iterations: 30, batch: 8 },
    seeds: [1, 2],
    objective: { metric: 'score', mode: 'max' },
    budget: { maxTrials: 24, trialTimeout: '5m', retries: 1 },
  },
  random: {
    name: 'fuzz-random',
    backend: { kind: 'command', command: ['node', 'test/fixtures/curve-program.mjs'] },
    params: { q: [0.1, 0.2, 0.3, 0.4], size: [1, 2, 4] },
    search: { kind: 'random', n: 5, seed: 3 },
    seeds: [1],
    objective: { metric: 'score', mode: 'max' },
    budget: { maxTrials: 50, trialTimeout: '1m', retries: 0 },
  },
  asha: {
    name: 'fuzz-asha',
    backend: { kind: 'command', command: ['node', 'test/fixtures/curve-program.mjs'] },
    params: { q: [0.1, 0.5, 0.9], steps: 9 },
    search: { kind: 'asha', minIterations: 1, eta: 3, metric: 'acc' },
    seeds: [1],
    objective: { metric: 'score', mode: 'max' },
    budget: { maxTrials: 50, trialTimeout: '1m', retries: 0 },
  },
  pareto: {
    name: 'fuzz-pareto',
    backend: { kind: 'command', command: ['node', 'test/fixtures/curve-program.mjs'] },
    params: { q: [0.1, 0.5, 0.9], size: [1, 2, 4, 8] },
    search: { kind: 'pareto', n: 3, parallel: 2 },
    seeds: [1],
    objective: { metric: 'score', mode: 'max' },
    budget: { maxTrials: 12, trialTimeout: '1m', retries: 0 },
  },
};

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '💥🧪',
  '\u202egnp.exe',
  'Ω≈ç√∫',
  '\ud800',
  'x'.repeat(5000),
  '../../etc/passwd',
  '/etc/shadow',
  '{lr}',
  '{__proto__}',
  '__proto__',
  'constructor',
  '%s%s%n',
  "'; DROP TABLE sweep; --",
  '1e21',
  'NaN',
  '-0',
  'true',
  'null',
  '5m',
  '-5m',
  '999999999999h',
  'last:0',
  'last:-1',
  'every:0',
  'all',
];
const BOUNDARY_NUMBERS = [0, -0, 1, -1, 0.5, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53 + 2, -(2 ** 53), 1e21, 1e308, -1e308, 5e-324, 1e-7, 3.14159];

function nested(depth: number, leaf: Json): Json {
  let v: Json = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { a: v };
  return v;
}

/** A value that is likely wrong where it lands. */
const weirdValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(...NASTY_STRINGS),
  fc.constantFrom<Json>(...BOUNDARY_NUMBERS),
  fc.constantFrom<Json>(true, false, null, [], {}, [[]], [{}], [null], ['a', 1, null, true]),
  fc.integer({ min: 1, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => i) as Json), // huge lists (and grids)
  fc.integer({ min: 1, max: 200 }).chain((d) => fc.constant(nested(d, 1))), // deep nesting
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), { maxKeys: 4 }) as fc.Arbitrary<Json>,
);

/**
 * Every path (as keys) into a JSON value, containers included, in depth-first pre-order. Iterative: a
 * mutation can land inside an earlier mutation's deep nesting (up to 3 × 200 levels).
 */
function paths(v: Json): (string | number)[][] {
  const out: (string | number)[][] = [];
  const stack: [Json, (string | number)[]][] = [[v, []]];
  while (stack.length > 0) {
    const [node, prefix] = stack.pop()!;
    out.push(prefix);
    const children: [string | number, Json][] = Array.isArray(node)
      ? node.map((x, i): [number, Json] => [i, x])
      : node !== null && typeof node === 'object'
        ? Object.entries(node)
        : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]![1], [...prefix, children[i]![0]]]);
  }
  return out;
}

type Mutation = { op: 'set'; at: number; value: Json } | { op: 'delete'; at: number } | { op: 'rename'; at: number; to: string } | { op: 'add'; at: number; key: string; value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: weirdValue }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rename' as const), at: fc.nat(), to: fc.constantFrom('nmae', 'Params', 'seed', 'extra', '__proto__', 'constructor', '💥', '') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('add' as const), at: fc.nat(), key: fc.constantFrom('extra', 'kind', 'env', '__proto__', 'x.y', '$ref', ''), value: weirdValue }) },
);

function apply(spec: { [k: string]: Json }, m: Mutation): string {
  const all = paths(spec);
  const path = all[m.at % all.length]!;
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1];
  let parent: Json = spec;
  for (const k of parentPath) parent = (parent as Record<string | number, Json>)[k]!;
  const where = path.join('.') || '(root)';
  const container = parent as Record<string | number, Json>;
  switch (m.op) {
    case 'set':
      if (key === undefined) return 'set root (skipped)';
      container[key] = structuredClone(m.value); // a copy: arbitraries share their constants between cases
      return `set ${where}`;
    case 'delete':
      if (key === undefined) return 'delete root (skipped)';
      if (Array.isArray(container)) container.splice(Number(key), 1);
      else delete container[key];
      return `delete ${where}`;
    case 'rename':
      if (key === undefined || Array.isArray(container)) return 'rename (skipped)';
      Object.defineProperty(container, m.to, { value: container[key], enumerable: true, configurable: true, writable: true });
      delete container[key];
      return `rename ${where} → ${m.to}`;
    case 'add': {
      const target = (key === undefined ? spec : (container[key] as Json)) as Json;
      if (target === null || typeof target !== 'object' || Array.isArray(target)) return 'add (skipped)';
      Object.defineProperty(target, m.key, { value: structuredClone(m.value), enumerable: true, configurable: true, writable: true });
      return `add ${where}.${m.key}`;
    }
  }
}

/** YAML text with one of YAML's own features worked in (each one the parser must survive or refuse by name). */
const yamlFeature: fc.Arbitrary<{ name: string; edit: (yaml: string, spec: { [k: string]: Json }) => string }> = fc.constantFrom(
  { name: 'plain', edit: (y: string) => y },
  { name: 'duplicate key', edit: (y: string) => `${y}name: again\n` },
  { name: 'two documents', edit: (y: string) => `${y}---\nname: second\n` },
  { name: 'anchor and merge', edit: (y: string) => `base: &b { retries: 1 }\n${y.replace(/^budget:/m, 'budget:\n  <<: *b\n  _:')}` },
  { name: 'alias', edit: (y: string) => `seeds: &s [1, 2]\nextra: *s\n${y.replace(/^seeds:.*$/m, '')}` },
  {
    name: 'anchor bomb',
    edit: (y: string) => `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n${y}`,
  },
  { name: 'binary tag', edit: (y: string) => y.replace(/^name: .*$/m, 'name: !!binary aGVsbG8=') },
  { name: 'timestamp', edit: (y: string) => y.replace(/^name: .*$/m, 'name: 2001-12-14t21:59:43.10-05:00') },
  { name: 'set tag', edit: (y: string) => `${y}tags: !!set { a, b }\n` },
  { name: 'custom tag', edit: (y: string) => y.replace(/^name: .*$/m, 'name: !python/object:os.system ls') },
  { name: 'yaml 1.1 booleans', edit: (y: string) => `${y}reuse: yes\n` },
  { name: 'octal and hex', edit: (y: string) => y.replace(/retries: \d+/, 'retries: 0o17').replace(/maxTrials: \d+/, 'maxTrials: 0x1F') },
  { name: 'special floats', edit: (y: string) => y.replace(/maxTrials: \d+/, 'maxTrials: .inf') },
  { name: 'tabs', edit: (y: string) => y.replace(/\n {2}/g, '\n\t') },
  { name: 'bom', edit: (y: string) => `\ufeff${y}` },
  { name: 'flow mapping', edit: (_y: string, s: { [k: string]: Json }) => JSON.stringify(s) },
  { name: 'block scalar name', edit: (y: string) => y.replace(/^name: .*$/m, 'name: |\n  multi\n  line') },
  { name: 'unclosed', edit: (y: string) => `${y}params: { lr: [0.1, 0.2\n` },
  { name: 'directive', edit: (y: string) => `%YAML 1.1\n---\n${y}` },
  { name: 'truncated', edit: (y: string) => y.slice(0, Math.floor(y.length / 2)) },
);

/** Spec cases: a base spec, 1–3 mutations, sent as JSON or YAML (or not quite either). */
export const specCase: fc.Arbitrary<FuzzCase> = fc
  .record({
    base: fc.constantFrom(...Object.keys(BASE_SPECS)),
    mutations: fc.array(mutation, { minLength: 0, maxLength: 3 }),
    format: fc.constantFrom('json', 'json', 'yaml', 'yaml', 'text', 'garbage'),
    feature: yamlFeature,
    garbage: fc.string({ unit: 'binary', maxLength: 200 }),
  })
  .map(({ base, mutations, format, feature, garbage }) => {
    const spec = structuredClone(BASE_SPECS[base]!);
    const done = mutations.map((m) => apply(spec, m));
    const how = `${base}: ${done.join(', ') || 'unchanged'}`;
    if (format === 'json') return { kind: 'spec', contentType: 'application/json', body: JSON.stringify(spec), how: `${how} (json)` };
    if (format === 'garbage') return { kind: 'spec', contentType: garbage.length % 2 ? 'application/json' : 'application/yaml', body: garbage, how: 'garbage' };
    const yaml = stringify(spec, { aliasDuplicateObjects: false });
    return {
      kind: 'spec',
      contentType: format === 'text' ? 'text/yaml' : 'application/yaml',
      body: feature.edit(yaml, spec),
      how: `${how} (yaml: ${feature.name})`,
    };
  });

/** Query parameter names the routes read, and some they do not. */
const QUERY_NAMES = ['limit', 'offset', 'sort', 'order', 'status', 'metric', 'x', 'y', 'top', 'trialIds', 'values', 'as', 'groupHash', 'reproduces', 'params.x', 'params.adapter.rank', 'bins', 'n', 'fields', 'q', '__proto__', 'a[b]', 'a[]', 'sort[0]'];
const QUERY_VALUES = [
  '1',
  '0',
  '-1',
  '1e21',
  '1e308',
  '9007199254740993',
  'NaN',
  'Infinity',
  '0x10',
  ' 7',
  '',
  'asc',
  'desc',
  'succeeded',
  'metrics.score',
  'params.lr',
  'params.',
  'startedAt',
  'true',
  'false',
  'origin',
  '%00',
  '%FF',
  '%E2%80%AE',
  '💥',
  'x'.repeat(3000),
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  '[]',
  '{}',
  'null',
];

/** GET cases: a route (path parameters filled with real ids, a stranger's id or junk) and a random query. */
export function queryCase(routes: string[], ids: Record<string, string[]>): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      route: fc.constantFrom(...routes),
      id: fc.constantFrom('real', 'real', 'real', 'stranger', 'junk', 'traversal'),
      pick: fc.nat(),
      query: fc.array(fc.tuple(fc.constantFrom(...QUERY_NAMES), fc.oneof(fc.constantFrom(...QUERY_VALUES), fc.string({ maxLength: 30 }))), { maxLength: 5 }),
    })
    .map(({ route, id, pick, query }) => {
      const path = route.replace(/\{(\w+)\}/g, (_m, name: string) => {
        const pool = ids[route.startsWith('/trials') ? 'trial' : route.startsWith('/schedules') ? 'schedule' : 'sweep'] ?? [];
        if (id === 'real' && pool.length > 0) return pool[pick % pool.length]!;
        if (id === 'stranger') return '3f1e9b62-0c4a-4d55-9d1e-7b1c2a3d4e5f';
        if (id === 'traversal') return '..%2F..%2Fetc%2Fpasswd';
        return encodeURIComponent(`${name}-💥-${pick}`);
      });
      const qs = query.map(([k, v]) => `${encodeURIComponent(k).replace('%5B', '[').replace('%5D', ']')}=${v.startsWith('%') ? v : encodeURIComponent(v)}`).join('&');
      return { kind: 'query' as const, path: qs ? `${path}?${qs}` : path, how: `GET ${route}` };
    });
}
