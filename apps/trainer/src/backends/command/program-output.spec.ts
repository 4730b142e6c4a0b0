import { describe, expect, it } from 'vitest';
import { parseJsonLenient, ProgramOutput } from './program-output.js';

describe('ProgramOutput', () => {
  it('classifies lines and keeps the final state', () => {
    const out = new ProgramOutput();
    expect(out.read('hello')).toEqual({ kind: 'log', line: 'hello' });
    expect(out.read('{"loss": 1, "tag": "x", "ok": true}')).toEqual({ kind: 'progress', step: 1, metrics: { loss: 1 } });
    expect(out.read('{"step": 7, "loss": 0.5}')).toEqual({ kind: 'progress', step: 7, metrics: { loss: 0.5 } });
    expect(out.read('{"loss": 0.4}')).toEqual({ kind: 'progress', step: 8, metrics: { loss: 0.4 } });
    expect(out.read('{"level": "info", "msg": "json log"}')).toEqual({ kind: 'log', line: '{"level": "info", "msg": "json log"}' });
    expect(out.read('{"trainable_params": 13, "adapter": {"v": [1]}}')).toEqual({ kind: 'info' });
    expect(out.read('{broken')).toEqual({ kind: 'log', line: '{broken' });
    expect(out.metrics).toEqual({ loss: 0.4 });
    expect(out.read('{"final": true, "acc": 0.9, "effective_params": 9}')).toEqual({ kind: 'final', metrics: { acc: 0.9 } });
    expect(out.read('{"loss": 0.1}').kind).toBe('progress');
    expect(out.metrics).toEqual({ acc: 0.9 }); // the final line wins over later metrics
    expect(out).toMatchObject({ trainableParams: 13, effectiveParams: 9, adapterJson: '{"v":[1]}' });
  });

  it('accepts Python-style NaN and Infinity outside strings only', () => {
    expect(parseJsonLenient('{"a": NaN, "b": -Infinity, "c": "NaN", "d": [Infinity]}')).toEqual({ a: NaN, b: -Infinity, c: 'NaN', d: [Infinity] });
    expect(parseJsonLenient('{"s": "say \\"NaN\\"", "x": NaN}')).toEqual({ s: 'say "NaN"', x: NaN });
    expect(() => parseJsonLenient('{"a": NaNa}')).toThrow();
  });
});
