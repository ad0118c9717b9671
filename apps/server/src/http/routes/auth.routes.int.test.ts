import { endpoints, endpointUrl, type ErrorEnvelope } from '@coro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { callEndpoint } from '../../../test/call-endpoint.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../../test/test-database.js';
import { hashToken } from '../../auth/tokens.js';

const setCookies = ({ response }: { response: { cookies: unknown } }) =>
  response.cookies as {
    name: string;
    value: string;
    httpOnly?: boolean;
    sameSite?: string;
    secure?: boolean;
    maxAge?: number;
  }[];

describe.skipIf(isDatabaseUnavailable())(`auth routes (${testDialect()})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      config: {
        login: { rateLimitMax: 1000, rateLimitWindowMs: 60_000, lockoutThreshold: 3, lockoutMs: 10 * 60_000 },
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (email: string, password: string, remoteAddress = '10.0.0.1') =>
    callEndpoint(t.app, endpoints.auth.login, { body: { email, password }, remoteAddress });

  it('logs in: HttpOnly Lax session cookie, JS-readable CSRF cookie, me with memberships and channels', async () => {
    const response = await login('ADMIN@test.example ', TEST_PASSWORD);
    expect(response.statusCode).toBe(200);
    const cookies = setCookies(response);
    const session = cookies.find((c) => c.name === 'coro_session')!;
    const csrf = cookies.find((c) => c.name === 'coro_csrf')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', maxAge: 12 * 3600 });
    expect(session.secure).toBeUndefined();
    expect(csrf.httpOnly).toBeUndefined();
    const me = response.json();
    expect(me.csrfToken).toBe(csrf.value);
    expect(me.user).toStrictEqual({
      id: t.seed.users.admin.id,
      email: 'admin@test.example',
      displayName: 'admin',
    });
    expect(me.memberships).toStrictEqual([
      {
        workspaceId: t.seed.channel.id,
        workspaceName: 'Test Channel',
        workspaceKind: 'channel',
        role: 'msp_admin',
      },
    ]);
    // The nested channel inherits the role; the other channel is absent.
    expect(me.channels.map((c) => [c.displayName, c.role])).toStrictEqual([
      ['Nested Channel', 'msp_admin'],
      ['Test Channel', 'msp_admin'],
    ]);
    expect(JSON.stringify(me)).not.toContain('password');
  });

  it('stores only the hash of the session token', async () => {
    const response = await login('viewer@test.example', TEST_PASSWORD);
    const token = setCookies(response).find((c) => c.name === 'coro_session')!.value;
    const rows = await t.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('user_id', '=', t.seed.users.viewer.id)
      .execute();
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(token));
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
  });

  it('rejects a wrong password and an unknown email with the same answer', async () => {
    const wrong = await login('super-admin@test.example', 'not-the-password');
    const unknown = await login('nobody@test.example', 'whatever-password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.error()).toStrictEqual(unknown.error());
    expect(wrong.error().code).toBe('unauthenticated');
    // Reset the failure count for later tests.
    expect((await login('super-admin@test.example', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('rejects malformed login bodies with validation codes', async () => {
    // Raw inject on purpose: these bodies are what the endpoint's type forbids.
    const missing = await t.app.inject({
      method: 'POST',
      url: endpointUrl(endpoints.auth.login),
      payload: { email: 'a@b.c' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json<ErrorEnvelope>().error.code).toBe('validation_failed');
    const extra = await t.app.inject({
      method: 'POST',
      url: endpointUrl(endpoints.auth.login),
      payload: { email: 'a@b.c', password: 'x', isAdmin: true },
    });
    expect(extra.json<ErrorEnvelope>().error.code).toBe('validation_failed');
  });

  it('locks the account after N failures without telling a guesser; the right password hears when', async () => {
    const email = 'child-viewer@test.example';
    const unknown = await login('nobody@test.example', 'wrong-0');
    for (const attempt of ['wrong-1', 'wrong-2', 'wrong-3', 'wrong-4']) {
      const response = await login(email, attempt);
      // The same answer as an unknown e-mail, before and after the lock: no enumeration.
      expect(response.statusCode).toBe(401);
      expect(response.error()).toStrictEqual(unknown.error());
    }
    const right = await login(email, TEST_PASSWORD);
    expect(right.statusCode).toBe(423);
    const error = right.error();
    const lockedUntil = (error.details as { lockedUntil: string }).lockedUntil;
    expect(error.code).toBe('locked_out');
    expect(error.message).toContain(lockedUntil);
    expect(new Date(lockedUntil).getTime() - t.clock().getTime()).toBe(10 * 60_000);
    // After the lockout window the right password works and resets the counter.
    t.clock.advance(10 * 60_000 + 1000);
    expect((await login(email, TEST_PASSWORD)).statusCode).toBe(200);
    const row = await t.db
      .selectFrom('users')
      .select(['failed_login_count', 'locked_until'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(row).toStrictEqual({ failed_login_count: 0, locked_until: null });
  });

  it('me requires a session; a bogus cookie is anonymous', async () => {
    expect((await callEndpoint(t.app, endpoints.auth.me, {})).statusCode).toBe(401);
    const bogus = await callEndpoint(t.app, endpoints.auth.me, {
      headers: { cookie: 'coro_session=forged' },
    });
    expect(bogus.statusCode).toBe(401);
    expect(bogus.error().code).toBe('unauthenticated');
  });

  it('requires the CSRF header on unsafe methods for cookie sessions', async () => {
    const headers = await t.login('admin', { fresh: true });
    const params = { id: t.seed.childB.id };
    const body = { companyName: 'x' };
    const noHeader = await callEndpoint(t.app, endpoints.workspaces.update, {
      params,
      headers: { cookie: headers.cookie! },
      body,
    });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.error().code).toBe('csrf_failed');
    const wrong = await callEndpoint(t.app, endpoints.workspaces.update, {
      params,
      headers: { ...headers, 'x-csrf-token': 'forged' },
      body,
    });
    expect(wrong.error().code).toBe('csrf_failed');
    // Another session's CSRF token does not fit this session.
    const other = await t.login('super_admin', { fresh: true });
    const crossed = await callEndpoint(t.app, endpoints.workspaces.update, {
      params,
      headers: { cookie: headers.cookie!, 'x-csrf-token': other['x-csrf-token']! },
      body,
    });
    expect(crossed.error().code).toBe('csrf_failed');
    const ok = await callEndpoint(t.app, endpoints.workspaces.update, { params, headers, body });
    expect(ok.statusCode).toBe(200);
    // Safe methods need no header.
    expect(
      (await callEndpoint(t.app, endpoints.workspaces.get, { params, headers: { cookie: headers.cookie! } }))
        .statusCode,
    ).toBe(200);
  });

  it('logout ends the session server-side and clears the cookies', async () => {
    const headers = await t.login('viewer', { fresh: true });
    const response = await callEndpoint(t.app, endpoints.auth.logout, { headers });
    expect(response.statusCode).toBe(200);
    expect(
      setCookies(response)
        .filter((c) => c.value === '')
        .map((c) => c.name)
        .sort(),
    ).toStrictEqual(['coro_csrf', 'coro_session']);
    expect((await callEndpoint(t.app, endpoints.auth.me, { headers })).statusCode).toBe(401);
  });

  it('expires sessions after the TTL', async () => {
    const headers = await t.login('viewer', { fresh: true });
    t.clock.advance(12 * 3_600_000 + 1);
    expect((await callEndpoint(t.app, endpoints.auth.me, { headers })).statusCode).toBe(401);
  });
});

describe.skipIf(isDatabaseUnavailable())(`login rate limit (${testDialect()})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      config: {
        login: { rateLimitMax: 3, rateLimitWindowMs: 60_000, lockoutThreshold: 100, lockoutMs: 60_000 },
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('throttles login attempts per client address with 429 rate_limited', async () => {
    const attempt = (remoteAddress: string) =>
      callEndpoint(t.app, endpoints.auth.login, {
        body: { email: 'admin@test.example', password: 'wrong' },
        remoteAddress,
      });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await attempt('192.0.2.7')).statusCode);
    expect(statuses).toStrictEqual([401, 401, 401, 429]);
    const limited = await attempt('192.0.2.7');
    expect(limited.error().code).toBe('rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();
    // Another address is not affected.
    expect((await attempt('192.0.2.8')).statusCode).toBe(401);
  });
});

describe.skipIf(isDatabaseUnavailable())(`secure cookies (${testDialect()})`, () => {
  it('marks cookies Secure when PUBLIC_URL is https', async () => {
    const t = await createTestApp({ config: { isSecureCookies: true } });
    try {
      const response = await callEndpoint(t.app, endpoints.auth.login, {
        body: { email: 'admin@test.example', password: TEST_PASSWORD },
      });
      expect(setCookies(response).every((c) => c.secure === true)).toBe(true);
    } finally {
      await t.close();
    }
  });
});
