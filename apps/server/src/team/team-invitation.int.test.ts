import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints } from '@coro/contracts';

import { callEndpoint } from '../../test/call-endpoint.js';
import { startSmtpServer } from '../notifications/notifications.test-support.js';
import { createTestApp, type TestApp } from '../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';

/** With SMTP_URL set, a new account's one-time password goes by e-mail (a real SMTP server here). */
describe.skipIf(isDatabaseUnavailable())(`team invitation by e-mail (${testDialect()})`, () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({ config: { smtpUrl: smtp.url, publicUrl: 'https://psa.msp.example' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  const add = async (app: TestApp, email: string) =>
    callEndpoint(app.app, endpoints.team.add, {
      params: { channelId: app.seed.channel.id },
      headers: await app.login('admin'),
      body: { email, role: 'msp_billing' },
    });

  it('e-mails the sign-in link and one-time password instead of returning it', async () => {
    const response = await add(t, 'invited@team.example');
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      onboarding: 'invitation_emailed',
      oneTimePassword: null,
    });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0];
    expect(mail?.to).toEqual(['invited@team.example']);
    const body = (mail?.data ?? '').replace(/=\r?\n/g, '');
    expect(body).toContain('https://psa.msp.example/login?email=invited%40team.example');
    expect(body).toContain('Test Channel');
    const password = /One-time password: (\S+)/.exec(body)?.[1] ?? '';
    expect(password).not.toBe('');
    const login = await callEndpoint(t.app, endpoints.auth.login, {
      body: { email: 'invited@team.example', password },
    });
    expect(login.statusCode).toBe(200);
  });

  it('an existing account gets no e-mail (nothing to tell it but the new channel)', async () => {
    const before = smtp.received.length;
    const response = await add(t, t.seed.users.other_admin.email);
    expect(response.json().onboarding).toBe('existing_account');
    expect(smtp.received).toHaveLength(before);
  });

  it('falls back to showing the password once when the SMTP server refuses', async () => {
    const down = await createTestApp({ config: { smtpUrl: 'smtp://127.0.0.1:1' } });
    try {
      const response = await add(down, 'fallback@team.example');
      expect(response.statusCode, response.body).toBe(201);
      const added = response.json();
      expect(added.onboarding).toBe('one_time_password');
      expect(added.oneTimePassword).toEqual(expect.any(String));
    } finally {
      await down.close();
    }
  });
});
