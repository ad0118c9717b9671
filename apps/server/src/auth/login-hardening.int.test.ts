/**
 * Sign-in under abuse (issue 11): parallel wrong passwords cannot slip past the lockout threshold
 * (the count is one SQL increment), and a weak stored hash is re-hashed at the next sign-in.
 */
import type { ErrorEnvelope } from '@coro/contracts';
import { afterEach, describe, expect, it } from 'vitest';

import { createTestApp, TEST_PASSWORD, type TestApp } from '../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { testScrypt, verifyPassword } from './password.js';

const threshold = 5;

describe.skipIf(isDatabaseUnavailable())(`sign-in hardening (${testDialect()})`, () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const start = async (passwordHashing = testScrypt): Promise<TestApp> => {
    t = await createTestApp({
      config: {
        login: {
          rateLimitMax: 10_000,
          rateLimitWindowMs: 60_000,
          lockoutThreshold: threshold,
          lockoutMs: 60_000,
        },
        passwordHashing,
      },
    });
    return t;
  };
  const attempt = (app: TestApp, password: string, remoteAddress: string) =>
    app.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'viewer@test.example', password },
      remoteAddress,
    });
  const userRow = (app: TestApp) =>
    app.db
      .selectFrom('users')
      .select(['failed_login_count', 'locked_until', 'password_hash'])
      .where('email', '=', 'viewer@test.example')
      .executeTakeFirstOrThrow();

  it('10 parallel wrong passwords and the right one: the account locks and the right one is refused', async () => {
    const app = await start();
    const wrong = Array.from({ length: 10 }, (_, i) => attempt(app, `wrong-${i}`, '10.1.0.1'));
    const responses = await Promise.all([...wrong, attempt(app, TEST_PASSWORD, '10.1.0.1')]);
    const right = responses.at(-1);
    expect(responses.slice(0, 10).every((r) => r.statusCode === 401)).toBe(true);
    const row = await userRow(app);
    expect(row.locked_until).not.toBeNull();
    // Derivations run two at a time in arrival order, so the right password is checked after the
    // burst has counted: the old read-modify-write let it in (200).
    expect(right?.statusCode).toBe(423);
    const after = await attempt(app, TEST_PASSWORD, '10.1.0.2');
    expect(after.statusCode).toBe(423);
    expect(after.json<ErrorEnvelope>().error.code).toBe('locked_out');
  });

  it('50 parallel wrong passwords from 5 addresses lock the account exactly as 5 in a row would', async () => {
    const app = await start();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => attempt(app, `wrong-${i}`, `10.2.0.${i % 5}`)),
    );
    expect(responses.every((r) => r.statusCode === 401)).toBe(true);
    const row = await userRow(app);
    expect(row.locked_until).not.toBeNull();
    // Failures during the lock are not counted (they would extend it forever).
    expect(row.failed_login_count).toBeLessThan(threshold);
    expect((await attempt(app, TEST_PASSWORD, '10.2.0.9')).statusCode).toBe(423);
  });

  it('4 wrong passwords then the right one: signed in, counter reset', async () => {
    const app = await start();
    await Promise.all(
      Array.from({ length: threshold - 1 }, (_, i) => attempt(app, `wrong-${i}`, '10.3.0.1')),
    );
    expect((await userRow(app)).failed_login_count).toBe(threshold - 1);
    expect((await attempt(app, TEST_PASSWORD, '10.3.0.1')).statusCode).toBe(200);
    expect(await userRow(app)).toMatchObject({ failed_login_count: 0, locked_until: null });
  });

  it('re-hashes a weaker stored hash at the next successful sign-in', async () => {
    const stronger = { N: 2 ** 15, r: 8, p: 1 };
    const app = await start(stronger);
    const before = (await userRow(app)).password_hash;
    expect(before).toMatch(/^scrypt\$16384\$/);
    expect((await attempt(app, 'wrong-password', '10.4.0.1')).statusCode).toBe(401);
    expect((await userRow(app)).password_hash).toBe(before);
    expect((await attempt(app, TEST_PASSWORD, '10.4.0.1')).statusCode).toBe(200);
    const after = (await userRow(app)).password_hash;
    expect(after).toMatch(/^scrypt\$32768\$8\$1\$/);
    await expect(verifyPassword(TEST_PASSWORD, after)).resolves.toBe(true);
    expect((await attempt(app, TEST_PASSWORD, '10.4.0.2')).statusCode).toBe(200);
    expect((await userRow(app)).password_hash).toBe(after);
  });
});
