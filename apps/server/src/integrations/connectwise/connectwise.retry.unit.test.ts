import { describe, expect, it } from 'vitest';
import { decideCwRetry } from './connectwise.retry.js';
import type { CwFailure } from './connectwise.errors.js';
import { nextPath } from './connectwise.client.js';
import { decodeCwCredentials, encodeCwCredentials } from './connectwise.credentials.js';

const policy = { maxAttempts: 4, backoffBaseMs: 100, backoffMaxMs: 1000, maxRetryAfterMs: 5000 };
const status = (s: number, retryAfterMs?: number): CwFailure => ({
  kind: 'status',
  status: s,
  code: '',
  message: '',
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

describe('decideCwRetry', () => {
  it.each([
    ['429 waits Retry-After, even a write', status(429, 2000), false, 1, { retry: true, waitMs: 2000 }],
    [
      '429 beyond the cap stops',
      status(429, 9000),
      true,
      1,
      { retry: false, reason: 'retry_after_too_long' },
    ],
    ['5xx read backs off', status(503), true, 1, { retry: true, reason: 'http_503' }],
    ['5xx write is not repeated', status(500), false, 1, { retry: false, reason: 'write_not_repeated' }],
    ['4xx never', status(400), true, 1, { retry: false, reason: 'client_error' }],
    [
      'sent write without answer is ambiguous',
      { kind: 'timeout', isSent: true },
      false,
      1,
      { retry: false, reason: 'ambiguous_write' },
    ],
    [
      'unsent write may retry',
      { kind: 'network', isSent: false, what: 'ECONNREFUSED' },
      false,
      1,
      { retry: true },
    ],
    ['attempts exhausted', status(503), true, 4, { retry: false, reason: 'attempts_exhausted' }],
  ] as const)('%s', (_, failure, isIdempotent, attempt, expected) => {
    expect(decideCwRetry(failure, { attempt, isIdempotent, random: () => 0.5 }, policy)).toMatchObject(
      expected,
    );
  });
});

describe('nextPath', () => {
  it('follows rel="next" and stops without it', () => {
    const link =
      '<https://h/v4_6_release/apis/3.0/company/companies?pageSize=2&page=2>; rel="next", <https://h/v4_6_release/apis/3.0/company/companies?pageSize=2&page=9>; rel="last"';
    expect(nextPath(link)).toBe('company/companies?pageSize=2&page=2');
    expect(nextPath('<https://h/x/apis/3.0/a?page=1>; rel="first"')).toBeNull();
    expect(nextPath(null)).toBeNull();
  });
});

describe('ConnectWise credentials', () => {
  it('round-trip through the port fields; a pasted URL keeps its host', () => {
    const fields = {
      site: 'https://NA.myconnectwise.net/v4_6_release/',
      companyId: 'acme',
      publicKey: 'Pub',
      privateKey: 'Priv',
    };
    const decoded = decodeCwCredentials(encodeCwCredentials(fields, 'guid'));
    expect(decoded).toEqual({
      ok: true,
      login: {
        site: 'na.myconnectwise.net',
        companyId: 'acme',
        publicKey: 'Pub',
        privateKey: 'Priv',
        clientId: 'guid',
      },
    });
  });
  it.each([
    [
      { site: 'na.myconnectwise.net', companyId: 'a b', publicKey: 'P', privateKey: 'S' },
      'guid',
      'bad_username',
    ],
    [
      { site: 'na.myconnectwise.net', companyId: 'a', publicKey: 'P', privateKey: 'S\n' },
      'guid',
      'bad_secret',
    ],
    [
      { site: 'na.myconnectwise.net', companyId: 'a', publicKey: 'P', privateKey: 'S' },
      '',
      'bad_integration_code',
    ],
  ] as const)('refuses what cannot travel: %j', (fields, clientId, code) => {
    const creds = encodeCwCredentials(fields, clientId);
    const decoded = decodeCwCredentials({
      ...creds,
      secret: fields.privateKey,
      username: `${fields.companyId}+${fields.publicKey}@${fields.site}`,
    });
    expect(decoded.ok ? null : decoded.error.code).toBe(code);
  });
});
