import { SECURE_COOKIE_PREFIX, type Me } from '@coro/contracts';
import { describe, expect, it } from 'vitest';

import { createTestApp, TEST_PASSWORD } from '../../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../../test/test-database.js';
import { PERMISSIONS_POLICY } from './security-headers.js';

describe.skipIf(isDatabaseUnavailable())(`security headers and cookies (${testDialect()})`, () => {
  it('over http: no-store on API answers, Permissions-Policy, no https-only directives, plain cookie names', async () => {
    const t = await createTestApp();
    try {
      const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: await t.login('admin') });
      expect(me.statusCode).toBe(200);
      expect(me.headers['cache-control']).toBe('no-store');
      expect(me.headers['permissions-policy']).toBe(PERMISSIONS_POLICY);
      const refused = await t.app.inject({ method: 'GET', url: '/api/auth/me' });
      expect(refused.headers['cache-control']).toBe('no-store');
      const health = await t.app.inject('/healthz');
      expect(health.headers['permissions-policy']).toBe(PERMISSIONS_POLICY);
      expect(health.headers['cache-control']).toBeUndefined();
      expect(String(health.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
      expect(String(health.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
      expect(health.headers['strict-transport-security']).toBeUndefined();
      // Set as the request arrives, so answers no handler wrote (a 404) carry them too.
      const missing = await t.app.inject('/api/no-such-endpoint');
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['x-content-type-options']).toBe('nosniff');
      expect(missing.headers['content-security-policy']).toBe(health.headers['content-security-policy']);
      expect(missing.headers['permissions-policy']).toBe(PERMISSIONS_POLICY);
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'admin@test.example', password: TEST_PASSWORD },
      });
      const names = (login.cookies as { name: string }[]).map((c) => c.name).sort();
      expect(names).toStrictEqual(['coro_csrf', 'coro_session']);
    } finally {
      await t.close();
    }
  });

  it('over https: __Host- cookies (Secure, path /, no Domain) that authenticate, upgrade-insecure-requests, HSTS', async () => {
    const t = await createTestApp({ config: { isSecureCookies: true, publicUrl: 'https://coro.example' } });
    try {
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'admin@test.example', password: TEST_PASSWORD },
      });
      expect(login.statusCode).toBe(200);
      const cookies = login.cookies as {
        name: string;
        value: string;
        secure?: boolean;
        path?: string;
        domain?: string;
      }[];
      expect(cookies.map((c) => c.name).sort()).toStrictEqual([
        `${SECURE_COOKIE_PREFIX}coro_csrf`,
        `${SECURE_COOKIE_PREFIX}coro_session`,
      ]);
      expect(cookies.every((c) => c.secure === true && c.path === '/' && c.domain === undefined)).toBe(true);
      const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const csrf = cookies.find((c) => c.name.endsWith('coro_csrf'))?.value ?? '';
      const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
      expect(me.json<Me>().user.email).toBe('admin@test.example');
      // The unprefixed name is not read any more: a cookie planted by a sibling subdomain is ignored.
      const planted = await t.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { cookie: cookie.replaceAll(SECURE_COOKIE_PREFIX, '') },
      });
      expect(planted.statusCode).toBe(401);
      const logout = await t.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { cookie, 'x-csrf-token': csrf },
      });
      expect(logout.statusCode).toBe(200);
      expect(String(logout.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
      expect(logout.headers['strict-transport-security']).toContain('max-age=');
    } finally {
      await t.close();
    }
  });
});
