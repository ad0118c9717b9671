import { endpoints, endpointUrl } from '@coro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { callEndpoint } from '../../../test/call-endpoint.js';
import { createConnectorHarness, type ConnectorHarness } from '../../../test/connector-harness.js';
import { isDatabaseUnavailable, testDialect } from '../../../test/test-database.js';
import { startSmtpServer, startWebhookReceiver } from '../../notifications/notifications.test-support.js';
import { verifyWebhookSignature } from '../../notifications/webhook.signature.js';

const secret = 'whsec-test-send-never-comes-out-0123';

describe.skipIf(isDatabaseUnavailable())(`POST …/notifications/test (${testDialect()})`, () => {
  let h: ConnectorHarness;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let params = { channelId: '', connectorId: '' };
  const bodies: string[] = [];

  const put = async (body: {
    isEmailEnabled: boolean;
    emailRecipients: string[] | null;
    webhookUrl: string | null;
    webhookSecret?: string | null;
  }) => {
    const response = await callEndpoint(h.app, endpoints.notifications.put, {
      params,
      body,
      headers: await h.login('admin'),
    });
    expect(response.statusCode).toBe(200);
  };
  const sendTest = async () => {
    const response = await callEndpoint(h.app, endpoints.notifications.test, {
      params,
      body: {},
      headers: await h.login('admin'),
    });
    bodies.push(response.body);
    return response;
  };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    h = await createConnectorHarness({ config: { isWebhookPrivateAllowed: true, smtpUrl: smtp.url } });
    const created = await callEndpoint(h.app, endpoints.connectors.create, {
      params: { channelId: h.seed.channel.id },
      body: { kind: 'autotask', username: h.sandbox.apiUser.username, secret: h.sandbox.apiUser.secret },
      headers: await h.login('admin'),
    });
    expect(created.statusCode).toBe(201);
    params = { channelId: h.seed.channel.id, connectorId: created.json().id };
  });
  afterAll(async () => {
    await h.close();
    await smtp.close();
  });

  it('refuses with 409 when neither channel is configured, and sends nothing', async () => {
    await put({ isEmailEnabled: false, emailRecipients: null, webhookUrl: null });
    const response = await sendTest();
    expect(response.statusCode).toBe(409);
    expect(response.error().code).toBe('conflict');
    expect(response.error().message).toMatch(/Nothing to test/);
    expect(smtp.received).toHaveLength(0);
  });

  it('sends a labelled e-mail and a signed webhook the receiver verifies; audits without the secret', async () => {
    const receiver = await startWebhookReceiver(() => ({ status: 204 }));
    try {
      await put({
        isEmailEnabled: true,
        emailRecipients: ['ops@msp.example'],
        webhookUrl: receiver.url,
        webhookSecret: secret,
      });
      const response = await sendTest();
      expect(response.statusCode).toBe(200);
      const result = response.json();
      expect(result.email).toMatchObject({ status: 'sent', advice: null });
      expect(result.email.detail).toMatch(/^250/);
      expect(result.webhook).toMatchObject({ status: 'sent', detail: 'HTTP 204', advice: null });
      expect(typeof result.webhook.durationMs).toBe('number');

      expect(receiver.requests).toHaveLength(1);
      const request = receiver.requests[0]!;
      expect(verifyWebhookSignature(secret, request.signature, request.body, Date.now() / 1000)).toBe(true);
      expect(JSON.parse(request.body)).toMatchObject({ type: 'notifications.test' });

      const mail = smtp.received.at(-1)!;
      expect(mail.to).toStrictEqual(['ops@msp.example']);
      expect(mail.data).toContain('Subject: [Test]');
      expect(mail.data).toContain('This is a test notification');

      const events = await h.db
        .selectFrom('audit_events')
        .select(['after_json'])
        .where('action', '=', 'notifications.test_sent')
        .execute();
      expect(events).toHaveLength(1);
      expect(JSON.stringify(events)).not.toContain(secret);
      expect(bodies.join('\n')).not.toContain(secret);
      expect(h.logLines.join('\n')).not.toContain(secret);
    } finally {
      await receiver.close();
    }
  });

  it('reports a failing receiver as failed with advice, once (no retries while someone waits)', async () => {
    const receiver = await startWebhookReceiver(() => ({ status: 500 }));
    try {
      await put({ isEmailEnabled: false, emailRecipients: null, webhookUrl: receiver.url });
      const response = await sendTest();
      expect(response.statusCode).toBe(200);
      const result = response.json();
      expect(result.email).toMatchObject({ status: 'not_configured' });
      expect(result.email.advice).toMatch(/e-mail/i);
      expect(result.webhook).toMatchObject({ status: 'failed', detail: 'HTTP 500' });
      expect(result.webhook.advice).toMatch(/receiver answered with an error/);
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('refuses a body with unknown fields (strict)', async () => {
    // Raw inject on purpose: a body the endpoint refuses, sent as it is.
    const response = await h.app.inject({
      method: 'POST',
      url: endpointUrl(endpoints.notifications.test, { params }),
      payload: { to: 'x@y.z' },
      headers: await h.login('admin'),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation_failed');
  });
});
