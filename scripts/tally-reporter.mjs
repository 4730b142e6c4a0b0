/**
 * A vitest reporter for scripts/test.mjs: every test's outcome, why each skipped test was skipped,
 * and the errors of files and suites that failed outside any test (a failing beforeAll skips the
 * tests under it). vitest's JSON reporter carries neither skip notes nor suite errors.
 *
 *   TINYSWEEP_TALLY_FILE=out.json vitest run --reporter=default --reporter=./scripts/tally-reporter.mjs
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const firstLines = (message = '') => message.split('\n').slice(0, 3).join(' / ').slice(0, 400);

/** The first error of a suite (or the file) above `test`: why a failing beforeAll skipped it. */
function setupErrorAbove(test) {
  for (let node = test.parent; node; node = node.type === 'module' ? undefined : node.parent) {
    const [error] = node.errors();
    if (error) return `its set-up failed: ${firstLines(error.message)}`;
  }
  return undefined;
}

export default class TallyReporter {
  // Read before the suite's global set-up clears TINYSWEEP_* from the environment.
  file = process.env.TINYSWEEP_TALLY_FILE;

  onTestRunEnd(testModules, unhandledErrors) {
    const file = this.file;
    if (!file) return;
    const tally = { tests: [], setupErrors: [], unhandledErrors: unhandledErrors.map((e) => firstLines(e.message)) };
    for (const mod of testModules) {
      const name = relative(process.cwd(), mod.moduleId);
      const errors = [...mod.errors(), ...[...mod.children.allSuites()].flatMap((s) => s.errors())];
      for (const e of errors) tally.setupErrors.push({ file: name, error: firstLines(e.message) });
      for (const test of mod.children.allTests()) {
        const r = test.result();
        const entry = { file: name, name: test.fullName, state: r.state };
        if (r.state === 'failed') entry.error = firstLines(r.errors?.[0]?.message);
        if (r.state === 'skipped') entry.reason = r.note ?? setupErrorAbove(test) ?? 'skipped by a condition in the test file (skipIf/runIf)';
        tally.tests.push(entry);
      }
    }
    writeFileSync(file, JSON.stringify(tally));
  }
}
