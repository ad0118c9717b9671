import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

import { isCommonPassword } from './common-passwords.js';

/**
 * scrypt password hashes as `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`; parameters travel with the
 * hash, so raising them never invalidates a stored hash: the next successful sign-in re-hashes
 * (`needsRehash`).
 */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** OWASP Password Storage Cheat Sheet (2025): scrypt N=2^17, r=8, p=1 — 128 MiB, ~0.4 s here. */
export const recommendedScrypt: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

/**
 * MODE=test only: the old cost, so hundreds of test sign-ins stay fast. Production never uses it
 * (config.ts), and the rehash test proves a hash at these parameters is upgraded.
 */
export const testScrypt: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };

const keyLength = 64;
export const MIN_PASSWORD_LENGTH = 10;

/**
 * 128 MiB a derivation at the recommended cost: a burst of sign-ins must not exhaust memory, so at
 * most two run at once (libuv has four threads anyway); the others wait their turn.
 */
const maxConcurrentDerivations = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= maxConcurrentDerivations) await new Promise<void>((resume) => waiting.push(resume));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

function derive(password: string, salt: Buffer, length: number, params: ScryptParams): Promise<Buffer> {
  return withSlot(
    () =>
      new Promise((resolve, reject) => {
        scrypt(
          password.normalize('NFKC'),
          salt,
          length,
          { ...params, maxmem: 128 * params.N * params.r * params.p + 64 * 1024 * 1024 },
          (error, key) => {
            if (error) reject(error);
            else resolve(key);
          },
        );
      }),
  );
}

export async function hashPassword(
  password: string,
  params: ScryptParams = recommendedScrypt,
): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, keyLength, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

function parseParams(stored: string): ScryptParams | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  // Bounded so a tampered row cannot make one sign-in allocate gigabytes.
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20 || r > 32 || p > 16) return null;
  return { N, r, p };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const params = parseParams(stored);
  if (params === null) return false;
  const parts = stored.split('$');
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  if (expected.length === 0) return false;
  const actual = await derive(password, salt, expected.length, params);
  return timingSafeEqual(actual, expected);
}

/** True when the stored hash is weaker than `params` (or unreadable): re-hash after a good sign-in. */
export function needsRehash(stored: string, params: ScryptParams): boolean {
  const current = parseParams(stored);
  if (current === null) return true;
  return current.N * current.r * current.p < params.N * params.r * params.p || current.N < params.N;
}

const dummyHashes = new Map<string, string>();

/**
 * A hash to verify against when the account does not exist, at the same cost as real ones, so
 * timing does not tell whether an e-mail is registered.
 */
export function dummyPasswordHash(params: ScryptParams): string {
  const key = `${params.N}$${params.r}$${params.p}`;
  let hash = dummyHashes.get(key);
  if (hash === undefined) {
    hash = `scrypt$${key}$AAAAAAAAAAAAAAAAAAAAAA==$${Buffer.alloc(keyLength).toString('base64')}`;
    dummyHashes.set(key, hash);
  }
  return hash;
}

export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (isCommonPassword(password))
    return 'This password is on the list of the most common passwords; choose another.';
  return null;
}
