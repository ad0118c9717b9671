import { describe, expect, it } from 'vitest';

import {
  dummyPasswordHash,
  hashPassword,
  needsRehash,
  passwordProblem,
  recommendedScrypt,
  testScrypt,
  verifyPassword,
} from './password.js';

describe('password hashing (scrypt)', () => {
  it('hashes at the OWASP parameters by default and verifies', async () => {
    expect(recommendedScrypt).toStrictEqual({ N: 131_072, r: 8, p: 1 });
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$131072\$8\$1\$[^$]+\$[^$]+$/);
    expect(hash).not.toContain('correct');
    await expect(verifyPassword('correct horse battery', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', hash)).resolves.toBe(false);
  });

  it('still verifies hashes made at older parameters, and says they need a re-hash', async () => {
    const old = await hashPassword('correct horse battery', testScrypt);
    expect(old).toMatch(/^scrypt\$16384\$8\$1\$/);
    await expect(verifyPassword('correct horse battery', old)).resolves.toBe(true);
    expect(needsRehash(old, recommendedScrypt)).toBe(true);
    expect(needsRehash(old, testScrypt)).toBe(false);
    expect(needsRehash('garbage', testScrypt)).toBe(true);
  });

  it('salts: the same password hashes differently', async () => {
    expect(await hashPassword('same password', testScrypt)).not.toBe(
      await hashPassword('same password', testScrypt),
    );
  });

  it('refuses malformed hashes, absurd parameters and the dummy hash', async () => {
    await expect(verifyPassword('x', 'plain')).resolves.toBe(false);
    await expect(verifyPassword('x', 'scrypt$a$b$c$d$e')).resolves.toBe(false);
    await expect(verifyPassword('x', 'scrypt$1073741824$8$1$AAAA$AAAA')).resolves.toBe(false);
    await expect(verifyPassword('', dummyPasswordHash(testScrypt))).resolves.toBe(false);
    expect(dummyPasswordHash(recommendedScrypt)).toMatch(/^scrypt\$131072\$8\$1\$/);
  });

  it('states the length rule and refuses the most common passwords', () => {
    expect(passwordProblem('short')).toContain('at least 10');
    expect(passwordProblem('long enough!')).toBeNull();
    expect(passwordProblem('demo-admin-2026!')).toBeNull();
    for (const common of ['1234567890', 'QWERTYUIOP', 'Password2026!', 'welcome#1234', 'aaaaaaaaaaaa'])
      expect(passwordProblem(common)).toMatch(/most common passwords/);
  });
});
