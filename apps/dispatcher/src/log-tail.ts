/** The last lines a training printed, kept for the trial's error and the board's log view. */
export class LogTail {
  private readonly lines: string[] = [];

  constructor(private readonly maxLines = 60, private readonly maxLineChars = 2000) {}

  push(stream: string, line: string): void {
    const text = line.length > this.maxLineChars ? `${line.slice(0, this.maxLineChars)}…` : line;
    this.lines.push(stream === 'stdout' ? text : `[${stream}] ${text}`);
    if (this.lines.length > this.maxLines) this.lines.shift();
  }

  toString(): string {
    return this.lines.join('\n');
  }

  get empty(): boolean {
    return this.lines.length === 0;
  }
}
