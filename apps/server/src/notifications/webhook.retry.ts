import { exponentialBackoffMs } from '../lib/backoff.js';

/** Why a webhook delivery attempt ended the way it did. */
export const WEBHOOK_OUTCOMES = [
  'delivered',
  'timeout',
  'network_error',
  'rate_limited',
  'server_error',
  'client_error',
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

export interface WebhookAttemptResult {
  readonly outcome: WebhookOutcome;
  readonly status?: number;
  /** From a Retry-After header, when the receiver sent one. */
  readonly retryAfterMs?: number;
}

export interface WebhookRetryPolicy {
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultWebhookRetryPolicy: WebhookRetryPolicy = {
  maxAttempts: 4,
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
};

export interface WebhookRetryDecision {
  readonly retry: boolean;
  readonly reason: WebhookOutcome | 'attempts_exhausted';
  readonly waitMs: number;
}

export function classifyWebhookStatus(status: number): WebhookOutcome {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status >= 500) return 'server_error';
  return 'client_error';
}

/**
 * Pure: retry timeouts, network errors, 408/429 and 5xx with capped exponential backoff (a 429's
 * Retry-After wins, within the cap); never a 2xx or another 4xx (the receiver said no: retrying
 * the same body cannot help). Bounded by `maxAttempts`.
 */
export function webhookRetryDecision(
  result: WebhookAttemptResult,
  attempt: number,
  policy: WebhookRetryPolicy = defaultWebhookRetryPolicy,
): WebhookRetryDecision {
  switch (result.outcome) {
    case 'delivered':
    case 'client_error':
      return { retry: false, reason: result.outcome, waitMs: 0 };
    case 'timeout':
    case 'network_error':
    case 'rate_limited':
    case 'server_error': {
      if (attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts_exhausted', waitMs: 0 };
      const backoffMs = exponentialBackoffMs(attempt, {
        initialMs: policy.initialDelayMs,
        maxMs: policy.maxDelayMs,
      });
      const waitMs =
        result.retryAfterMs === undefined
          ? backoffMs
          : Math.min(policy.maxDelayMs, Math.max(0, result.retryAfterMs));
      return { retry: true, reason: result.outcome, waitMs };
    }
  }
}
