import { readFileSync } from 'node:fs';
import type { SeedData } from '../store/database.js';
import { demoSeed } from './demo.js';
import { catalog, lookupTables, ownCompany } from './lookups.js';
import { scaleSeed } from './scale.js';

export type SeedOption = 'demo' | 'empty' | `scale:${number}` | { file: string };
export const maxScaleCompanies = 100_000;

/** An error message for an unusable seed option, or null. */
export function invalidSeed(seed: unknown): string | null {
  if (seed === 'demo' || seed === 'empty') return null;
  if (typeof seed === 'string') {
    const m = /^scale:(\d+)$/.exec(seed);
    if (!m) return `unknown seed '${seed}' (use demo, empty, scale:<companies> or a file path)`;
    const n = Number(m[1]);
    return n >= 1 && n <= maxScaleCompanies
      ? null
      : `scale must be between 1 and ${maxScaleCompanies} companies`;
  }
  if (typeof seed === 'object' && seed !== null && typeof (seed as { file?: unknown }).file === 'string')
    return null;
  return 'seed must be demo, empty, scale:<companies> or {file}';
}

/** The MSP's own company, setup tables and catalog; no customers, agreements or additions. */
export function emptySeed(nowMs: number): SeedData {
  const at = `${new Date(nowMs).getUTCFullYear() - 1}-03-14T15:47:59Z`;
  return {
    ...lookupTables(),
    contacts: [],
    companies: [ownCompany(at)],
    catalog: catalog(at).rows,
    agreements: [],
    additions: [],
  };
}

function readSeedFile(path: string, nowMs: number): SeedData {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<SeedData>;
  const base = emptySeed(nowMs);
  for (const key of Object.keys(base) as (keyof SeedData)[]) {
    if (parsed[key] !== undefined && !Array.isArray(parsed[key]))
      throw new Error(`seed file ${path}: ${key} must be an array`);
  }
  return { ...base, ...parsed };
}

export function buildSeed(seed: SeedOption, nowMs: number): SeedData {
  if (seed === 'demo') return demoSeed(nowMs);
  if (seed === 'empty') return emptySeed(nowMs);
  if (typeof seed === 'string') return scaleSeed(Number(seed.slice('scale:'.length)), nowMs);
  return readSeedFile(seed.file, nowMs);
}
