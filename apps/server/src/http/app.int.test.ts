import type { Me } from '@coro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { createTestApp, type TestApp } from '../../test/test-app.js';

describe.skipIf(isDatabaseUnavailable())(`app (${testDialect()})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers health, readiness and metrics', async () => {
    expect((await t.app.inject('/healthz')).json()).toStrictEqual({ status: 'ok' });
    expect((await t.app.inject('/readyz')).json()).toStrictEqual({ status: 'ready' });
    const metrics = await t.app.inject('/metrics');
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('http_requests_total');
  });

  it('logs in and reads me', async () => {
    const headers = await t.login('admin');
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers });
    expect(me.statusCode).toBe(200);
    expect(me.json<Me>().user.email).toBe('admin@test.example');
  });
});
