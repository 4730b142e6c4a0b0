#!/usr/bin/env node
/**
 * `npm test`: set-up (scripts/setup.mjs, which also typechecks with tsc -b), lint, then vitest.
 * Lint and typecheck count as one test each; so does each system package the tests need that could
 * not be installed, and each file or suite whose set-up failed (its tests are listed as skipped,
 * with the reason). The very last line is the tally:
 *
 *   N passed, N failed[, N skipped]
 *
 *   node scripts/test.mjs                  # everything
 *   node scripts/test.mjs --smoke          # unit specs only (libs/**, apps/**), no test/ suites
 *   node scripts/test.mjs libs/stack -t redis   # other arguments go to vitest (file filters, -t, …)
 *
 * Exits non-zero when anything failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setup, SetupError } from './setup.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const vitestArgs = args.filter((a) => a !== '--smoke');

const tally = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const record = (name, ok) => {
  if (ok) tally.passed++;
  else {
    tally.failed++;
    failures.push(name);
  }
};

function finish() {
  if (failures.length > 0) console.log(`\nfailed: ${failures.slice(0, 20).join(', ')}${failures.length > 20 ? ', …' : ''}`);
  const skipped = tally.skipped > 0 ? `, ${tally.skipped} skipped` : '';
  console.log(`${tally.passed} passed, ${tally.failed} failed${skipped}`);
  process.exit(tally.failed > 0 ? 1 : 0);
}

const node = (script, scriptArgs) =>
  spawnSync(process.execPath, [join(ROOT, 'node_modules', ...script.split('/')), ...scriptArgs], { cwd: ROOT, stdio: 'inherit' });

// 1. Set-up and typecheck.
try {
  const { typecheck, systemPackages } = setup({ tests: true });
  if (!systemPackages.ok) record(`system packages the tests need: ${systemPackages.output}`, false);
  if (!typecheck.ok) console.log(typecheck.output);
  record('typecheck', typecheck.ok);
} catch (err) {
  console.log(`setup failed: ${err instanceof SetupError ? err.message : (err?.stack ?? err)}`);
  record('setup', false);
  finish();
}

// 2. Lint.
console.log('\n== lint (eslint .)');
const lint = node('eslint/bin/eslint.js', ['.']);
if (lint.status === 0) console.log('lint: clean');
record('lint', lint.status === 0);

// 3. Tests.
console.log(`\n== vitest${smoke ? ' (smoke: unit specs only)' : ''}`);
const reportDir = mkdtempSync(join(tmpdir(), 'tinysweep-vitest-'));
const tallyFile = join(reportDir, 'tally.json');
process.env.TINYSWEEP_TALLY_FILE = tallyFile;
const vitest = node('vitest/vitest.mjs', [
  'run',
  '--reporter=default',
  '--reporter=./scripts/tally-reporter.mjs',
  ...(smoke ? ['--exclude', 'test/**'] : []),
  ...vitestArgs,
]);

let report;
try {
  report = existsSync(tallyFile) ? JSON.parse(readFileSync(tallyFile, 'utf8')) : undefined;
} catch {
  report = undefined;
} finally {
  rmSync(reportDir, { recursive: true, force: true });
}

if (report === undefined) {
  console.log(`vitest wrote no report (exit code ${vitest.status ?? vitest.signal})`);
  record('vitest', false);
} else {
  const failedBefore = tally.failed;
  const skipped = [];
  for (const t of report.tests) {
    if (t.state === 'passed') tally.passed++;
    else if (t.state === 'failed') record(`${t.file} > ${t.name}`, false);
    else if (t.state === 'skipped') skipped.push(t);
  }
  // A file or suite that failed outside its tests (import error, failing beforeAll) fails loudly.
  for (const e of report.setupErrors) record(`${e.file} (set-up: ${e.error})`, false);
  for (const e of report.unhandledErrors) record(`unhandled error: ${e}`, false);
  tally.skipped = skipped.length;
  if (skipped.length > 0) {
    const byReason = new Map();
    for (const t of skipped) byReason.set(t.reason, [...(byReason.get(t.reason) ?? []), t]);
    console.log(`\nskipped: ${skipped.length}`);
    for (const [reason, tests] of byReason) {
      console.log(`  ${tests.length} × ${reason}`);
      for (const t of tests.slice(0, 5)) console.log(`      ${t.file} > ${t.name}`);
      if (tests.length > 5) console.log(`      … and ${tests.length - 5} more`);
    }
  }
  // No test files matched, or vitest failed for another reason though no test failed.
  if (vitest.status !== 0 && tally.failed === failedBefore) {
    record(`vitest (exit code ${vitest.status ?? vitest.signal})`, false);
  }
}

finish();
