import { describe, expect, it } from 'vitest';
import { newerSweep, takeEvents } from './live';

const at = (status: string, updatedAt: string) => ({ status, updatedAt });

describe('newerSweep', () => {
  it('keeps the later copy of a sweep, whichever arrives last', () => {
    const running = at('running', '2026-11-28T10:00:00.100Z');
    const completed = at('completed', '2026-11-28T10:00:00.250Z');
    expect(newerSweep(undefined, running)).toBe(running);
    expect(newerSweep(running, completed)).toBe(completed);
    // A GET answered before the sweep finished, arriving after the stream's final summary.
    expect(newerSweep(completed, running)).toBe(completed);
  });

  it('takes the one received last on a tie (its counts were read later)', () => {
    const a = at('running', '2026-11-28T10:00:00.100Z');
    const b = at('running', '2026-11-28T10:00:00.100Z');
    expect(newerSweep(a, b)).toBe(b);
  });
});

describe('takeEvents', () => {
  it('splits a stream into the data of complete events, keeping the rest for later', () => {
    expect(takeEvents('id: 1\ndata: {"a":1}\n\ndata: {"b"')).toEqual({ events: ['{"a":1}'], rest: 'data: {"b"' });
    expect(takeEvents('data: {"b":2}\r\n\r\n: comment\n\ndata:x\ndata:y\n\n')).toEqual({ events: ['{"b":2}', 'x\ny'], rest: '' });
  });
});
