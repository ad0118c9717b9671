import { describe, expect, it } from 'vitest';

import type { PsaError, PsaErrorCode } from '../psa/psa-provider.port.js';
import { decideAfterWriteFailure, decideWriteRetry } from './write-retry.js';

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

describe('decideAfterWriteFailure', () => {
  const base = { attempt: 1, isMoved: false, isLost: false };
  const ambiguous = error('timeout', { isAmbiguous: true });
  const refused = error('validation_failed');
  it.each([
    ['ambiguous: re-read first', { ...base, error: ambiguous }, 'reread', 0],
    ['validation: re-read first', { ...base, error: refused }, 'reread', 0],
    ['re-read shows it landed', { ...base, error: ambiguous, reread: 'applied' }, 'confirm', 0],
    ['re-read failed: stays pending', { ...base, error: ambiguous, reread: 'unknown' }, 'leave_pending', 0],
    ['re-read finds other units', { ...base, error: ambiguous, reread: 'conflict' }, 'fail', 0],
    ['validation, not applied: next day', { ...base, error: refused, reread: 'not_applied' }, 'move_date', 0],
    [
      'validation on the moved date is final',
      { ...base, isMoved: true, error: refused, reread: 'not_applied' },
      'fail',
      0,
    ],
    ['ambiguous, not applied: send again', { ...base, error: ambiguous, reread: 'not_applied' }, 'retry', 0],
    [
      'ambiguous, not applied, last attempt',
      { ...base, attempt: 4, error: ambiguous, reread: 'not_applied' },
      'fail',
      0,
    ],
    ['429 waits and retries', { ...base, error: error('rate_limited') }, 'retry', 100],
    ['429 after the lease is lost', { ...base, isLost: true, error: error('rate_limited') }, 'fail', 0],
    ['429 on the last attempt', { ...base, attempt: 4, error: error('rate_limited') }, 'fail', 0],
    ['credentials are final', { ...base, error: error('bad_secret') }, 'fail', 0],
  ] as const)('%s', (_name, failure, action, waitMs) => {
    const decision = decideAfterWriteFailure(failure, policy);
    expect(decision.action).toBe(action);
    expect(decision.action === 'retry' ? decision.waitMs : 0).toBe(waitMs);
    expect(decision.reason).not.toBe('');
  });

  it.each([
    ['bad_secret', true],
    ['permission_denied', true],
    ['not_found', false],
    ['rate_limited', false],
  ] as const)('a final %s says whether the credentials are bad: %s', (code, isCredentialFailure) => {
    const decision = decideAfterWriteFailure({ ...base, attempt: 4, error: error(code) }, policy);
    expect(decision).toMatchObject({ action: 'fail', failure: 'refused', isCredentialFailure });
  });

  it('a conflict is not a refusal', () => {
    expect(decideAfterWriteFailure({ ...base, error: refused, reread: 'conflict' }, policy)).toMatchObject({
      action: 'fail',
      failure: 'conflict',
    });
  });
});
