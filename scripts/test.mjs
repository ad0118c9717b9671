// The README's test command. Runs every Vitest project, prints Vitest's own report, then one
// closing line "N passed, N failed[, N skipped]" summed over all projects (CI reads that line).
// Extra arguments are passed to Vitest (e.g. `npm test -- --project unit`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const outDir = join(process.cwd(), 'artifacts');
mkdirSync(outDir, { recursive: true });
const jsonFile = join(outDir, 'vitest-results.json');
rmSync(jsonFile, { force: true });

// The CLI tests spawn bin/coro-psa.mjs, which runs the server bundle when it is current: build it
// (~0.1 s) so they test what production runs. A later edit makes the bin fall back to the sources.
const bundle = spawnSync(process.execPath, ['apps/server/scripts/build.mjs'], { stdio: 'inherit' });
if (bundle.status !== 0) console.error('The server bundle did not build: the CLI tests run the sources.');

const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${jsonFile}`,
  ...process.argv.slice(2),
];
const result = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, TZ: 'UTC' } });

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(jsonFile)) {
  const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that fails to load has no tests but is still a failure.
  const brokenSuites = (report.testResults ?? []).filter(
    (s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0,
  ).length;
  failed += brokenSuites;
} else {
  failed += 1;
}
if (result.status !== 0 && failed === 0) failed = 1;
if (passed === 0 && failed === 0) {
  console.error('No test ran: treat as a failure.');
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
