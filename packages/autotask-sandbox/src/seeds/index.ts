import { readFileSync } from 'node:fs';
import type { Database } from '../store/database.js';
import { demoSeed } from './demo.js';
import { loadSeed } from './load.js';
import { emptySeed, scaleSeed } from './scale.js';
import type { SeedDescription } from './seed-types.js';

export type SeedOption = 'demo' | `scale:${number}` | 'empty' | { file: string };

export const maxScaleCompanies = 200_000;

/** Returns an error message for an unusable seed option, or null. */
export function invalidSeed(seed: unknown): string | null {
  if (seed === 'demo' || seed === 'empty') return null;
  if (typeof seed === 'string') {
    const m = /^scale:(\d+)$/.exec(seed);
    if (!m) return `unknown seed '${seed}' (use demo, empty, scale:<companies> or {file})`;
    const n = Number(m[1]);
    return n >= 1 && n <= maxScaleCompanies
      ? null
      : `scale must be between 1 and ${maxScaleCompanies} companies`;
  }
  if (typeof seed === 'object' && seed !== null && typeof (seed as { file?: unknown }).file === 'string')
    return null;
  return 'seed must be demo, empty, scale:<companies> or {file}';
}

function readSeedFile(path: string): SeedDescription {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<SeedDescription>;
  const lists = [
    'resources',
    'billingCodes',
    'currencies',
    'companies',
    'services',
    'contracts',
    'contractServices',
  ] as const;
  for (const key of lists) {
    if (parsed[key] !== undefined && !Array.isArray(parsed[key]))
      throw new Error(`seed file ${path}: ${key} must be an array`);
  }
  return {
    ...parsed,
    resources: parsed.resources ?? [],
    billingCodes: parsed.billingCodes ?? [],
    companies: parsed.companies ?? [],
    services: parsed.services ?? [],
    contracts: parsed.contracts ?? [],
    contractServices: parsed.contractServices ?? [],
  };
}

export function describeSeed(seed: SeedOption, nowMs: number): SeedDescription {
  if (seed === 'demo') return demoSeed(nowMs);
  if (seed === 'empty') return emptySeed(nowMs);
  if (typeof seed === 'string') return scaleSeed(Number(seed.slice('scale:'.length)), nowMs);
  return readSeedFile(seed.file);
}

export function buildDatabase(
  seed: SeedOption,
  nowMs: number,
  timeZone: string,
): { db: Database; description: SeedDescription } {
  const description = describeSeed(seed, nowMs);
  return { db: loadSeed(description, timeZone, typeof seed === 'string'), description };
}
