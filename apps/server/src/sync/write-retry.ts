/**
 * Whether the sync sends an adjustment again after a failed POST. Pure and table-tested.
 *
 * Only failures the PSA guarantees were NOT applied are retried directly (a 429 or a gateway error
 * answered before the request was processed). An ambiguous failure (timeout, dropped connection) is
 * never retried blindly: the executor re-reads the units first (plan → persist → apply → confirm).
 */
import type { PsaError } from '../psa/psa-provider.port.js';

export interface WriteRetryDecision {
  readonly retry: boolean;
  readonly reason: string;
  readonly waitMs: number;
}

export interface WriteRetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultWriteRetryPolicy: WriteRetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

export function decideWriteRetry(
  error: PsaError,
  attempt: number,
  policy: WriteRetryPolicy = defaultWriteRetryPolicy,
): WriteRetryDecision {
  if (error.isAmbiguous === true)
    return { retry: false, reason: 'ambiguous: re-read before deciding', waitMs: 0 };
  if (attempt >= policy.maxAttempts)
    return { retry: false, reason: `gave up after ${attempt} attempts`, waitMs: 0 };
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  switch (error.code) {
    case 'rate_limited':
    case 'unavailable':
    case 'timeout': {
      const waitMs = Math.min(policy.maxDelayMs, Math.max(backoff, error.retryAfterMs ?? 0));
      return { retry: true, reason: `${error.code} (not applied)`, waitMs };
    }
    case 'bad_username':
    case 'bad_secret':
    case 'bad_integration_code':
    case 'permission_denied':
    case 'zone_unknown':
    case 'validation_failed':
    case 'not_found':
      return { retry: false, reason: `${error.code} is final`, waitMs: 0 };
  }
}
