// Sums vitest JSON reports into the closing line CI reads: `N passed, N failed[, N skipped]`.
// A step of `npm test` that failed before or outside vitest (lint, typecheck, build) counts as one failure,
// and a missing report means its suite never ran.
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const npmStatus = Number(args.pop());
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;
for (const file of args) {
  if (!existsSync(file)) {
    missing += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite file that failed to load has no test results but must still fail CI.
  failed += (report.testResults ?? []).filter(
    (r) => r.status === 'failed' && r.assertionResults.length === 0,
  ).length;
}
if (npmStatus !== 0 && failed === 0) failed = 1; // lint, typecheck or build failed, or a suite never ran
if (missing > 0) console.log(`${missing} test report(s) missing: a step before them failed.`);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
