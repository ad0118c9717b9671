#!/usr/bin/env node
/**
 * Bundles the server's CLI (every command: serve, worker, sync, …) into apps/server/dist/cli.mjs:
 * our TypeScript and the workspace packages (@coro/contracts) inlined, npm dependencies left as
 * imports. bin/coro-psa.mjs runs this bundle whenever it is current, which spares each process
 * tsx's loader thread (~40 MB RSS) and the transpile at startup. See docs/adr/0007-server-bundle.md.
 *
 *   node apps/server/scripts/build.mjs        (also part of `npm run build`)
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(serverDir, '..', '..');
const outDir = join(serverDir, 'dist');

/**
 * Options shared with the tests and bench/ (which bundle their measured children the same way).
 * Code-split: what a command loads lazily (`await import()`, e.g. the HTTP stack for `serve` only)
 * lands in its own chunk with its own npm imports, so `worker` and `sync` never load Fastify.
 */
export function serverBundleOptions(entryPoint, outdir) {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies });
  return {
    entryPoints: [entryPoint],
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // npm packages stay imports (native addons, files of their own); workspace packages are inlined.
    external: external.filter((name) => !name.startsWith('@coro/')),
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  };
}

/** Where serverBundleOptions(entryPoint, outdir) puts the entry point's bundle. */
export function bundledEntry(entryPoint, outdir) {
  return join(outdir, `${basename(entryPoint).replace(/\.[cm]?ts$/, '')}.mjs`);
}

export async function buildServer() {
  const started = Date.now();
  // A fresh directory: chunks are content-hashed, old ones would pile up.
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const entry = join(serverDir, 'src', 'cli.ts');
  const outfile = bundledEntry(entry, outDir);
  const result = await build(serverBundleOptions(entry, outDir));
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
  const outputs = Object.entries(result.metafile.outputs).filter(([path]) => path.endsWith('.mjs'));
  const bytes = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
  console.log(
    `server bundle: ${relative(repoRoot, outfile)} + ${outputs.length - 1} chunks (${(bytes / 1024).toFixed(0)} kB, ${inputs.length} sources) in ${Date.now() - started} ms`,
  );
  return outfile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildServer();
}
