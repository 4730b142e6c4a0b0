/**
 * npm run fuzz — generated specs (mutations of valid command, tinylora and search specs, as JSON and
 * YAML) and query strings for every GET route, against a real API on Postgres and Redis. Counts
 * answers ≥ 500, 4xx answers that do not name the field, what was stored for rejected specs, and the
 * API's memory.
 *
 *   npm run fuzz                       # 10,000 cases, a fresh seed
 *   npm run fuzz -- --seed 7 --cases 20000
 *
 * Last line: {"cases","server_errors","unnamed_4xx",…}; exits 1 when any count is not 0.
 */
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { runFuzz } from '../../test/fuzz/fuzz-run.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, cases: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '4' } } });
const int = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1 (got ${v})`);
  return n;
};
const seed = values.seed === undefined ? randomInt(2 ** 31) : int('seed', values.seed);
console.log(`fuzz seed ${seed} (replay: npm run fuzz -- --seed ${seed} --cases ${values.cases})`);
const report = await runFuzz({ seed, cases: int('cases', values.cases), concurrency: int('concurrency', values.concurrency), log: (l) => console.log(l) });
for (const e of report.examples) console.log(`example: ${e}`);
const { examples: _e, ...figures } = report; // cases, server_errors and unnamed_4xx first
console.log(JSON.stringify(figures));
process.exit(report.server_errors === 0 && report.unnamed_4xx === 0 && report.written_for_rejected === 0 ? 0 : 1);
