import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  decideRetry,
  type RetryDecision,
  type RetryInput,
  type RetryPolicy,
} from './autotask.retry.js';

const now = Date.parse('2026-11-27T12:00:00Z');
const policy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 1_000,
  maxRetryAfterMs: 30_000,
  random: () => 0.5,
};
const read = { isIdempotent: true, now } as const;
const create = { isIdempotent: false, now } as const;

const nonIdempotent = (what: string): RetryDecision => ({
  retry: false,
  reason: `${what} on a non-idempotent request: never retried by the transport (re-read state first)`,
  waitMs: 0,
});

describe('decideRetry', () => {
  const cases: readonly [string, RetryInput, RetryDecision][] = [
    [
      '200 is a success',
      { ...read, attempt: 1, status: 200 },
      { retry: false, reason: 'success', waitMs: 0 },
    ],
    // attempt 1: step 200 ms → 100 fixed + 0.5 × 100 jitter
    [
      '429 backs off',
      { ...read, attempt: 1, status: 429 },
      { retry: true, reason: 'HTTP 429: backing off', waitMs: 150 },
    ],
    [
      '429 second attempt doubles',
      { ...read, attempt: 2, status: 429 },
      { retry: true, reason: 'HTTP 429: backing off', waitMs: 300 },
    ],
    [
      'backoff is capped',
      { ...read, attempt: 3, status: 503 },
      { retry: true, reason: 'HTTP 503: backing off', waitMs: 600 },
    ],
    [
      '502 retried',
      { ...read, attempt: 1, status: 502 },
      { retry: true, reason: 'HTTP 502: backing off', waitMs: 150 },
    ],
    [
      '504 retried',
      { ...read, attempt: 1, status: 504 },
      { retry: true, reason: 'HTTP 504: backing off', waitMs: 150 },
    ],
    [
      'Retry-After seconds honoured',
      { ...read, attempt: 1, status: 429, retryAfterHeader: '7' },
      { retry: true, reason: 'HTTP 429: honouring Retry-After 7000 ms', waitMs: 7_000 },
    ],
    [
      'Retry-After HTTP date honoured',
      { ...read, attempt: 1, status: 503, retryAfterHeader: new Date(now + 12_000).toUTCString() },
      { retry: true, reason: 'HTTP 503: honouring Retry-After 12000 ms', waitMs: 12_000 },
    ],
    [
      'Retry-After in the past means now',
      { ...read, attempt: 1, status: 429, retryAfterHeader: new Date(now - 5_000).toUTCString() },
      { retry: true, reason: 'HTTP 429: honouring Retry-After 0 ms', waitMs: 0 },
    ],
    [
      'Retry-After capped',
      { ...read, attempt: 1, status: 429, retryAfterHeader: '3600' },
      {
        retry: true,
        reason: 'HTTP 429: honouring Retry-After 30000 ms (capped from 3600000 ms)',
        waitMs: 30_000,
      },
    ],
    [
      'garbage Retry-After falls back to backoff',
      { ...read, attempt: 1, status: 429, retryAfterHeader: 'soon' },
      { retry: true, reason: 'HTTP 429: backing off', waitMs: 150 },
    ],
    [
      '500 never retried (validation / credentials)',
      { ...read, attempt: 1, status: 500 },
      {
        retry: false,
        reason: 'HTTP 500 is an Autotask validation or business-rule failure: not retried',
        waitMs: 0,
      },
    ],
    [
      '401 not retried here',
      { ...read, attempt: 1, status: 401 },
      { retry: false, reason: 'HTTP 401 is not transient: not retried', waitMs: 0 },
    ],
    [
      '403 not retried',
      { ...read, attempt: 1, status: 403 },
      { retry: false, reason: 'HTTP 403 is not transient: not retried', waitMs: 0 },
    ],
    [
      '404 not retried',
      { ...read, attempt: 1, status: 404 },
      { retry: false, reason: 'HTTP 404 is not transient: not retried', waitMs: 0 },
    ],
    [
      '405 not retried',
      { ...read, attempt: 1, status: 405 },
      { retry: false, reason: 'HTTP 405 is not transient: not retried', waitMs: 0 },
    ],
    [
      'ECONNRESET retried',
      { ...read, attempt: 1, networkErrorCode: 'ECONNRESET' },
      { retry: true, reason: 'ECONNRESET: backing off', waitMs: 150 },
    ],
    [
      'ECONNREFUSED retried',
      { ...read, attempt: 2, networkErrorCode: 'ECONNREFUSED' },
      { retry: true, reason: 'ECONNREFUSED: backing off', waitMs: 300 },
    ],
    [
      'ETIMEDOUT retried',
      { ...read, attempt: 1, networkErrorCode: 'ETIMEDOUT' },
      { retry: true, reason: 'ETIMEDOUT: backing off', waitMs: 150 },
    ],
    [
      'UND_ERR_SOCKET retried',
      { ...read, attempt: 1, networkErrorCode: 'UND_ERR_SOCKET' },
      { retry: true, reason: 'UND_ERR_SOCKET: backing off', waitMs: 150 },
    ],
    [
      'UND_ERR_CONNECT_TIMEOUT retried',
      { ...read, attempt: 1, networkErrorCode: 'UND_ERR_CONNECT_TIMEOUT' },
      { retry: true, reason: 'UND_ERR_CONNECT_TIMEOUT: backing off', waitMs: 150 },
    ],
    [
      'UND_ERR_HEADERS_TIMEOUT retried',
      { ...read, attempt: 1, networkErrorCode: 'UND_ERR_HEADERS_TIMEOUT' },
      { retry: true, reason: 'UND_ERR_HEADERS_TIMEOUT: backing off', waitMs: 150 },
    ],
    [
      'UND_ERR_BODY_TIMEOUT retried',
      { ...read, attempt: 1, networkErrorCode: 'UND_ERR_BODY_TIMEOUT' },
      { retry: true, reason: 'UND_ERR_BODY_TIMEOUT: backing off', waitMs: 150 },
    ],
    [
      'unknown network error not retried',
      { ...read, attempt: 1, networkErrorCode: 'ERR_TLS_CERT_ALTNAME_INVALID' },
      { retry: false, reason: 'ERR_TLS_CERT_ALTNAME_INVALID is not transient: not retried', waitMs: 0 },
    ],
    [
      'gives up at max attempts',
      { ...read, attempt: 4, status: 429, retryAfterHeader: '1' },
      { retry: false, reason: 'HTTP 429 after 4 of 4 attempts: giving up', waitMs: 0 },
    ],
    ['create: 429 never retried', { ...create, attempt: 1, status: 429 }, nonIdempotent('HTTP 429')],
    ['create: 503 never retried', { ...create, attempt: 1, status: 503 }, nonIdempotent('HTTP 503')],
    ['create: 500 never retried', { ...create, attempt: 1, status: 500 }, nonIdempotent('HTTP 500')],
    [
      'create: reset never retried',
      { ...create, attempt: 1, networkErrorCode: 'ECONNRESET' },
      nonIdempotent('ECONNRESET'),
    ],
    [
      'create: timeout never retried',
      { ...create, attempt: 1, networkErrorCode: 'UND_ERR_HEADERS_TIMEOUT' },
      nonIdempotent('UND_ERR_HEADERS_TIMEOUT'),
    ],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    expect(decideRetry(input, policy)).toStrictEqual(expected);
  });

  it('jitter spans half to full step and follows the random source', () => {
    expect(backoffMs(1, { ...policy, random: () => 0 })).toBe(100);
    expect(backoffMs(1, { ...policy, random: () => 0.999999 })).toBe(200);
    expect(backoffMs(10, { ...policy, random: () => 0 })).toBe(500);
  });
});
