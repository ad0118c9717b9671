// `npm run bench [filter]`: runs every bench/*.bench.ts (or only those whose file name contains
// the filter) one after another with tsx, so figures are not skewed by a concurrent bench.
// Exits non-zero if any bench fails; figures are printed, never asserted.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const benchDir = join(process.cwd(), 'bench');
const filter = process.argv[2];
const files = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filter === undefined || name.includes(filter))
  .sort();

if (files.length === 0) {
  console.error(filter === undefined ? 'No bench/*.bench.ts found.' : `No bench matches "${filter}".`);
  process.exit(1);
}

const failed = [];
for (const file of files) {
  console.log(`\n▶ ${file}`);
  const result = spawnSync('npx', ['tsx', join(benchDir, file)], {
    stdio: 'inherit',
    env: { ...process.env, TZ: 'UTC' },
  });
  if (result.status !== 0) failed.push(`${file} (exit ${result.status ?? result.signal})`);
}

console.log(
  `\n${files.length - failed.length} bench(es) passed, ${failed.length} failed${failed.length > 0 ? `: ${failed.join(', ')}` : ''}`,
);
process.exit(failed.length === 0 ? 0 : 1);
