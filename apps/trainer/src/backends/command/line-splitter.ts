import { StringDecoder } from 'node:string_decoder';

/** Longest line kept, in UTF-16 code units (~64 KB); the rest of a longer line is dropped. */
export const MAX_LINE_LENGTH = 64 * 1024;

/**
 * Turns a byte stream into lines: UTF-8 decoded across chunk boundaries, `\n` or `\r\n`
 * terminated, a last line without newline flushed by end(). A line longer than `maxLength` is
 * delivered once, cut to `maxLength` with `truncated = true`, and its remainder is skipped, so a
 * runaway line costs bounded memory.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private skipping = false;

  constructor(
    private readonly onLine: (line: string, truncated: boolean) => void,
    private readonly maxLength = MAX_LINE_LENGTH,
  ) {}

  push(chunk: Buffer | string): void {
    this.consume(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
  }

  end(): void {
    this.consume(this.decoder.end());
    if (!this.skipping && this.partial.length > 0) this.emit(this.partial);
    this.partial = '';
    this.skipping = false;
  }

  private consume(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (this.skipping) {
        this.skipping = false; // the cut line was already delivered
      } else {
        this.emit(this.partial + text.slice(start, nl));
      }
      this.partial = '';
      start = nl + 1;
    }
    if (this.skipping || start === text.length) return;
    this.partial += text.slice(start);
    if (this.partial.length > this.maxLength) {
      this.onLine(this.partial.slice(0, this.maxLength), true);
      this.partial = '';
      this.skipping = true;
    }
  }

  private emit(line: string): void {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length > this.maxLength) this.onLine(line.slice(0, this.maxLength), true);
    else this.onLine(line, false);
  }
}
