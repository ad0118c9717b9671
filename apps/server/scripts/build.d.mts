import type { BuildOptions } from 'esbuild';

/** esbuild options that bundle a server entry point the way the product is bundled (ADR 0007). */
export function serverBundleOptions(entryPoint: string, outdir: string): BuildOptions & { metafile: true };
/** Where serverBundleOptions(entryPoint, outdir) puts the entry point's bundle. */
export function bundledEntry(entryPoint: string, outdir: string): string;
/** Builds apps/server/dist/cli.mjs (+ chunks) and dist/inputs.json; returns the entry's path. */
export function buildServer(): Promise<string>;
