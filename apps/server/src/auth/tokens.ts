import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256-bit random token, URL-safe. */
export const newToken = (prefix = ''): string => `${prefix}${randomBytes(32).toString('base64url')}`;

/** Tokens are high-entropy, so a plain SHA-256 is enough to store them (no salt/stretching). */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * The double-submit CSRF value for a session, derived from the session token: an attacker who
 * cannot read the session cookie cannot compute it, and nothing extra is stored.
 */
export const csrfTokenFor = (sessionToken: string): string =>
  createHmac('sha256', sessionToken).update('coro-csrf-v1').digest('base64url');

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Machine tokens carry a recognisable prefix (secret scanners, and humans, can spot them). */
export const MACHINE_TOKEN_PREFIX = 'coro_mt_';
