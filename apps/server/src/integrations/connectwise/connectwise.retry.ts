/**
 * Whether to repeat a ConnectWise request (pure, table-tested). ConnectWise asks to retry 5xx with
 * backoff and never 4xx (reference §3); 429 waits Retry-After. A write that may have been applied
 * (sent, then no answer) is never repeated here: the caller re-reads first.
 */
import { equalJitterMs, exponentialBackoffMs } from '../../lib/backoff.js';
import type { CwFailure } from './connectwise.errors.js';

export interface CwRetryPolicy {
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly maxRetryAfterMs: number;
}

export interface CwRetryDecision {
  readonly retry: boolean;
  readonly reason: string;
  readonly waitMs: number;
}

export function decideCwRetry(
  failure: CwFailure,
  context: { readonly attempt: number; readonly isIdempotent: boolean; readonly random: () => number },
  policy: CwRetryPolicy,
): CwRetryDecision {
  const stop = (reason: string): CwRetryDecision => ({ retry: false, reason, waitMs: 0 });
  if (context.attempt >= policy.maxAttempts) return stop('attempts_exhausted');
  const backoff = (): number =>
    equalJitterMs(
      exponentialBackoffMs(context.attempt, { initialMs: policy.backoffBaseMs, maxMs: policy.backoffMaxMs }),
      context.random,
    );
  switch (failure.kind) {
    case 'status':
      if (failure.status === 429) {
        // 429 is refused before any work is done, so even a write may repeat it.
        const wait = failure.retryAfterMs ?? backoff();
        return wait > policy.maxRetryAfterMs
          ? stop('retry_after_too_long')
          : { retry: true, reason: 'rate_limited', waitMs: wait };
      }
      if (failure.status >= 500 && context.isIdempotent)
        return { retry: true, reason: `http_${failure.status}`, waitMs: backoff() };
      return stop(failure.status >= 500 ? 'write_not_repeated' : 'client_error');
    case 'network':
    case 'timeout':
      if (failure.isSent && !context.isIdempotent) return stop('ambiguous_write');
      return { retry: true, reason: failure.kind, waitMs: backoff() };
    case 'company_unknown':
    case 'garbage':
      return stop(failure.kind);
  }
}
