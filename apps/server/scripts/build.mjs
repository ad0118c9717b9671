#!/usr/bin/env node
/**
 * Bundles the server's CLI (every command: serve, worker, sync, …) into apps/server/dist/cli.mjs:
 * our TypeScript and the workspace packages (@coro/contracts) inlined, npm dependencies left as
 * imports. bin/coro-psa.mjs runs this bundle whenever it is current, which spares each process
 * tsx's loader thread (~40 MB RSS) and the transpile at startup. See docs/adr/0007-server-bundle.md.
 *
 *   node apps/server/scripts/build.mjs        (also part of `npm run build`)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(serverDir, '..', '..');
const outDir = join(serverDir, 'dist');

/** Options shared with bench/ (which bundles its measured child the same way). */
export function serverBundleOptions(entryPoint, outfile) {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies });
  return {
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // npm packages stay imports (native addons, their own files); workspace packages are inlined.
    external: external.filter((name) => !name.startsWith('@coro/')),
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  };
}

export async function buildServer() {
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'cli.mjs');
  const result = await build(serverBundleOptions(join(serverDir, 'src', 'cli.ts'), outfile));
  // What the bundle was built from: bin/coro-psa.mjs falls back to the sources when any of these
  // is newer than the bundle (or gone), so an edit is never shadowed by a stale build.
  const inputs = [
    ...Object.keys(result.metafile.inputs).map((p) => relative(repoRoot, join(process.cwd(), p))),
    relative(repoRoot, fileURLToPath(import.meta.url)),
  ].sort();
  writeFileSync(
    join(outDir, 'inputs.json'),
    `${JSON.stringify({ builtAt: new Date().toISOString(), inputs }, null, 1)}\n`,
  );
  const bytes = result.metafile.outputs[relative(process.cwd(), outfile)]?.bytes ?? 0;
  console.log(
    `server bundle: ${relative(repoRoot, outfile)} (${(bytes / 1024).toFixed(0)} kB, ${inputs.length} sources) in ${Date.now() - started} ms`,
  );
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildServer();
}
