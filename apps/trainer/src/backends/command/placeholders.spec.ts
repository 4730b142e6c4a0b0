import { describe, expect, it } from 'vitest';
import { commandArgv, parseCommandSpec } from './command-spec.js';
import { expandArg, expandArgv, lookupParam } from './placeholders.js';

const ctx = { trial_id: 't1', sweep_id: 's1', attempt: 2, params_file: '/tmp/p.json' };

describe('placeholders', () => {
  const params = { lr: 0.1, adapter: { rank: 2, tie: { mode: 'tiled', n: 16 } }, layers: ['last:8'], seed: 3, 'a.b': 'flat', off: false, none: null };

  it('replaces names, dotted names and reserved names', () => {
    expect(expandArgv(['--lr={lr}', '{adapter.rank}', '{adapter.tie.mode}-{adapter.tie.n}', '{seed}', '{trial_id}:{sweep_id}:{attempt}', '{params_file}'], params, ctx)).toEqual([
      '--lr=0.1',
      '2',
      'tiled-16',
      '3',
      't1:s1:2',
      '/tmp/p.json',
    ]);
  });

  it('writes objects, arrays and null as JSON, booleans as text', () => {
    expect(expandArg('{adapter.tie}', params, ctx)).toBe('{"mode":"tiled","n":16}');
    expect(expandArg('{layers}', params, ctx)).toBe('["last:8"]');
    expect(expandArg('{none}', params, ctx)).toBe('null');
    expect(expandArg('{off}', params, ctx)).toBe('false');
  });

  it('prefers a flat key with dots over a path', () => {
    expect(lookupParam(params, 'a.b')).toBe('flat');
  });

  it('leaves JSON-looking text alone and throws on a name that resolves to nothing', () => {
    expect(expandArg('{"x": 1}', params, ctx)).toBe('{"x": 1}');
    expect(() => expandArg('--x={adapter.nope}', params, ctx)).toThrow(/\{adapter.nope\}/);
  });

  it('splits a string command on whitespace, before substitution', () => {
    const spec = parseCommandSpec({ kind: 'command', command: '  python  train.py --name {name} ' });
    expect(commandArgv(spec)).toEqual(['python', 'train.py', '--name', '{name}']);
    expect(expandArgv(commandArgv(spec), { name: 'two words' }, ctx)).toEqual(['python', 'train.py', '--name', 'two words']);
  });

  it('validates the backend section', () => {
    expect(() => parseCommandSpec({ kind: 'command', command: [] })).toThrow(/command/);
    expect(() => parseCommandSpec({ kind: 'tinylora', command: 'x' })).toThrow(/kind/);
    expect(parseCommandSpec({ command: ['x'], env: { A: 1, B: true } }).env).toEqual({ A: '1', B: 'true' });
  });
});
