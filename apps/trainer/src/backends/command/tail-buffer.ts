/** Keeps the last `limit` bytes of a text stream (the stderr tail a failure reports). */
export class TailBuffer {
  private text = '';

  constructor(private readonly limit = 4096) {}

  push(chunk: Buffer | string): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (this.text.length > 2 * this.limit) this.text = this.text.slice(-this.limit);
  }

  /** The tail, at most `limit` bytes, trimmed, starting at a character boundary. */
  toString(): string {
    const bytes = Buffer.from(this.text, 'utf8');
    const tail = bytes.length > this.limit ? bytes.subarray(bytes.length - this.limit).toString('utf8').replace(/^\uFFFD+/, '') : this.text;
    return tail.trim();
  }
}
