import type { BuildOptions } from 'esbuild';

/** esbuild options that bundle a server entry point the way the product is bundled (ADR 0007). */
export function serverBundleOptions(entryPoint: string, outfile: string): BuildOptions & { metafile: true };
/** Builds apps/server/dist/cli.mjs and dist/inputs.json; returns the bundle's path. */
export function buildServer(): Promise<string>;
