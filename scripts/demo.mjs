#!/usr/bin/env node
/**
 * `npm run demo`: set up, bring the whole stack up (embedded Postgres, Redis, api, dispatcher,
 * one local trainer), run the demo sweep end to end with a progress bar, print the best configs
 * and where to look, and keep the stack up until Ctrl-C.
 *
 *   npm run demo                 # stays up afterwards (Ctrl-C stops everything)
 *   npm run demo -- --exit       # stops when the sweep is done (also the default without a TTY)
 *   npm run demo -- --spec my.yaml --port 4100
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    spec: { type: 'string', default: 'examples/demo-sweep.yaml' },
    port: { type: 'string', default: process.env.TINYSWEEP_API_PORT ?? '4100' },
    'data-dir': { type: 'string', default: '.data/demo' },
    exit: { type: 'boolean', default: !process.stdout.isTTY || process.env.CI === 'true' },
  },
});
const api = `http://127.0.0.1:${values.port}`;
const cli = join(ROOT, 'apps', 'cli', 'bin', 'tinysweep.js');
// `up` makes the API's tokens in the data folder; the CLI calls below read the user's from here.
const tokenFile = resolve(ROOT, values['data-dir'], 'api-token');
const cliEnv = { ...process.env, TINYSWEEP_API_TOKEN_FILE: tokenFile };

const setup = spawnSync(process.execPath, [join(ROOT, 'scripts', 'setup.mjs')], { stdio: 'inherit', cwd: ROOT });
if (setup.status !== 0) process.exit(setup.status ?? 1);

console.log(`\n▶ starting the stack (data in ${values['data-dir']})`);
const up = spawn(process.execPath, [cli, 'up', '--data-dir', values['data-dir'], '--api-port', values.port], {
  cwd: ROOT,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, DATABASE_URL: '', REDIS_URL: '' },
});
let upExited = false;
up.on('exit', (code) => {
  upExited = true;
  if (!stopping) {
    console.error(`the stack stopped unexpectedly (exit ${code})`);
    process.exit(1);
  }
});

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  if (upExited) process.exit(code);
  up.once('exit', () => process.exit(code));
  up.kill('SIGINT');
}
process.on('SIGINT', () => stop(130));
process.on('SIGTERM', () => stop(143));

async function healthy() {
  try {
    return (await fetch(`${api}/health`)).ok;
  } catch {
    return false;
  }
}
const deadline = Date.now() + 120_000;
while (!(await healthy())) {
  if (Date.now() > deadline) {
    console.error(`the API did not come up at ${api} within 2 minutes`);
    stop(1);
  }
  await new Promise((r) => setTimeout(r, 500));
}
// a trainer registers within a heartbeat of the api coming up
await new Promise((r) => setTimeout(r, 2500));

const tinysweep = (...args) => spawnSync(process.execPath, [cli, '--api', api, ...args], { cwd: ROOT, stdio: 'inherit', env: cliEnv }).status;

console.log(`\n▶ submitting ${values.spec}`);
const submitted = spawnSync(process.execPath, [cli, '--api', api, '--json', 'submit', values.spec], { cwd: ROOT, encoding: 'utf8', env: cliEnv });
if (submitted.status !== 0) {
  process.stderr.write(submitted.stdout + submitted.stderr);
  stop(submitted.status ?? 1);
} else {
  const { id } = JSON.parse(submitted.stdout);
  const watched = tinysweep('watch', id);
  // watch ended with the best trials (score, trainable and effective params); configs pools the seeds
  console.log('\n▶ best configs (seeds as replicates: mean, the pooled interval over held-out items, the spread over seeds)');
  tinysweep('configs', id);
  // The fragment signs the board in (it keeps the token in the browser and drops it from the address).
  const signIn = `#token=${readFileSync(tokenFile, 'utf8').trim()}`;
  console.log(`\n  board:   ${api}/board/sweeps/${id}${signIn}   (all sweeps: ${api}/${signIn})`);
  console.log(`  token:   ${tokenFile}   (role admin; the board asks for it under Token if you open it without the link)`);
  console.log(`  API:     ${api}/docs   (OpenAPI)`);
  console.log(`  results: TINYSWEEP_API_TOKEN_FILE=${tokenFile} node apps/cli/bin/tinysweep.js --api ${api} results ${id} --format csv`);
  if (values.exit || watched !== 0) stop(watched ?? 1);
  else console.log('\nThe stack stays up; Ctrl-C stops it.');
}
