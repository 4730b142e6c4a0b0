#!/usr/bin/env node
/**
 * `npm test`: set-up (scripts/setup.mjs, which also typechecks with tsc -b), lint, then vitest.
 * Lint and typecheck count as one test each. The very last line is the tally:
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
  const { typecheck } = setup();
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
const reportFile = join(reportDir, 'report.json');
const vitest = node('vitest/vitest.mjs', [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reportFile}`,
  ...(smoke ? ['--exclude', 'test/**'] : []),
  ...vitestArgs,
]);

let report;
try {
  report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : undefined;
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
  tally.passed += report.numPassedTests ?? 0;
  tally.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  for (const file of report.testResults ?? []) {
    const name = file.name.startsWith(ROOT) ? file.name.slice(ROOT.length) : file.name;
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    for (const t of failedTests) record(`${name} > ${t.fullName ?? t.title}`, false);
    // A file that failed to load (syntax error, failing beforeAll) has no failed tests of its own.
    if (file.status === 'failed' && failedTests.length === 0) record(`${name} (file)`, false);
  }
  // Unhandled errors, or no test files matched: vitest fails the run though no test failed.
  if (vitest.status !== 0 && tally.failed === failedBefore) {
    record(`vitest (exit code ${vitest.status ?? vitest.signal})`, false);
  }
}

finish();
