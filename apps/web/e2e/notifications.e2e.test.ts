/**
 * Notification settings in Debian's Chromium: the built console served by the real server (child
 * process, fresh SQLite DATA_DIR, demo seed, a real Autotask sandbox for the connector). An admin
 * sets recipients, a webhook and its secret, presses "Send test": a local SMTP server (node:net,
 * written here) receives the labelled mail and a local receiver gets a webhook whose signature we
 * check with our own HMAC. axe: no serious/critical violation; 390 px: no sideways scroll.
 */
import { createHmac } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { endpoints } from '@coro/contracts';

import { sessionApi } from './support/api.js';
import { atPhoneWidth, seriousViolations, sidewaysScroll } from './support/checks.js';
import { connectorPageUrl, signIn } from './support/session.js';
import { chromiumAvailable, shotPath, startStack, type SandboxStack } from './support/stack.js';

const hasChromium = chromiumAvailable('the notifications e2e tests');
const secret = 'whsec-e2e-signing-secret-0042';

const listen = (server: Server | HttpServer): Promise<number> =>
  new Promise((done) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      done(typeof address === 'object' && address ? address.port : 0);
    }),
  );

/** Just enough SMTP for one client: greeting, EHLO, MAIL, RCPT, DATA, QUIT. Keeps each message. */
function tinySmtp(received: string[]): Server {
  return createServer((socket) => {
    let buffer = '';
    let inData = false;
    socket.write('220 tiny.smtp ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          received.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          inData = false;
          socket.write('250 2.0.0 Ok: queued as TINY1\r\n');
          continue;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const command = buffer.slice(0, eol).toUpperCase();
        buffer = buffer.slice(eol + 2);
        if (command.startsWith('EHLO') || command.startsWith('HELO')) socket.write('250 tiny.smtp\r\n');
        else if (command === 'DATA') {
          inData = true;
          socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        } else if (command === 'QUIT') socket.end('221 Bye\r\n');
        else socket.write('250 Ok\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
}

/** Our own check of `t=<unix>,v1=<hex hmac-sha256 of "t.body">`, independent of the server's code. */
function signatureVerifies(header: string | undefined, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest('hex');
  return expected === match[2] && Math.abs(Date.now() / 1000 - Number(match[1])) < 300;
}

describe.skipIf(!hasChromium)('notification settings e2e (Chromium)', () => {
  let stack: SandboxStack;
  let page: Page;
  let settingsUrl = '';
  const mails: string[] = [];
  const hooks: { signature: string | undefined; body: string }[] = [];
  const smtp = tinySmtp(mails);
  const receiver = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      hooks.push({ signature: req.headers['x-coro-signature'] as string | undefined, body });
      res.writeHead(204).end();
    });
  });
  let receiverUrl = '';

  beforeAll(async () => {
    const smtpPort = await listen(smtp);
    receiverUrl = `http://127.0.0.1:${await listen(receiver)}/hooks/coro`;
    stack = await startStack({
      label: 'notif',
      env: {
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}?from=${encodeURIComponent('PSA Bot <bot@coro.test>')}`,
        // The receiver listens on loopback: allowed here only, never by default.
        WEBHOOK_ALLOW_PRIVATE: 'true',
      },
    });
    page = await stack.newPage({ width: 1280, height: 900 });
    const channelId = await signIn(page, stack.baseUrl);
    const connector = await sessionApi(page, stack.baseUrl).call(endpoints.connectors.create, {
      params: { channelId },
      body: {
        kind: 'autotask',
        username: stack.sandbox.apiUser.username,
        secret: stack.sandbox.apiUser.secret,
      },
    });
    settingsUrl = connectorPageUrl(stack.baseUrl, { channelId, connectorId: connector.id }, 'settings');
  }, 180_000);

  // beforeAll may have failed half-way: the stack may not have started.
  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    await stack?.close();
    smtp.close();
    receiver.closeAllConnections();
    receiver.close();
  });

  it('saves recipients and a signed webhook, sends a test: mail arrives, signature verifies, outcome announced', async () => {
    await page.goto(settingsUrl);
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();
    await page.getByLabel('E-mail recipients').fill('ops@msp.example');
    await page.getByLabel('Webhook URL').fill(receiverUrl);
    await page.getByLabel('Webhook secret').fill(secret);
    const saved = page.waitForResponse(
      (r) => r.request().method() === 'PUT' && r.url().endsWith('/notifications'),
    );
    await page.getByRole('button', { name: 'Save notifications' }).click();
    const response = await saved;
    expect(response.status(), await response.text()).toBe(200);
    // Saved: the form now says a secret is set (and never shows it), and says it saved.
    await page.getByLabel('Replace the webhook secret').waitFor();
    await page.getByText('Notifications saved.').waitFor();

    await page.getByRole('button', { name: 'Send test' }).click();
    const region = page.getByRole('status').filter({ hasText: 'E-mail:' });
    await region.getByText('E-mail: Sent').waitFor();
    await region.getByText('Webhook: Sent').waitFor();
    expect(await region.textContent()).toContain('(HTTP 204)');
    expect(await region.textContent()).toContain('250 2.0.0 Ok: queued as TINY1');

    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain('Subject: [Test]');
    expect(mails[0]).toContain('This is a test notification');
    expect(hooks).toHaveLength(1);
    expect(signatureVerifies(hooks[0]?.signature, hooks[0]?.body ?? '')).toBe(true);
    expect(signatureVerifies(hooks[0]?.signature, `${hooks[0]?.body ?? ''} `)).toBe(false);
    expect(JSON.parse(hooks[0]?.body ?? '{}')).toMatchObject({ type: 'notifications.test' });

    expect(await seriousViolations(page), 'settings with test results').toEqual([]);
    const section = page.locator('section[aria-labelledby="notifications-title"]');
    await section.screenshot({ path: shotPath('notifications-settings') });
  });

  it('fits 390 px without scrolling sideways', async () => {
    const phone = await atPhoneWidth(stack, { height: 900 });
    await signIn(phone, stack.baseUrl);
    await phone.goto(settingsUrl);
    await phone.getByRole('button', { name: 'Send test' }).waitFor();
    expect((await sidewaysScroll(phone)).px).toBeLessThanOrEqual(0);
    expect(await seriousViolations(phone), 'settings at 390 px').toEqual([]);
    await phone.context().close();
  });
});
