import { endpoints, type ErrorEnvelope } from '@coro/contracts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { callEndpoint } from '../../test/call-endpoint.js';
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

  it('answers health and readiness to anyone, metrics only to a super admin without a token', async () => {
    expect((await t.app.inject('/healthz')).json()).toStrictEqual({ status: 'ok' });
    expect((await t.app.inject('/readyz')).json()).toStrictEqual({ status: 'ready' });
    const anonymous = await t.app.inject('/metrics');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json<ErrorEnvelope>().error.message).toContain('METRICS_TOKEN');
    for (const role of ['admin', 'viewer', 'child_viewer'] as const) {
      const { cookie } = await t.login(role);
      expect((await t.app.inject({ url: '/metrics', headers: { cookie } })).statusCode).toBe(401);
    }
    const unset = await t.app.inject({
      url: '/metrics',
      headers: { authorization: 'Bearer anything-at-all-1234' },
    });
    expect(unset.statusCode).toBe(401);
    const { cookie } = await t.login('super_admin');
    const metrics = await t.app.inject({ url: '/metrics', headers: { cookie } });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['cache-control']).toBe('no-store');
    expect(metrics.body).toContain('http_requests_total');
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
  });

  it('exports the event-loop delay of the scrape interval, and resets it after each scrape', async () => {
    const { cookie } = await t.login('super_admin');
    const scrape = async (): Promise<string> => {
      const response = await t.app.inject({ url: '/metrics', headers: { cookie } });
      expect(response.statusCode).toBe(200);
      return response.body;
    };
    await scrape();
    // After a reset Node's monitor drops its first sample, so let one 10 ms tick pass first.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const busyUntil = Date.now() + 150;
    while (Date.now() < busyUntil) {
      // Block the loop on purpose: the monitor must see a delay of about 150 ms.
    }
    await new Promise((resolve) => setTimeout(resolve, 40));
    const gauge = (body: string, name: string): number =>
      Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(body)?.[1]);
    const blocked = await scrape();
    expect(gauge(blocked, 'event_loop_delay_max_seconds')).toBeGreaterThanOrEqual(0.1);
    expect(gauge(blocked, 'event_loop_delay_p99_seconds')).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const calm = await scrape();
    expect(gauge(calm, 'event_loop_delay_max_seconds')).toBeLessThan(0.1);
  });

  it('logs in and reads me', async () => {
    const headers = await t.login('admin');
    const me = await callEndpoint(t.app, endpoints.auth.me, { headers });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe('admin@test.example');
  });

  it('lists the service catalog from the migration seed', async () => {
    const response = await callEndpoint(t.app, endpoints.catalog.services, {
      headers: await t.login('viewer'),
    });
    const items = response.json().items;
    expect(items).toHaveLength(12);
    expect(items[0]).toStrictEqual({
      key: 'endpoint_security',
      name: 'Endpoint Security',
      kind: 'module',
      billingBasis: 'devices',
    });
    expect(items.filter((s) => s.kind === 'addon').map((s) => s.key)).toStrictEqual([
      'secure_messages',
      'inbound_gateway',
      'wifi_phishing',
      'secure_web_gateway',
    ]);
  });
});

describe.skipIf(isDatabaseUnavailable())(`app with console and metrics token (${testDialect()})`, () => {
  let t: TestApp;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'coro-dist-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dist, 'app.js'), 'console.log(1)');
    t = await createTestApp({ webDistDir: dist, config: { metricsToken: 'metrics-token-0123456789' } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves the console with an SPA fallback, but JSON 404 under /api', async () => {
    const asset = await t.app.inject('/app.js');
    expect(asset.statusCode).toBe(200);
    const deepLink = await t.app.inject('/channels/abc/mappings');
    expect(deepLink.statusCode).toBe(200);
    expect(deepLink.headers['content-type']).toContain('text/html');
    expect(deepLink.body).toContain('<title>console</title>');
    const api = await t.app.inject('/api/nope');
    expect(api.statusCode).toBe(404);
    expect(api.json<ErrorEnvelope>().error.code).toBe('not_found');
  });

  it('requires the metrics token when one is configured', async () => {
    expect((await t.app.inject('/metrics')).statusCode).toBe(401);
    expect(
      (await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode,
    ).toBe(401);
    expect(
      (await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-token-0123456789' } }))
        .statusCode,
    ).toBe(200);
  });
});
