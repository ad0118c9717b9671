import { describe, expect, it } from 'vitest';

import type { PsaError, PsaErrorCode } from '../psa/psa-provider.port.js';
import { decideWriteRetry } from './write-retry.js';

const error = (code: PsaErrorCode, extra: Partial<PsaError> = {}): PsaError => ({
  code,
  message: 'x',
  advice: 'y',
  ...extra,
});
const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('decideWriteRetry', () => {
  it.each([
    ['429 on the first attempt', error('rate_limited'), 1, true, 100],
    ['429 honours Retry-After', error('rate_limited', { retryAfterMs: 700 }), 1, true, 700],
    ['Retry-After is capped', error('rate_limited', { retryAfterMs: 90_000 }), 1, true, 1_000],
    ['backoff doubles', error('unavailable'), 3, true, 400],
    ['non-ambiguous timeout (not sent)', error('timeout'), 1, true, 100],
    ['ambiguous timeout is never retried blindly', error('timeout', { isAmbiguous: true }), 1, false, 0],
    ['ambiguous 503 is never retried blindly', error('unavailable', { isAmbiguous: true }), 1, false, 0],
    ['last attempt', error('rate_limited'), 4, false, 0],
    ['validation (e.g. same-date duplicate) is final', error('validation_failed'), 1, false, 0],
    ['credentials are final', error('bad_secret'), 1, false, 0],
    ['permission is final', error('permission_denied'), 1, false, 0],
    ['not found is final', error('not_found'), 1, false, 0],
  ] as const)('%s', (_name, err, attempt, retry, waitMs) => {
    const decision = decideWriteRetry(err, attempt, policy);
    expect(decision.retry).toBe(retry);
    expect(decision.waitMs).toBe(waitMs);
    expect(decision.reason).not.toBe('');
  });
});
