import { describe, expect, it } from 'vitest';
import { parseSweepEvent } from './api-client.js';
import { SseParser } from './sse.js';

describe('SseParser', () => {
  it('dispatches a message on a blank line', () => {
    const p = new SseParser();
    expect(p.feed('data: {"a":1}\n')).toEqual([]);
    expect(p.feed('\n')).toEqual([{ event: 'message', data: '{"a":1}' }]);
  });

  it('joins multi-line data with \\n and reads event and id fields', () => {
    const p = new SseParser();
    expect(p.feed('event: trial\nid: 7\ndata: line1\ndata:line2\n\n')).toEqual([{ event: 'trial', data: 'line1\nline2', id: '7' }]);
  });

  it('handles chunks split anywhere, including inside CRLF', () => {
    const text = 'data: one\r\n\r\ndata: two\r\n\r\n: comment\r\ndata: three\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const p = new SseParser();
      const got = [...p.feed(text.slice(0, cut)), ...p.feed(text.slice(cut))].map((m) => m.data);
      expect(got, `cut at ${cut}`).toEqual(['one', 'two', 'three']);
    }
  });

  it('treats a lone CR as a line end', () => {
    const p = new SseParser();
    expect(p.feed('data: x\r\r').map((m) => m.data)).toEqual(['x']);
  });

  it('ignores comments, unknown fields and events without data', () => {
    const p = new SseParser();
    expect(p.feed(': ping\n\nretry: 1000\nevent: noop\n\nfoo: bar\ndata: y\n\n')).toEqual([{ event: 'message', data: 'y' }]);
  });

  it('keeps an unfinished message until its blank line arrives', () => {
    const p = new SseParser();
    expect(p.feed('data: partial')).toEqual([]);
    expect(p.feed('\n\n')).toEqual([{ event: 'message', data: 'partial' }]);
  });
});

describe('parseSweepEvent', () => {
  it('accepts trial and sweep events and skips anything else', () => {
    expect(parseSweepEvent('{"type":"trial","trial":{"id":"t"}}')).toEqual({ type: 'trial', trial: { id: 't' } });
    expect(parseSweepEvent('{"type":"sweep","sweep":{"id":"s"}}')).toEqual({ type: 'sweep', sweep: { id: 's' } });
    expect(parseSweepEvent('{"type":"ping"}')).toBeUndefined();
    expect(parseSweepEvent('{"type":"trial"}')).toBeUndefined();
    expect(parseSweepEvent('not json')).toBeUndefined();
    expect(parseSweepEvent('null')).toBeUndefined();
  });
});
