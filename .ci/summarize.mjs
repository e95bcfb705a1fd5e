// Prints the closing line of a CI run, `N passed, N failed[, N skipped]`, from vitest's JSON report.
// Usage: node .ci/summarize.mjs <report.json> <exit status of the test command>
// Exits 1 when anything failed, so a report that disagrees with a zero exit status still fails the run.
import { readFileSync } from 'node:fs';

const [reportPath, statusArg = '1'] = process.argv.slice(2);
const status = Number(statusArg);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  skipped = report.numPendingTests + report.numTodoTests;
  // A test file that failed to load or crashed in a hook has no failed test of its own: count the file.
  for (const file of report.testResults) {
    const anyTestFailed = file.assertionResults.some((test) => test.status === 'failed');
    if (file.status === 'failed' && !anyTestFailed) failed += 1;
  }
} catch {
  // No report: the run failed before vitest finished (setup, typecheck, lint or format check).
}
// A non-zero exit with no failed test (a check step, an unhandled error) is still one failure.
if (status !== 0 && failed === 0) failed = 1;

console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 ? 1 : 0;
