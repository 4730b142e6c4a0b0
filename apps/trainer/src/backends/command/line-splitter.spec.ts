import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';

function split(chunks: (string | Buffer)[], max?: number): [string, boolean][] {
  const lines: [string, boolean][] = [];
  const splitter = new LineSplitter((line, cut) => lines.push([line, cut]), max);
  for (const c of chunks) splitter.push(typeof c === 'string' ? Buffer.from(c) : c);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it('joins partial lines across chunks and flushes the last one', () => {
    expect(split(['ab', 'c\nde', 'f\r\n', '\n', 'tail'])).toEqual([
      ['abc', false],
      ['def', false],
      ['', false],
      ['tail', false],
    ]);
  });

  it('decodes UTF-8 split across chunks', () => {
    const bytes = Buffer.from('héllo ✓\n');
    expect(split([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)])).toEqual([['héllo ✓', false]]);
  });

  it('cuts a huge line once and skips its remainder', () => {
    expect(split(['0123', '4567', '89\nnext\n'], 5)).toEqual([
      ['01234', true],
      ['next', false],
    ]);
    expect(split(['0123456789\nok'], 5)).toEqual([
      ['01234', true],
      ['ok', false],
    ]);
  });
});
