/**
 * The one place that decides whether an Autotask call is tried again. Pure: the transport only
 * executes the decision and logs its reason.
 *
 * Differs from generic HTTP retry on purpose: Autotask answers 500 for business-rule, validation
 * and credential failures (bad username, bad integration code, unknown field), so 500 is final.
 * Only network failures, 429 and gateway errors (502/503/504) are transient.
 */
import { equalJitterMs, exponentialBackoffMs, parseRetryAfterMs } from '../../lib/backoff.js';

export interface RetryPolicy {
  /** Total attempts including the first. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Cap for a server-sent Retry-After, so one header cannot park a sync for an hour. */
  readonly maxRetryAfterMs: number;
  /** [0, 1); injected so jitter is deterministic in tests. */
  readonly random: () => number;
}

export const defaultRetryPolicy: Omit<RetryPolicy, 'random'> = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 60_000,
};

export type RetryInput = {
  /** 1-based number of the attempt that just failed. */
  readonly attempt: number;
  readonly retryAfterHeader?: string | null;
  /** False for adjustment creates: a repeat would add the delta twice. */
  readonly isIdempotent: boolean;
  /** Epoch ms, for HTTP-date Retry-After values. */
  readonly now: number;
} & ({ readonly status: number } | { readonly networkErrorCode: string });

export interface RetryDecision {
  readonly retry: boolean;
  readonly reason: string;
  readonly waitMs: number;
}

/** Error codes for which the request may simply be sent again (by an idempotent caller). */
export const retryableNetworkErrorCodes: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export const retryableStatuses: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export function decideRetry(input: RetryInput, policy: RetryPolicy): RetryDecision {
  const what = 'status' in input ? `HTTP ${input.status}` : input.networkErrorCode;
  if ('status' in input && input.status >= 200 && input.status < 300) {
    return { retry: false, reason: 'success', waitMs: 0 };
  }
  if (!input.isIdempotent) {
    return {
      retry: false,
      reason: `${what} on a non-idempotent request: never retried by the transport (re-read state first)`,
      waitMs: 0,
    };
  }
  const isTransient =
    'status' in input
      ? retryableStatuses.has(input.status)
      : retryableNetworkErrorCodes.has(input.networkErrorCode);
  if (!isTransient) {
    const why =
      'status' in input && input.status === 500
        ? 'HTTP 500 is an Autotask validation or business-rule failure: not retried'
        : `${what} is not transient: not retried`;
    return { retry: false, reason: why, waitMs: 0 };
  }
  if (input.attempt >= policy.maxAttempts) {
    return {
      retry: false,
      reason: `${what} after ${input.attempt} of ${policy.maxAttempts} attempts: giving up`,
      waitMs: 0,
    };
  }
  const retryAfterMs = parseRetryAfterMs(input.retryAfterHeader, input.now);
  if (retryAfterMs !== undefined) {
    const waitMs = Math.min(retryAfterMs, policy.maxRetryAfterMs);
    const capped = retryAfterMs > policy.maxRetryAfterMs ? ` (capped from ${retryAfterMs} ms)` : '';
    return { retry: true, reason: `${what}: honouring Retry-After ${waitMs} ms${capped}`, waitMs };
  }
  return { retry: true, reason: `${what}: backing off`, waitMs: backoffMs(input.attempt, policy) };
}

/**
 * "Equal jitter": half the exponential step is fixed, half random. Keeps a floor (so a 429 storm
 * actually backs off) while spreading parallel retries apart.
 */
export function backoffMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const step = exponentialBackoffMs(attempt, { initialMs: policy.baseDelayMs, maxMs: policy.maxDelayMs });
  return equalJitterMs(step, policy.random);
}
