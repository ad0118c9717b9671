import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createMailer } from './email.sender.js';
import { startSmtpServer, startWebhookReceiver } from './notifications.test-support.js';
import { deliverWebhook } from './webhook.sender.js';
import { verifyWebhookSignature } from './webhook.signature.js';

const noWait = { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 20 };

describe('email over a real SMTP server', () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp.close();
  });

  it('delivers the message with sender, recipients, subject and text', async () => {
    const mailer = createMailer(smtp.url);
    try {
      await mailer.send({
        to: ['alice@msp.test', 'bob@msp.test'],
        subject: 'Autotask sync succeeded: Acme',
        text: 'Adjusted: 2\nDetails: http://x/runs/1\n',
      });
    } finally {
      mailer.close();
    }
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.from).toBe('bot@coro.test');
    expect(mail.to).toStrictEqual(['alice@msp.test', 'bob@msp.test']);
    expect(mail.data).toContain('Subject: Autotask sync succeeded: Acme');
    expect(mail.data).toContain('Adjusted: 2');
    expect(mail.data).toContain('From: PSA Bot <bot@coro.test>');
  });
});

describe('webhook over a real HTTP server', () => {
  const secret = 'whsec_test_123';
  const body = JSON.stringify({ type: 'sync.run.completed', data: { runId: 'r1' } });

  it('POSTs JSON with a signature the receiver can verify', async () => {
    const receiver = await startWebhookReceiver(() => ({ status: 204 }));
    try {
      const result = await deliverWebhook({ url: receiver.url, secret, body, policy: noWait });
      expect(result).toStrictEqual({
        isDelivered: true,
        attempts: 1,
        lastOutcome: 'delivered',
        lastStatus: 204,
      });
      const request = receiver.requests[0]!;
      expect(request.body).toBe(body);
      expect(request.contentType).toBe('application/json');
      expect(verifyWebhookSignature(secret, request.signature, request.body, Date.now() / 1000)).toBe(true);
      expect(verifyWebhookSignature('wrong', request.signature, request.body, Date.now() / 1000)).toBe(false);
    } finally {
      await receiver.close();
    }
  });

  it('retries 5xx and succeeds, each attempt freshly signed', async () => {
    const receiver = await startWebhookReceiver((i) => ({ status: i < 2 ? 503 : 200 }));
    try {
      const result = await deliverWebhook({ url: receiver.url, secret, body, policy: noWait });
      expect(result).toStrictEqual({
        isDelivered: true,
        attempts: 3,
        lastOutcome: 'delivered',
        lastStatus: 200,
      });
      for (const request of receiver.requests)
        expect(verifyWebhookSignature(secret, request.signature, request.body, Date.now() / 1000)).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('does not retry a 4xx, and gives up after the bounded attempts', async () => {
    const refusing = await startWebhookReceiver(() => ({ status: 404 }));
    const failing = await startWebhookReceiver(() => ({ status: 500 }));
    try {
      expect(await deliverWebhook({ url: refusing.url, secret, body, policy: noWait })).toMatchObject({
        isDelivered: false,
        attempts: 1,
        lastOutcome: 'client_error',
      });
      expect(await deliverWebhook({ url: failing.url, secret, body, policy: noWait })).toMatchObject({
        isDelivered: false,
        attempts: 3,
        lastStatus: 500,
      });
      expect(failing.requests).toHaveLength(3);
    } finally {
      await refusing.close();
      await failing.close();
    }
  });

  it('times out a receiver that hangs, and a closed port is a network error', async () => {
    const slow = await startWebhookReceiver(() => ({ status: 200, delayMs: 2000 }));
    try {
      const result = await deliverWebhook({
        url: slow.url,
        secret,
        body,
        timeoutMs: 200,
        policy: { ...noWait, maxAttempts: 2 },
      });
      expect(result).toMatchObject({ isDelivered: false, attempts: 2, lastOutcome: 'timeout' });
    } finally {
      await slow.close();
    }
    const closed = await deliverWebhook({
      url: slow.url,
      secret,
      body,
      policy: { ...noWait, maxAttempts: 1 },
    });
    expect(closed).toMatchObject({ isDelivered: false, lastOutcome: 'network_error' });
  });
});
