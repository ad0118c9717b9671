import { endpoints, type EndpointSpec, type NotificationSettingsBody } from '@coro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { callEndpoint, type EndpointCallInput } from '../../../test/call-endpoint.js';
import { createConnectorHarness, type ConnectorHarness } from '../../../test/connector-harness.js';
import type { TestRole } from '../../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../../test/test-database.js';

const secret = 'whsec-never-comes-out-0123456789';

describe.skipIf(isDatabaseUnavailable())(`notification settings routes (${testDialect()})`, () => {
  let h: ConnectorHarness;
  const bodies: string[] = [];
  let connectorId = '';
  const params = () => ({ channelId: h.seed.channel.id, connectorId });
  const call = async <E extends EndpointSpec>(role: TestRole, endpoint: E, input: EndpointCallInput<E>) => {
    const response = await callEndpoint(h.app, endpoint, {
      ...input,
      headers: { ...(await h.login(role)), ...input.headers },
    });
    bodies.push(response.body);
    return response;
  };
  const put = (body: NotificationSettingsBody, role: TestRole = 'admin') =>
    call(role, endpoints.notifications.put, { params: params(), body });
  const base: NotificationSettingsBody = { isEmailEnabled: true, emailRecipients: null, webhookUrl: null };

  beforeAll(async () => {
    h = await createConnectorHarness();
    const created = await call('admin', endpoints.connectors.create, {
      params: { channelId: h.seed.channel.id },
      body: { kind: 'autotask', username: h.sandbox.apiUser.username, secret: h.sandbox.apiUser.secret },
    });
    connectorId = created.json().id;
  });
  afterAll(async () => {
    await h.close();
  });

  it('reads defaults, and a viewer may read but not write', async () => {
    const read = await call('viewer', endpoints.notifications.get, { params: params() });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ ...base, hasWebhookSecret: false });
    expect((await put(base, 'viewer')).statusCode).toBe(403);
    expect((await call('other_admin', endpoints.notifications.get, { params: params() })).statusCode).toBe(
      404,
    );
    expect((await call('anonymous', endpoints.notifications.get, { params: params() })).statusCode).toBe(401);
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
    expect(response.error().code).toBe('validation_failed');
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
