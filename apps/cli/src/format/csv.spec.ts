import { describe, expect, it } from 'vitest';
import { trial } from '../testing/trials.js';
import { csvField, csvRecord, trialsToCsv } from './csv.js';

/** A small RFC 4180 reader, to check the writer round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    }
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('csvField', () => {
  it('leaves plain text alone', () => {
    expect(csvField('tiled')).toBe('tiled');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(true)).toBe('true');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });

  it('quotes commas, quotes, CR and LF, doubling inner quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line1\nline2')).toBe('"line1\nline2"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('["q","k"]')).toBe('"[""q"",""k""]"');
  });

  it('does not quote leading spaces or other punctuation', () => {
    expect(csvField(' x;y ')).toBe(' x;y ');
  });
});

describe('csvRecord', () => {
  it('joins fields with commas and ends with CRLF', () => {
    expect(csvRecord(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"\r\n');
  });
});

describe('trialsToCsv', () => {
  const trials = [
    trial({
      params: { adapter: { rank: 2, modules: ['q', 'k'] }, note: 'has, comma' },
      metrics: { score: 0.812345678, loss: 1.5 },
      trainableParams: 13,
      effectiveParams: 9,
    }),
    trial({ status: 'failed', params: { adapter: { rank: 4 }, prune: { threshold: 0.1 } }, error: 'OOM: "CUDA"\nout of memory' }),
  ];

  it('has a header with fixed columns, then params.* and metrics.* (primary metric first)', () => {
    const [header] = parseCsv(trialsToCsv(trials, 'score'));
    expect(header!.slice(0, 4)).toEqual(['id', 'ordinal', 'status', 'seed']);
    expect(header![14]).toBe('reusedFromTrialId');
    expect(header!.slice(15)).toEqual([
      'params.adapter.rank',
      'params.adapter.modules',
      'params.note',
      'params.prune.threshold',
      'metrics.score',
      'metrics.loss',
    ]);
  });

  it('writes one record per trial that round-trips through an RFC 4180 reader', () => {
    const text = trialsToCsv(trials, 'score');
    const rows = parseCsv(text);
    expect(rows).toHaveLength(3);
    const header = rows[0]!;
    const get = (row: string[], col: string) => row[header.indexOf(col)];
    expect(get(rows[1]!, 'params.adapter.modules')).toBe('["q","k"]');
    expect(get(rows[1]!, 'params.note')).toBe('has, comma');
    expect(get(rows[1]!, 'metrics.score')).toBe('0.812345678');
    expect(get(rows[1]!, 'trainableParams')).toBe('13');
    expect(get(rows[1]!, 'params.prune.threshold')).toBe('');
    expect(get(rows[2]!, 'error')).toBe('OOM: "CUDA"\nout of memory');
    expect(get(rows[2]!, 'metrics.score')).toBe('');
    expect(get(rows[2]!, 'params.prune.threshold')).toBe('0.1');
    expect(rows.every((r) => r.length === header.length)).toBe(true);
    // Every record ends with CRLF, including the last.
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('writes only the header for no trials', () => {
    expect(trialsToCsv([], 'score').split('\r\n')).toEqual([expect.stringContaining('id,ordinal,status'), '']);
  });
});
