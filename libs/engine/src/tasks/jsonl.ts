/** Reading JSON Lines files: the task loaders' one piece of I/O. */
import { readFile } from 'node:fs/promises';

/** One parsed line. */
export interface JsonlRecord {
  /** 1-based line number, for error messages and ids. */
  line: number;
  value: unknown;
}

/** Parses every non-blank line of a `.jsonl` file; a bad line throws `path:line: …`. */
export async function readJsonl(path: string): Promise<JsonlRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseJsonl(text, path);
}

/** Parses JSON Lines text; `source` names it in errors. */
export function parseJsonl(text: string, source: string): JsonlRecord[] {
  const out: JsonlRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      out.push({ line: i + 1, value: JSON.parse(line) as unknown });
    } catch (err) {
      // Not JSON.parse's message: it quotes the text, and errors reach users (a trial's error). A
      // file that is not JSON Lines (a path pointed at /etc/passwd) must not show its contents.
      // eslint-disable-next-line preserve-caught-error -- the cause quotes the file; it must not travel with the error
      throw new Error(`${source}:${i + 1}: invalid JSON${jsonErrorPosition(err)}`);
    }
  }
  return out;
}

/** ` at column N` from a JSON.parse SyntaxError, or '' (never the text it quotes). */
export function jsonErrorPosition(err: unknown): string {
  const m = /line \d+ column (\d+)/.exec((err as Error).message) ?? /at position (\d+)/.exec((err as Error).message);
  return m ? ` at column ${m[1]}` : '';
}

/** `value` as a plain object, or an error naming where it came from. */
export function asObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/** `obj[key]` as a string, or an error naming the field. */
export function stringField(obj: Record<string, unknown>, key: string, where: string): string {
  const v = obj[key];
  if (typeof v !== 'string') throw new Error(`${where}: field "${key}" must be a string`);
  return v;
}
