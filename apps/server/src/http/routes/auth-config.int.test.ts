import { endpoints } from '@coro/contracts';
import { afterEach, describe, expect, it } from 'vitest';

import { callEndpoint } from '../../../test/call-endpoint.js';
import { createTestApp, type TestApp } from '../../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../../test/test-database.js';

describe.skipIf(isDatabaseUnavailable())(`GET /api/auth/config (${testDialect()})`, () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('tells the sign-in page the demo logins in demo mode, without a session', async () => {
    t = await createTestApp({ config: { mode: 'demo' } });
    const response = await callEndpoint(t.app, endpoints.auth.config, {});
    expect(response.statusCode).toBe(200);
    expect(response.json()).toStrictEqual({
      isDemo: true,
      demoLogins: [
        { email: 'admin@northwind.example', password: 'demo-admin-2026!', role: 'msp_super_admin' },
        { email: 'viewer@northwind.example', password: 'demo-viewer-2026!', role: 'msp_viewer' },
      ],
    });
  });

  it.each(['production', 'test'] as const)('reveals no login in %s mode', async (mode) => {
    t = await createTestApp({ config: { mode } });
    const response = await callEndpoint(t.app, endpoints.auth.config, {});
    expect(response.statusCode).toBe(200);
    expect(response.json()).toStrictEqual({ isDemo: false });
    expect(response.body).not.toContain('demo-admin');
  });
});
