/**
 * `parseSweepSpec`: text (YAML; JSON is YAML) or an already-parsed object → a validated, normalized
 * {@link SweepSpec}, or a {@link SpecError} listing every problem with its path.
 *
 * Specs arrive from untrusted clients, so parsing is guarded in this order, each step cheap before
 * the next one costs anything:
 *
 * 1. size: the text's UTF-8 length is checked before the YAML parser sees it;
 * 2. depth: the YAML concrete syntax tree (built iteratively, so a 100,000-deep `[[[[…` cannot
 *    overflow the stack) is measured before it is composed (composition recurses);
 * 3. aliases: yaml's `maxAliasCount` stops "billion laughs" anchor bombs while converting to JS;
 * 4. the resulting value (or a caller's object) is walked once more for depth, size and plain data;
 * 5. then the zod schema validates and normalizes.
 */
import { Composer, LineCounter, Parser, type CST } from 'yaml';
import { SpecError, type SpecIssue } from './errors/spec-error.js';
import { checkPlainData } from './plain-data.js';
import { toSpecIssues } from './schema-kit.js';
import { SweepSpecSchema, type SweepSpec } from './sweep-spec.js';

/** Limits that protect the parser from hostile specs. */
export interface ParseOptions {
  /**
   * Largest spec accepted, in bytes: UTF-8 bytes of text, or the JSON length of an object.
   * @defaultValue `262144` (256 KiB)
   */
  maxBytes?: number;
  /** Deepest nesting of mappings/lists. @defaultValue `32` */
  maxDepth?: number;
  /**
   * yaml's guard against alias expansion (anchor bombs): roughly how many times aliased content may
   * be repeated; `0` refuses every alias. @defaultValue `100`
   */
  maxAliasCount?: number;
}

/** The limits used when {@link ParseOptions} leaves one out. */
export const DEFAULT_PARSE_OPTIONS: Readonly<Required<ParseOptions>> = { maxBytes: 256 * 1024, maxDepth: 32, maxAliasCount: 100 };

/**
 * Parses and validates a sweep spec.
 *
 * @param source - YAML or JSON text (also as UTF-8 bytes), or an object already parsed from JSON.
 * @throws SpecError with every problem found, each naming its field path.
 * @throws Error when an option is not a positive integer (a programming error, not a bad spec).
 */
export function parseSweepSpec(source: string | unknown, opts: ParseOptions = {}): SweepSpec {
  const o = resolveOptions(opts);
  let data: unknown = source;
  if (source instanceof Uint8Array) data = parseYaml(decodeUtf8(source, o.maxBytes), o);
  else if (typeof source === 'string') data = parseYaml(source, o);
  const bad = checkPlainData(data, { maxDepth: o.maxDepth, maxBytes: o.maxBytes });
  if (bad) throw new SpecError([bad]);
  const parsed = SweepSpecSchema.safeParse(data);
  if (!parsed.success) throw new SpecError(toSpecIssues(parsed.error.issues));
  return parsed.data;
}

function resolveOptions(opts: ParseOptions): Required<ParseOptions> {
  const o = { ...DEFAULT_PARSE_OPTIONS };
  for (const key of ['maxBytes', 'maxDepth', 'maxAliasCount'] as const) {
    const v = opts[key];
    if (v === undefined) continue;
    const min = key === 'maxAliasCount' ? 0 : 1;
    if (!Number.isSafeInteger(v) || v < min) throw new Error(`${key} must be an integer ≥ ${min} (got ${v})`);
    o[key] = v;
  }
  return o;
}

function tooLarge(bytes: number, max: number): SpecError {
  return SpecError.at('', `spec is ${bytes.toLocaleString('en-US')} bytes, over the ${max.toLocaleString('en-US')}-byte limit (maxBytes)`);
}

function decodeUtf8(bytes: Uint8Array, maxBytes: number): string {
  if (bytes.byteLength > maxBytes) throw tooLarge(bytes.byteLength, maxBytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw SpecError.at('', 'spec is not valid UTF-8 text');
  }
}

/** YAML text → plain JS value, with the guards of steps 1–3. */
function parseYaml(text: string, o: Required<ParseOptions>): unknown {
  // A string has at least as many UTF-8 bytes as UTF-16 units, so the length alone can refuse it.
  if (text.length > o.maxBytes) throw tooLarge(Buffer.byteLength(text, 'utf8'), o.maxBytes);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > o.maxBytes) throw tooLarge(bytes, o.maxBytes);

  const lines = new LineCounter();
  const at = (offset: number): string => {
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const deep = deepestOffset(tokens, o.maxDepth);
  if (deep !== undefined) throw SpecError.at('', `the spec is nested deeper than ${o.maxDepth} levels (the maxDepth limit) at ${at(deep)}`);

  const composer = new Composer({
    version: '1.2',
    schema: 'core',
    resolveKnownTags: false, // no !!binary / !!set / !!timestamp: specs are plain data
    merge: false,
    uniqueKeys: true,
    strict: true,
    prettyErrors: false,
  });
  const docs = [...composer.compose(tokens, true, text.length)];
  const issues: SpecIssue[] = [];
  if (docs.length > 1) issues.push({ path: '', message: `YAML: the text holds more than one document ("---"); send one spec at a time (${at(docs[1].range[0])})` });
  const doc = docs[0];
  for (const e of [...doc.errors, ...doc.warnings]) issues.push({ path: '', message: `YAML: ${firstLine(e.message)} (${at(e.pos[0])})` });
  if (issues.length > 0) throw new SpecError(issues);
  if (doc.contents === null) throw SpecError.at('', 'spec is empty; it must be a mapping with at least a name');
  try {
    return doc.toJS({ maxAliasCount: o.maxAliasCount });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/alias count|resource exhaustion/i.test(message)) {
      throw SpecError.at('', `YAML aliases expand too much (over maxAliasCount = ${o.maxAliasCount}); write the values out instead of repeating anchors`);
    }
    throw SpecError.at('', `YAML: ${firstLine(message)}`);
  }
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).replace(/:$/, '');
}

/** Offset of the first collection nested deeper than `maxDepth`, walking the CST without recursion. */
function deepestOffset(tokens: readonly CST.Token[], maxDepth: number): number | undefined {
  const stack: Array<[CST.Token, number]> = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [tok, depth] = stack.pop() as [CST.Token, number];
    if (tok.type === 'document') {
      if (tok.value) stack.push([tok.value, depth]);
    } else if (tok.type === 'block-map' || tok.type === 'block-seq' || tok.type === 'flow-collection') {
      const d = depth + 1;
      if (d > maxDepth) return tok.offset;
      for (const item of tok.items) {
        if (item.key) stack.push([item.key, d]);
        if (item.value) stack.push([item.value, d]);
      }
    }
  }
  return undefined;
}
