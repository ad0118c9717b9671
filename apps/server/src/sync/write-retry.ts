/**
 * Whether the sync sends an adjustment again after a failed POST. Pure and table-tested.
 *
 * Only failures the PSA guarantees were NOT applied are retried directly (a 429 or a gateway error
 * answered before the request was processed). An ambiguous failure (timeout, dropped connection) is
 * never retried blindly: the executor re-reads the units first (plan → persist → apply → confirm).
 */
import { exponentialBackoffMs } from '../lib/backoff.js';
import { isCredentialFailure, type PsaError } from '../psa/psa-provider.port.js';

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
  const backoff = exponentialBackoffMs(attempt, { initialMs: policy.baseDelayMs, maxMs: policy.maxDelayMs });
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

/** What a re-read of the units found for an adjustment whose outcome was not known. */
export type RereadOutcome = 'applied' | 'not_applied' | 'conflict' | 'unknown';

export interface WriteFailure {
  readonly error: PsaError;
  readonly attempt: number;
  /** The result of re-reading the units after this failure; absent until the writer has re-read. */
  readonly reread?: RereadOutcome;
  /** True when this line was already moved to the next day once (never twice). */
  readonly isMoved: boolean;
  /** True when the run lost its lease: nothing more is sent. */
  readonly isLost: boolean;
}

export type WriteFailureDecision =
  /** Look at the units before deciding: the write may have landed. */
  | { readonly action: 'reread'; readonly reason: string }
  /** It landed after all: record it as applied. */
  | { readonly action: 'confirm'; readonly reason: string }
  /** Could not look: the ledger row stays pending for the next run to settle. */
  | { readonly action: 'leave_pending'; readonly reason: string }
  /** Not applied and refused for this date: date it the next day (once). */
  | { readonly action: 'move_date'; readonly reason: string }
  /** Not applied: send again after `waitMs`. */
  | { readonly action: 'retry'; readonly reason: string; readonly waitMs: number }
  /** Final. `conflict`: the units moved under us; `refused`: the PSA's answer stands. */
  | {
      readonly action: 'fail';
      readonly reason: string;
      readonly failure: 'conflict' | 'refused';
      readonly isCredentialFailure: boolean;
    };

/**
 * What the writer does after a failed or ambiguous adjustment POST. An ambiguous failure may have
 * landed; a validation refusal may be the PSA refusing a second adjustment for the date because an
 * earlier attempt of ours did land. Either way the writer re-reads before deciding anything else.
 */
export function decideAfterWriteFailure(
  failure: WriteFailure,
  policy: WriteRetryPolicy = defaultWriteRetryPolicy,
): WriteFailureDecision {
  const { error, attempt, reread } = failure;
  const isValidation = error.code === 'validation_failed';
  if (error.isAmbiguous === true || isValidation) {
    if (reread === undefined) return { action: 'reread', reason: `${error.code}: may have landed` };
    if (reread === 'applied') return { action: 'confirm', reason: 're-read shows the new units' };
    if (reread === 'unknown') return { action: 'leave_pending', reason: 'could not re-read the units' };
    if (reread === 'conflict')
      return {
        action: 'fail',
        reason: 'units changed concurrently',
        failure: 'conflict',
        isCredentialFailure: false,
      };
    if (isValidation && !failure.isMoved)
      return { action: 'move_date', reason: 'refused for this date and not applied' };
    if (isValidation || attempt >= policy.maxAttempts)
      return {
        action: 'fail',
        reason: isValidation ? 'refused again on the next day' : `gave up after ${attempt} attempts`,
        failure: 'refused',
        isCredentialFailure: false,
      };
    // Not applied: safe to send again (and the PSA refuses a same-date duplicate anyway).
    return { action: 'retry', reason: 're-read shows it was not applied', waitMs: 0 };
  }
  const decision = decideWriteRetry(error, attempt, policy);
  if (decision.retry && !failure.isLost)
    return { action: 'retry', reason: decision.reason, waitMs: decision.waitMs };
  return {
    action: 'fail',
    reason: failure.isLost && decision.retry ? 'lease lost' : decision.reason,
    failure: 'refused',
    isCredentialFailure: isCredentialFailure(error),
  };
}
