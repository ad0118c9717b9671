import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createConnectorHarness, type ConnectorHarness } from '../../../test/connector-harness.js';
import type { TestRole } from '../../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../../test/test-database.js';

const secret = 'whsec-never-comes-out-0123456789';

describe.skipIf(isDatabaseUnavailable())(`notification settings routes (${testDialect()})`, () => {
  let h: ConnectorHarness;
  const bodies: string[] = [];
  let url = '';
  const call = async (role: TestRole, options: InjectOptions) => {
    const response = await h.app.inject({
      ...options,
      headers: { ...(await h.login(role)), ...options.headers },
    });
    bodies.push(response.body);
    return response;
  };
  const put = (payload: object, role: TestRole = 'admin') => call(role, { method: 'PUT', url, payload });
  const base = { isEmailEnabled: true, emailRecipients: null, webhookUrl: null };

  beforeAll(async () => {
    h = await createConnectorHarness();
    const created = await call('admin', {
      method: 'POST',
      url: `/api/workspaces/${h.seed.channel.id}/connectors`,
      payload: { kind: 'autotask', username: h.sandbox.apiUser.username, secret: h.sandbox.apiUser.secret },
    });
    url = `/api/workspaces/${h.seed.channel.id}/connectors/${created.json().id}/notifications`;
  });
  afterAll(async () => {
    await h.close();
  });

  it('reads defaults, and a viewer may read but not write', async () => {
    const read = await call('viewer', { method: 'GET', url });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ ...base, hasWebhookSecret: false });
    expect((await put(base, 'viewer')).statusCode).toBe(403);
    expect((await call('other_admin', { method: 'GET', url })).statusCode).toBe(404);
    expect((await call('anonymous', { method: 'GET', url })).statusCode).toBe(401);
  });

  it.each([
    ['bad e-mail', { ...base, emailRecipients: ['not-an-email'] }],
    [
      'too many recipients',
      { ...base, emailRecipients: Array.from({ length: 21 }, (_, i) => `a${i}@x.example`) },
    ],
    ['http URL', { ...base, webhookUrl: 'http://hooks.example.com/x' }],
    ['loopback URL', { ...base, webhookUrl: 'https://127.0.0.1/x' }],
    ['metadata URL', { ...base, webhookUrl: 'https://169.254.169.254/latest' }],
    ['private IPv6 URL', { ...base, webhookUrl: 'https://[fd00::1]/x' }],
    ['localhost', { ...base, webhookUrl: 'https://localhost/x' }],
  ])('refuses %s with validation_failed', async (_, payload) => {
    const response = await put(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation_failed');
  });

  it('sets, keeps and clears the write-only secret; audits without it', async () => {
    const recipients = ['ops@msp.example', 'lead@msp.example'];
    const set = await put({
      ...base,
      emailRecipients: recipients,
      webhookUrl: 'https://93.184.216.34/hook',
      webhookSecret: secret,
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ emailRecipients: recipients, hasWebhookSecret: true });
    const kept = await put({ ...base, isEmailEnabled: false, webhookUrl: 'https://93.184.216.34/hook' });
    expect(kept.json()).toMatchObject({
      isEmailEnabled: false,
      emailRecipients: null,
      hasWebhookSecret: true,
    });
    const cleared = await put({ ...base, webhookSecret: null });
    expect(cleared.json()).toMatchObject({ webhookUrl: null, hasWebhookSecret: false });
    const events = await h.db
      .selectFrom('audit_events')
      .select(['before_json', 'after_json'])
      .where('action', '=', 'notifications.settings_updated')
      .execute();
    expect(events).toHaveLength(3);
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(bodies.join('\n')).not.toContain(secret);
    expect(h.logLines.join('\n')).not.toContain(secret);
  });
});
