/**
 * npm run chaos — a seeded randomized fault run against a real multi-process cluster (2 API
 * replicas behind a balancer, 2 dispatchers, 3 trainers on hosts of their own, durable Postgres,
 * Redis with its append-only file) during a sweep of short trials: processes SIGKILLed and restarted
 * gracefully, Redis killed with and without its data, Postgres killed, trainers' networks cut both
 * ways and one way, a black-hole node. Then it checks that nothing was lost or duplicated.
 *
 *   npm run chaos                                   # 300 trials, 100 faults, a fresh seed
 *   npm run chaos -- --seed 1234 --trials 300 --faults 120
 *
 * Prints the seed first (replay with --seed), a line per fault, and last the JSON
 * {"seed","faults","trials","lost","duplicated","open_attempts","stuck_sweeps","seconds",…};
 * exits 1 when anything was lost, duplicated, left open or stuck.
 */
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { runChaos } from '../../test/chaos/chaos-run.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    trials: { type: 'string', default: '300' },
    faults: { type: 'string', default: '100' },
    concurrent: { type: 'string', default: '2' },
  },
});
const int = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number (got ${v})`);
  return n;
};
const seed = values.seed === undefined ? randomInt(2 ** 31) : int('seed', values.seed);
console.log(`chaos seed ${seed} (replay: npm run chaos -- --seed ${seed} --trials ${values.trials} --faults ${values.faults})`);
const report = await runChaos({
  seed,
  trials: int('trials', values.trials),
  faults: int('faults', values.faults),
  concurrent: int('concurrent', values.concurrent),
  log: (line) => console.log(line),
});
for (const p of report.problems) console.log(`problem: ${p}`);
const { problems: _p, kinds, ...figures } = report;
console.log(`fault kinds: ${JSON.stringify(kinds)}`);
console.log(JSON.stringify(figures));
const clean = report.lost === 0 && report.duplicated === 0 && report.open_attempts === 0 && report.stuck_sweeps === 0 && report.curve_gaps === 0 && report.schedule_firing;
process.exit(clean ? 0 : 1);
