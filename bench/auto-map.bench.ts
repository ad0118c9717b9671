/**
 * Auto-map proposals at scale, pure part (the planner the `GET …/auto-map` route runs in time
 * slices): N unmapped workspaces × N companies named like the sandbox's scale seed. A third of the
 * workspaces carry the exact name, a third a different legal form, a third a typo. Prints the total
 * and the slowest single step (one workspace, or one company indexed: a slice is 20 ms plus at
 * most one step, so that figure bounds how long the event loop can be held). Baseline in the same run: every workspace scored
 * against every company with nameSimilarity (the O(n·m) the planner avoids), on a sample.
 *
 *   npx tsx bench/auto-map.bench.ts        BENCH_SIZE=10000 … to change the size.
 *
 * Figures are printed, never asserted.
 */
import { performance } from 'node:perf_hooks';
import { scaleCompanyName } from 'autotask-sandbox';

import { createAutoMapPlanner, type AutoMapCompany } from '../apps/server/src/domain/auto-map.js';
import { nameSimilarity, normalizeCompanyName } from '../apps/server/src/domain/name-match.js';

const size = Number(process.env.BENCH_SIZE ?? 5_000);
const companies: AutoMapCompany[] = Array.from({ length: size }, (_, i) => {
  const name = scaleCompanyName(i);
  return { id: String(i), name, matchName: normalizeCompanyName(name), isActive: i % 50 !== 0, holder: null };
});
const workspaces = companies.map((c, i) => ({
  id: `w${i}`,
  name: i % 3 === 0 ? c.name.toUpperCase() : i % 3 === 1 ? `${c.name} Ltd` : c.name.replace(/e/, 'a'),
}));

const started = performance.now();
const planner = createAutoMapPlanner(workspaces, companies, 'Autotask');
let slowestMs = 0;
const counts = { exact: 0, similar: 0, excluded: 0, none: 0 };
const done = new Set<string>();
for (const pass of ['exact', 'similar'] as const) {
  if (pass === 'similar') {
    const steps = planner.indexSteps();
    for (let t = performance.now(); !steps.next().done; t = performance.now())
      slowestMs = Math.max(slowestMs, performance.now() - t);
  }
  for (const w of workspaces) {
    if (done.has(w.id)) continue;
    const t = performance.now();
    const p = planner[pass](w);
    slowestMs = Math.max(slowestMs, performance.now() - t);
    if (!p) continue;
    done.add(w.id);
    if (p.exclusion) counts.excluded += 1;
    else counts[p.match] += 1;
  }
}
const totalMs = performance.now() - started;
counts.none = workspaces.length - done.size;

const sample = 50;
const baselineStart = performance.now();
for (const w of workspaces.slice(0, sample)) for (const c of companies) nameSimilarity(w.name, c.name);
const baselineMs = ((performance.now() - baselineStart) / sample) * workspaces.length;

console.log(`auto-map proposals, ${size} workspaces × ${size} companies`);
console.log(`  planner total        ${totalMs.toFixed(0)} ms  (${JSON.stringify(counts)})`);
console.log(`  slowest step         ${slowestMs.toFixed(2)} ms`);
console.log(`  baseline n·m scoring ${baselineMs.toFixed(0)} ms (extrapolated from ${sample} workspaces)`);
console.log(`  ratio                ${(baselineMs / totalMs).toFixed(1)}× faster`);
