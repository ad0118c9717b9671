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
      const result = await deliverWebhook({
        url: receiver.url,
        secret,
        body,
        isPrivateAllowed: true,
        policy: noWait,
      });
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
      const result = await deliverWebhook({
        url: receiver.url,
        secret,
        body,
        isPrivateAllowed: true,
        policy: noWait,
      });
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
      expect(
        await deliverWebhook({ url: refusing.url, secret, body, isPrivateAllowed: true, policy: noWait }),
      ).toMatchObject({
        isDelivered: false,
        attempts: 1,
        lastOutcome: 'client_error',
      });
      expect(
        await deliverWebhook({ url: failing.url, secret, body, isPrivateAllowed: true, policy: noWait }),
      ).toMatchObject({
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
        isPrivateAllowed: true,
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
      isPrivateAllowed: true,
      policy: { ...noWait, maxAttempts: 1 },
    });
    expect(closed).toMatchObject({ isDelivered: false, lastOutcome: 'network_error' });
  });
});

describe('delivery-time DNS check and pinning', () => {
  const secret = 'whsec_pin_123';
  const body = JSON.stringify({ type: 'notifications.test' });

  it('refuses when the name now resolves to a private address (rebinding), naming the rule', async () => {
    const receiver = await startWebhookReceiver(() => ({ status: 204 }));
    const asked: string[] = [];
    try {
      const result = await deliverWebhook({
        url: 'https://hooks.example.com/coro',
        secret,
        body,
        isPrivateAllowed: false,
        lookup: (host) => {
          asked.push(host);
          return Promise.resolve([{ address: '10.0.0.7', family: 4 }]);
        },
        policy: noWait,
      });
      expect(result).toStrictEqual({
        isDelivered: false,
        attempts: 0,
        lastOutcome: 'refused',
        lastStatus: null,
        refused: { rule: 'blocked_address', reason: 'private' },
      });
      expect(asked).toStrictEqual(['hooks.example.com']);
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });

  it('refuses when any one of several answers is private, and when the name does not resolve', async () => {
    const mixed = await deliverWebhook({
      url: 'https://hooks.example.com/coro',
      secret,
      body,
      isPrivateAllowed: false,
      lookup: () =>
        Promise.resolve([
          { address: '93.184.216.34', family: 4 },
          { address: '169.254.169.254', family: 4 },
        ]),
      policy: noWait,
    });
    expect(mixed.refused).toStrictEqual({ rule: 'blocked_address', reason: 'metadata' });
    const gone = await deliverWebhook({
      url: 'https://hooks.example.com/coro',
      secret,
      body,
      isPrivateAllowed: false,
      lookup: () => Promise.reject(new Error('ENOTFOUND')),
      policy: noWait,
    });
    expect(gone.refused).toStrictEqual({ rule: 'unresolvable' });
  });

  it('connects to the checked address only, keeping the URL host in the Host header', async () => {
    // hooks.coro.invalid resolves nowhere: the request can only arrive through the pinned address.
    const receiver = await startWebhookReceiver(() => ({ status: 204 }));
    const port = new URL(receiver.url).port;
    let answers = 0;
    try {
      const result = await deliverWebhook({
        url: `http://hooks.coro.invalid:${port}/hooks/coro`,
        secret,
        body,
        isPrivateAllowed: true,
        lookup: () => {
          answers += 1;
          return Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
        },
        policy: { ...noWait, maxAttempts: 1 },
      });
      expect(result).toMatchObject({ isDelivered: true, lastStatus: 204 });
      expect(answers).toBe(1);
      expect(receiver.requests[0]?.host).toBe(`hooks.coro.invalid:${port}`);
      expect(verifyWebhookSignature(secret, receiver.requests[0]?.signature, body, Date.now() / 1000)).toBe(
        true,
      );
    } finally {
      await receiver.close();
    }
  });
});
