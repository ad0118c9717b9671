import { describe, expect, it } from 'vitest';

import { csrfTokenFor, hashToken, MACHINE_TOKEN_PREFIX, newToken, safeEqual } from './tokens.js';
import { roleAllows, strongestRole } from './roles.js';

describe('tokens and CSRF', () => {
  it('makes distinct high-entropy tokens and hashes them stably', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(a);
    expect(hashToken(a)).toBe(hashToken(a));
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(newToken(MACHINE_TOKEN_PREFIX).startsWith('coro_mt_')).toBe(true);
  });

  it('derives the CSRF token from the session token only', () => {
    const session = newToken();
    expect(csrfTokenFor(session)).toBe(csrfTokenFor(session));
    expect(csrfTokenFor(session)).not.toBe(csrfTokenFor(newToken()));
    expect(csrfTokenFor(session)).not.toContain(session);
  });

  it('compares in constant time and handles different lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('roles', () => {
  it.each([
    ['msp_viewer', 'read', true],
    ['msp_viewer', 'write', false],
    ['msp_viewer', 'admin', false],
    ['msp_admin', 'read', true],
    ['msp_admin', 'write', true],
    ['msp_admin', 'admin', false],
    ['msp_super_admin', 'admin', true],
  ] as const)('%s may %s: %s', (role, level, expected) => {
    expect(roleAllows(role, level)).toBe(expected);
  });

  it('takes the strongest role along the tree', () => {
    expect(strongestRole(['msp_viewer', 'msp_admin'])).toBe('msp_admin');
    expect(strongestRole([])).toBeNull();
  });
});
