/**
 * Console bundle size: builds apps/web, then prints the JavaScript the browser downloads before the
 * first screen (the entry chunk from index.html and everything it statically imports) against the
 * 350 kB gzip budget, and what each route chunk adds when its screen is opened. The baseline from
 * the same run is all of the console's JavaScript, i.e. what one chunk without code splitting would
 * weigh. Figures are printed, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const budgetGzipBytes = 350 * 1024;
const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '../apps/web');
const distDir = join(webDir, 'dist');

const started = Date.now();
const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: webDir, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('vite build failed');
  process.exit(1);
}
const buildMs = Date.now() - started;

interface ChunkSize {
  readonly raw: number;
  readonly gzip: number;
}
const sizes = new Map<string, ChunkSize>();
function sizeOf(file: string): ChunkSize {
  let size = sizes.get(file);
  if (!size) {
    const bytes = readFileSync(join(distDir, file));
    size = { raw: bytes.length, gzip: gzipSync(bytes).length };
    sizes.set(file, size);
  }
  return size;
}

// Minified output: `import{a as b}from"./x.js"`, `import"./x.js"`, and lazy `import(`./x.js`)`.
const staticImport =
  /(?:^|[;\s}])(?:import|export)\s*(?:[\w*${}\s,]+from\s*)?["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g;
const dynamicImport = /import\(\s*["'`](\.{1,2}\/[^"'`]+\.js)["'`]\s*\)/g;

function importsOf(file: string, pattern: RegExp): string[] {
  const code = readFileSync(join(distDir, file), 'utf8');
  const found: string[] = [];
  for (const match of code.matchAll(pattern)) {
    const spec = match[1];
    if (spec) found.push(posix.normalize(posix.join(posix.dirname(file), spec)));
  }
  return found;
}

/** `file` and every chunk it pulls in with static imports, transitively. */
function closure(file: string, into = new Set<string>()): Set<string> {
  if (into.has(file)) return into;
  into.add(file);
  for (const dep of importsOf(file, staticImport)) closure(dep, into);
  return into;
}

const html = readFileSync(join(distDir, 'index.html'), 'utf8');
const entries = [...html.matchAll(/<script[^>]+type="module"[^>]+src="\/([^"]+)"/g)].map((m) => m[1] ?? '');
const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+)"/g)].map(
  (m) => m[1] ?? '',
);
const initial = new Set<string>();
for (const file of [...entries, ...preloads]) closure(file, initial);

const total = (files: Iterable<string>) =>
  [...files].reduce((sum, f) => ({ raw: sum.raw + sizeOf(f).raw, gzip: sum.gzip + sizeOf(f).gzip }), {
    raw: 0,
    gzip: 0,
  });
const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

const allJs = readdirSync(join(distDir, 'assets'))
  .filter((f) => f.endsWith('.js'))
  .map((f) => `assets/${f}`);
const everything = total(allJs);
const initialSize = total(initial);

// Route chunks: the dynamic imports reachable from the initial chunks (React.lazy / route lazy).
const routes = new Set<string>();
for (const file of initial)
  for (const dep of importsOf(file, dynamicImport)) if (!initial.has(dep)) routes.add(dep);

console.log(`web bundle (vite build ${buildMs} ms)`);
console.log('');
console.log('initial load (index.html entry + static imports):');
for (const file of [...initial].sort((a, b) => sizeOf(b).gzip - sizeOf(a).gzip)) {
  console.log(
    `  ${file.padEnd(48)} ${kB(sizeOf(file).raw).padStart(10)} raw ${kB(sizeOf(file).gzip).padStart(10)} gzip`,
  );
}
console.log(
  `  ${'TOTAL'.padEnd(48)} ${kB(initialSize.raw).padStart(10)} raw ${kB(initialSize.gzip).padStart(10)} gzip` +
    `  — budget ${kB(budgetGzipBytes)} gzip: ${((initialSize.gzip / budgetGzipBytes) * 100).toFixed(0)}% used, ` +
    (initialSize.gzip <= budgetGzipBytes ? 'within budget' : 'OVER BUDGET'),
);
console.log('');
console.log('route chunks (added when the screen opens; shared chunks counted once per route):');
for (const route of [...routes].sort()) {
  const extra = [...closure(route)].filter((f) => !initial.has(f));
  const size = total(extra);
  const name = route.replace(/^assets\//, '').replace(/-[\w-]{8}\.js$/, '');
  console.log(
    `  ${name.padEnd(28)} ${kB(size.gzip).padStart(10)} gzip  (${extra.length} chunk${extra.length === 1 ? '' : 's'})`,
  );
}
console.log('');
console.log(
  `baseline: all console JS ${kB(everything.gzip)} gzip in ${allJs.length} chunks; ` +
    `the first screen loads ${((initialSize.gzip / everything.gzip) * 100).toFixed(0)}% of it (` +
    `${(everything.gzip / initialSize.gzip).toFixed(2)}× less than one unsplit bundle)`,
);
