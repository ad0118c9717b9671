#!/usr/bin/env node
// Runs the bundled CLI (dist/cli.mjs, built by `npm run build`) when it is current: built after
// every source it was made from was last changed. Otherwise the TypeScript sources run through
// tsx's loader, so an edit is never shadowed by an old build. The bundle spares tsx's loader
// thread (~40 MB RSS per process) and the transpile at startup (docs/adr/0007-server-bundle.md).
// CORO_PSA_FROM_SOURCE=1 forces the sources.
import { readFileSync, statSync } from 'node:fs';
import v8 from 'node:v8';

// Every command is I/O-bound (Autotask answers in 100s of ms): trade some GC time for memory. A
// W = 10,000 sync peaked at 223 MB RSS without this and 170 MB with it (npm run bench sync).
v8.setFlagsFromString('--optimize-for-size');

const repoRoot = new URL('../../../', import.meta.url);
const bundle = new URL('../dist/cli.mjs', import.meta.url);

function isBundleCurrent() {
  if (process.env.CORO_PSA_FROM_SOURCE === '1') return false;
  try {
    const builtMs = statSync(bundle).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(new URL('../dist/inputs.json', import.meta.url), 'utf8'));
    return inputs.every((path) => statSync(new URL(path, repoRoot)).mtimeMs <= builtMs);
  } catch {
    return false; // no build, or a source it was made from is gone
  }
}

if (isBundleCurrent()) {
  process.setSourceMapsEnabled(true);
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli.ts');
}
