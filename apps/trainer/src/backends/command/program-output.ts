/**
 * The JSON-lines protocol a program speaks on stdout.
 *
 * Each stdout line is one of:
 *
 * - a JSON object with numeric values — a metrics line:
 *   `{"step": 10, "loss": 0.52, "acc": 0.61}` → Progress { step: 10, metrics: { loss, acc } }.
 *   Non-numeric values are ignored. Without `step` the step is the previous step + 1 (first: 1).
 * - the same with `"final": true` — the final metrics; no Progress event. Without a final line the
 *   last metrics line is final.
 * - reserved keys, on any object line: `trainable_params` / `effective_params` (numbers) fill the
 *   result's parameter counts, `adapter` (any JSON) becomes the result's adapter_json, `checkpoint`
 *   (any JSON) is the program's state after `step` (else the last step): the trainer sends it to the
 *   dispatcher, and a later attempt of the trial finds it in the file TINYSWEEP_RESUME_FILE names.
 *   They, `step` and `final` are not metrics.
 * - anything else (plain text, JSON that is not an object, an object with nothing above) — a
 *   log line, relayed as LogLine { stream: "stdout" }.
 *
 * Python's json.dumps writes NaN / Infinity / -Infinity for non-finite floats (invalid JSON);
 * they are accepted, so a diverged loss still arrives as a metric.
 */

/** A program's state after a step, as it printed it (`{"step": 9, "checkpoint": {…}}`). */
export interface ProgramCheckpoint {
  step: number;
  stateJson: string;
}

/** What one stdout line meant; a line with `checkpoint` carries it too (after its progress, if any). */
export type StdoutLine = (
  | { kind: 'log'; line: string }
  | { kind: 'progress'; step: number; metrics: Record<string, number> }
  | { kind: 'final'; metrics: Record<string, number> }
  | { kind: 'info' }
) & { checkpoint?: ProgramCheckpoint };

const RESERVED = new Set(['step', 'final', 'trainable_params', 'effective_params', 'adapter', 'checkpoint']);
const NON_FINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };
const SENTINEL = '\u0000tinysweep:';

/**
 * JSON.parse that also accepts bare NaN, Infinity and -Infinity outside strings (Python's json
 * default). Throws like JSON.parse on anything else that is invalid.
 */
export function parseJsonLenient(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) throw err;
  }
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      continue;
    }
    const token = /^(-?Infinity|NaN)/.exec(text.slice(i, i + 9))?.[1];
    if (token) {
      out += JSON.stringify(SENTINEL + token);
      i += token.length - 1;
      continue;
    }
    out += ch;
  }
  return JSON.parse(out, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(SENTINEL) ? NON_FINITE[value.slice(SENTINEL.length)] : value,
  );
}

/** Reads a program's stdout line by line and keeps what the result needs. */
export class ProgramOutput {
  private lastStep = 0;
  private lastMetrics?: Record<string, number>;
  private finalMetrics?: Record<string, number>;
  trainableParams = 0;
  effectiveParams = 0;
  adapterJson = '';

  /** Classifies one line and updates the running state. */
  read(line: string): StdoutLine {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) return { kind: 'log', line };
    let obj: unknown;
    try {
      obj = parseJsonLenient(trimmed);
    } catch {
      return { kind: 'log', line };
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return { kind: 'log', line };
    const record = obj as Record<string, unknown>;

    const metrics: Record<string, number> = {};
    for (const [key, value] of Object.entries(record)) {
      if (!RESERVED.has(key) && typeof value === 'number') metrics[key] = value;
    }
    let known = false;
    if (typeof record.trainable_params === 'number') {
      this.trainableParams = Math.trunc(record.trainable_params);
      known = true;
    }
    if (typeof record.effective_params === 'number') {
      this.effectiveParams = Math.trunc(record.effective_params);
      known = true;
    }
    if (record.adapter !== undefined) {
      this.adapterJson = JSON.stringify(record.adapter);
      known = true;
    }

    const explicitStep = typeof record.step === 'number' && Number.isFinite(record.step) ? Math.trunc(record.step) : undefined;
    const checkpointAt = (step: number) => (record.checkpoint === undefined ? {} : { checkpoint: { step, stateJson: JSON.stringify(record.checkpoint) } });
    if (record.final === true) {
      this.finalMetrics = metrics;
      return { kind: 'final', metrics, ...checkpointAt(explicitStep ?? this.lastStep) };
    }
    if (Object.keys(metrics).length === 0) {
      if (record.checkpoint !== undefined) return { kind: 'info', ...checkpointAt(explicitStep ?? this.lastStep) };
      return known ? { kind: 'info' } : { kind: 'log', line };
    }

    const step = explicitStep ?? this.lastStep + 1;
    this.lastStep = step;
    this.lastMetrics = metrics;
    return { kind: 'progress', step, metrics, ...checkpointAt(step) };
  }

  /** The final line's metrics, else the last metrics line's, else none. */
  get metrics(): Record<string, number> {
    return this.finalMetrics ?? this.lastMetrics ?? {};
  }
}
