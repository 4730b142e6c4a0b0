/** Output streams that collect what the CLI writes, optionally posing as a terminal. */
import { PassThrough, Writable } from 'node:stream';
import type { Io } from '../context.js';

export class CaptureStream extends Writable {
  text = '';
  isTTY: boolean;
  columns: number | undefined;

  constructor(opts: { tty?: boolean; columns?: number } = {}) {
    super({ decodeStrings: false });
    this.isTTY = opts.tty ?? false;
    this.columns = opts.columns;
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    done();
  }
}

export interface CapturedIo extends Io {
  stdout: CaptureStream;
  stderr: CaptureStream;
  stdin: PassThrough;
}

export function captureIo(opts: { tty?: boolean; columns?: number; stdin?: string } = {}): CapturedIo {
  const stdin = new PassThrough();
  stdin.end(opts.stdin ?? '');
  return { stdout: new CaptureStream(opts), stderr: new CaptureStream(), stdin };
}

/**
 * Replays the ANSI sequences cli-progress and readline emit (cursor up, column, clear right, clear down,
 * CR, LF) onto a grid, giving the screen a user would see.
 */
export function renderScreen(output: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  let col = 0;
  const put = (ch: string): void => {
    while (lines.length <= row) lines.push('');
    const line = lines[row]!.padEnd(col, ' ');
    lines[row] = line.slice(0, col) + ch + line.slice(col + 1);
    col++;
  };
  for (let i = 0; i < output.length; i++) {
    const ch = output[i]!;
    if (ch === '\x1b' && output[i + 1] === '[') {
      const m = /^(\??)(\d*)(?:;(\d*))?([A-Za-z])/.exec(output.slice(i + 2));
      if (m === null) continue;
      i += m[0].length + 1;
      const [, priv, a, , cmd] = m;
      if (priv === '?') continue;
      const n = a === '' ? 1 : Number(a);
      if (cmd === 'A') row = Math.max(0, row - n);
      else if (cmd === 'B') row += n;
      else if (cmd === 'G') col = n - 1;
      else if (cmd === 'K') lines[row] = (lines[row] ?? '').slice(0, col);
      else if (cmd === 'J') {
        lines[row] = (lines[row] ?? '').slice(0, col);
        lines.length = row + 1;
      }
      continue;
    }
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      row++;
      col = 0;
      while (lines.length <= row) lines.push('');
    } else put(ch);
  }
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines.map((l) => l.trimEnd());
}
