import { describe, expect, it } from 'vitest';
import type { PsaErrorCode } from '../../psa/psa-provider.port.js';
import { classifyFailure, isHourlyThresholdRejection, type FailureInput } from './autotask.errors.js';

type Expected = { code: PsaErrorCode; detail?: string; retryAfterMs?: number; isAmbiguous?: boolean };

const http = (
  status: number,
  errorTexts: readonly string[] = [],
  extra: Partial<FailureInput> = {},
): FailureInput => ({ kind: 'http', phase: 'request', status, errorTexts, ...extra }) as FailureInput;

describe('classifyFailure', () => {
  const cases: readonly [string, FailureInput, Expected][] = [
    [
      'unknown user at discovery',
      {
        kind: 'http',
        phase: 'discovery',
        status: 500,
        errorTexts: ['Zone information could not be determined'],
      },
      { code: 'bad_username', detail: 'Zone information could not be determined' },
    ],
    [
      'unknown user on a request',
      http(500, ['Zone information could not be determined']),
      { code: 'bad_username', detail: 'Zone information could not be determined' },
    ],
    ['wrong secret', http(401), { code: 'bad_secret' }],
    [
      'wrong tracking identifier',
      http(500, ['IntegrationCode is invalid.']),
      { code: 'bad_integration_code', detail: 'IntegrationCode is invalid.' },
    ],
    ['403', http(403), { code: 'permission_denied' }],
    [
      '500 with the permission sentence',
      http(500, [
        'The logged in Resource does not have the adequate permissions to create this entity type.',
      ]),
      {
        code: 'permission_denied',
        detail: 'The logged in Resource does not have the adequate permissions to create this entity type.',
      },
    ],
    [
      '429 thread threshold',
      http(429, ['thread threshold of 3 threads has been exceeded'], { retryAfterMs: 5_000 }),
      {
        code: 'rate_limited',
        retryAfterMs: 5_000,
        detail: 'thread threshold of 3 threads has been exceeded',
      },
    ],
    ['429 without Retry-After', http(429, [], { retryAfterMs: null }), { code: 'rate_limited' }],
    ['502', http(502), { code: 'unavailable' }],
    [
      '503 with Retry-After',
      http(503, [], { retryAfterMs: 1_000 }),
      { code: 'unavailable', retryAfterMs: 1_000 },
    ],
    ['504', http(504), { code: 'unavailable' }],
    ['404', http(404), { code: 'not_found' }],
    [
      'other 500 carries the text',
      http(500, ['Unable to find foo in the Contract Entity']),
      { code: 'validation_failed', detail: 'Unable to find foo in the Contract Entity' },
    ],
    [
      '405 is a validation failure',
      http(405, ["The requested resource does not support http method 'GET'."]),
      { code: 'validation_failed', detail: "The requested resource does not support http method 'GET'." },
    ],
    ['400', http(400), { code: 'validation_failed' }],
    [
      'discovery 404',
      { kind: 'http', phase: 'discovery', status: 404, errorTexts: [] },
      { code: 'zone_unknown' },
    ],
    [
      'discovery 503',
      { kind: 'http', phase: 'discovery', status: 503, errorTexts: [] },
      { code: 'zone_unknown' },
    ],
    [
      'discovery network failure',
      { kind: 'network', phase: 'discovery', code: 'ENOTFOUND', isIdempotent: true },
      { code: 'zone_unknown' },
    ],
    [
      'discovery garbage',
      { kind: 'garbage', phase: 'discovery', what: 'zoneInformation: missing url' },
      { code: 'zone_unknown', detail: 'zoneInformation: missing url' },
    ],
    [
      'request garbage',
      { kind: 'garbage', phase: 'request', what: 'not JSON' },
      { code: 'unavailable', detail: 'not JSON' },
    ],
    [
      'read timeout',
      { kind: 'network', phase: 'request', code: 'UND_ERR_HEADERS_TIMEOUT', isIdempotent: true },
      { code: 'timeout' },
    ],
    [
      'connect timeout',
      { kind: 'network', phase: 'request', code: 'UND_ERR_CONNECT_TIMEOUT', isIdempotent: true },
      { code: 'timeout' },
    ],
    [
      'read reset',
      { kind: 'network', phase: 'request', code: 'ECONNRESET', isIdempotent: true },
      { code: 'unavailable' },
    ],
    [
      'read refused',
      { kind: 'network', phase: 'request', code: 'ECONNREFUSED', isIdempotent: true },
      { code: 'unavailable' },
    ],
    [
      'create timed out after sending: ambiguous',
      { kind: 'network', phase: 'request', code: 'UND_ERR_HEADERS_TIMEOUT', isIdempotent: false },
      { code: 'timeout', isAmbiguous: true },
    ],
    [
      'create lost its connection: ambiguous',
      { kind: 'network', phase: 'request', code: 'UND_ERR_SOCKET', isIdempotent: false },
      { code: 'unavailable', isAmbiguous: true },
    ],
    [
      'create refused before sending: not ambiguous',
      { kind: 'network', phase: 'request', code: 'ECONNREFUSED', isIdempotent: false },
      { code: 'unavailable' },
    ],
    [
      'create connect timeout: not ambiguous',
      { kind: 'network', phase: 'request', code: 'UND_ERR_CONNECT_TIMEOUT', isIdempotent: false },
      { code: 'timeout' },
    ],
    ['closed by us', { kind: 'closed' }, { code: 'unavailable' }],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    const error = classifyFailure(input);
    const { message, advice, ...rest } = error;
    expect(rest).toStrictEqual(expected);
    expect(message.length).toBeGreaterThan(10);
    expect(advice.length).toBeGreaterThan(10);
  });
});

describe('credential advice follows the setup guide', () => {
  // The spec's API-user setup: the username is the generated Username (Key), and the tracking
  // identifier comes from picking our Integration Vendor, not a custom one.
  it('names the Username (Key) for an unknown user', () => {
    const { advice } = classifyFailure(http(500, ['Zone information could not be determined']));
    expect(advice).toContain('Username (Key)');
    expect(advice).not.toMatch(/it is an e-mail/i);
  });

  it('names the integration vendor for a rejected tracking identifier', () => {
    const { advice } = classifyFailure(http(500, ['IntegrationCode is invalid.']));
    expect(advice).toContain('Integration Vendor “Coro Cybersecurity - REST API Integration”');
    expect(advice).not.toContain('Custom (Internal Integration)');
  });
});

describe('isHourlyThresholdRejection', () => {
  it.each([
    [
      429,
      ['The request threshold of 10000 requests per 60 minutes has been exceeded for this database.'],
      true,
    ],
    [
      429,
      ['Thread Threshold Exceeded — The Autotask API thread threshold of 3 threads has been exceeded.'],
      false,
    ],
    [429, ['Injected fault: too many requests.'], false],
    [429, [], false],
    [500, ['The request threshold of 10000 requests per 60 minutes has been exceeded'], false],
  ] as const)('%s %j → %s', (status, texts, expected) => {
    expect(isHourlyThresholdRejection(status, texts)).toBe(expected);
  });
});
