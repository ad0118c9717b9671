import { describe, expect, it } from 'vitest';

import { toNotice, type FinishedRun } from './notify-run.js';
import { renderRunEmail, webhookPayload } from './run-notice.js';
import { signWebhook, verifyWebhookSignature } from './webhook.signature.js';
import {
  classifyWebhookStatus,
  webhookRetryDecision,
  type WebhookAttemptResult,
  type WebhookRetryDecision,
} from './webhook.retry.js';

describe('webhook signature', () => {
  const body = '{"type":"sync.run.completed"}';

  it('is t=<unix>,v1=<hex hmac-sha256 of "t.body">', () => {
    // Reference value computed independently: printf '1700000000.%s' "$body" | openssl dgst -sha256 -hmac s3cret
    expect(signWebhook('s3cret', body, 1_700_000_000.9)).toBe(
      't=1700000000,v1=82fdca522019fc57ad3525e1e3330919f0fb20c8e25f93504bc09e9422e3d7cc',
    );
    expect(signWebhook('s3cret', body, 1_700_000_000)).toBe(signWebhook('s3cret', body, 1_700_000_000));
    expect(signWebhook('s3cret', body, 1_700_000_000)).not.toBe(signWebhook('other', body, 1_700_000_000));
  });

  it.each<[string, string | undefined, string, number, boolean]>([
    ['valid', signWebhook('s3cret', body, 1000), body, 1010, true],
    ['tampered body', signWebhook('s3cret', body, 1000), `${body} `, 1010, false],
    ['wrong secret', signWebhook('nope', body, 1000), body, 1010, false],
    ['too old (replay)', signWebhook('s3cret', body, 1000), body, 1000 + 301, false],
    ['timestamp swapped', signWebhook('s3cret', body, 1000).replace('t=1000', 't=1001'), body, 1010, false],
    ['missing', undefined, body, 1010, false],
    ['garbage', 't=x,v1=zz', body, 1010, false],
  ])('verify: %s', (_label, header, payload, now, expected) => {
    expect(verifyWebhookSignature('s3cret', header, payload, now)).toBe(expected);
  });
});

describe('webhookRetryDecision', () => {
  const policy = { maxAttempts: 4, initialDelayMs: 1000, maxDelayMs: 8000 };
  it.each<[string, WebhookAttemptResult, number, WebhookRetryDecision]>([
    [
      '2xx is done',
      { outcome: 'delivered', status: 204 },
      1,
      { retry: false, reason: 'delivered', waitMs: 0 },
    ],
    [
      '4xx is not retried',
      { outcome: 'client_error', status: 410 },
      1,
      { retry: false, reason: 'client_error', waitMs: 0 },
    ],
    [
      '5xx retries after the initial delay',
      { outcome: 'server_error', status: 503 },
      1,
      { retry: true, reason: 'server_error', waitMs: 1000 },
    ],
    [
      'then doubles',
      { outcome: 'server_error', status: 500 },
      2,
      { retry: true, reason: 'server_error', waitMs: 2000 },
    ],
    ['timeout retries', { outcome: 'timeout' }, 3, { retry: true, reason: 'timeout', waitMs: 4000 }],
    [
      'network error retries',
      { outcome: 'network_error' },
      1,
      { retry: true, reason: 'network_error', waitMs: 1000 },
    ],
    [
      '429 honours Retry-After',
      { outcome: 'rate_limited', status: 429, retryAfterMs: 3000 },
      1,
      { retry: true, reason: 'rate_limited', waitMs: 3000 },
    ],
    [
      '…within the cap',
      { outcome: 'rate_limited', status: 429, retryAfterMs: 3_600_000 },
      1,
      { retry: true, reason: 'rate_limited', waitMs: 8000 },
    ],
    [
      'bounded by maxAttempts',
      { outcome: 'server_error', status: 502 },
      4,
      { retry: false, reason: 'attempts_exhausted', waitMs: 0 },
    ],
  ])('%s', (_label, result, attempt, expected) => {
    expect(webhookRetryDecision(result, attempt, policy)).toStrictEqual(expected);
  });

  it.each([
    [200, 'delivered'],
    [299, 'delivered'],
    [301, 'client_error'],
    [400, 'client_error'],
    [408, 'server_error'],
    [429, 'rate_limited'],
    [500, 'server_error'],
  ])('classifies %i as %s', (status, outcome) => {
    expect(classifyWebhookStatus(status)).toBe(outcome);
  });
});

describe('run notice', () => {
  const run: FinishedRun = {
    runId: 'run-1',
    connectorId: 'conn-1',
    mode: 'apply',
    trigger: 'schedule',
    status: 'partial',
    effectiveDate: '2026-11-27',
    counters: {
      lines_total: 10,
      unchanged: 6,
      adjusted: 2,
      held: 1,
      skipped: 0,
      problems: 1,
      failed: 0,
      units_added: 5,
      units_removed: 2,
    },
    errorCode: null,
    errorMessage: null,
    startedAt: '2026-11-27T03:00:00.000Z',
    finishedAt: '2026-11-27T03:01:00.000Z',
  };

  it('renders a concise email with counts, problems and the link', () => {
    const email = renderRunEmail(
      toNotice(run, 'Acme MSP (autotask)', 'https://psa.example.com/', 'Autotask'),
    );
    expect(email.subject).toBe('[Action needed] Autotask sync finished with problems: Acme MSP (autotask)');
    expect(email.text).toContain('Adjusted: 2 (units +5 / -2)');
    expect(email.text).toContain('Held for approval: 1');
    expect(email.text).toContain('Problems: 1');
    expect(email.text).toContain('Details: https://psa.example.com/connectors/conn-1/runs/run-1');
  });

  it('says so plainly when all went well, and shows a failure reason', () => {
    const ok = toNotice(
      { ...run, status: 'succeeded', counters: { ...run.counters, held: 0, problems: 0 } },
      'Acme',
      'http://x',
      'Autotask',
    );
    expect(renderRunEmail(ok).subject).toBe('Autotask sync succeeded: Acme');
    const failed = toNotice(
      { ...run, status: 'failed', errorCode: 'psa_bad_secret', errorMessage: 'The secret was rejected.' },
      'Acme',
      'http://x',
      'Autotask',
    );
    expect(renderRunEmail(failed).text).toContain('Error (psa_bad_secret): The secret was rejected.');
    expect(webhookPayload(failed).type).toBe('sync.run.failed');
    expect(webhookPayload(ok).type).toBe('sync.run.completed');
  });
});
