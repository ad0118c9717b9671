// Type-checks every workspace with its own tsconfig (the web app uses DOM + bundler resolution,
// the rest Node + nodenext), and fails if any of them fails.
import { spawnSync } from 'node:child_process';

const projects = [
  'tsconfig.json',
  'packages/contracts',
  'packages/autotask-sandbox',
  'packages/connectwise-sandbox',
  'apps/server',
  'apps/web',
];
let failed = 0;
for (const project of projects) {
  const started = Date.now();
  const result = spawnSync('npx', ['tsc', '--noEmit', '-p', project], { stdio: 'inherit' });
  const ok = result.status === 0;
  if (!ok) failed += 1;
  console.log(`typecheck ${project}: ${ok ? 'ok' : 'FAILED'} (${Date.now() - started} ms)`);
}
process.exit(failed === 0 ? 0 : 1);
