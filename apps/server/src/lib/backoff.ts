/**
 * The arithmetic every retry module shares (PSA requests, adjustment writes, jobs, webhooks): one
 * exponential step, its jittered form, and reading a Retry-After header. The decisions themselves
 * stay with each module, pure and table-tested.
 */

export interface BackoffSteps {
  /** The wait after the first attempt. */
  readonly initialMs: number;
  /** No wait is longer than this. */
  readonly maxMs: number;
}

/** The wait after attempt n (1-based): `initialMs * 2^(n-1)`, capped at `maxMs`. */
export function exponentialBackoffMs(attempt: number, steps: BackoffSteps): number {
  // The exponent is clamped so a large attempt number cannot overflow to Infinity before the cap.
  const exponent = Math.min(30, Math.max(0, attempt - 1));
  return Math.min(steps.maxMs, steps.initialMs * 2 ** exponent);
}

/**
 * "Equal jitter": half the step is fixed, half random. Keeps a floor (so a 429 storm actually backs
 * off) while spreading parallel retries apart. `random` returns [0, 1).
 */
export function equalJitterMs(stepMs: number, random: () => number): number {
  const half = stepMs / 2;
  return Math.round(half + random() * half);
}

/** Retry-After as delta-seconds or an HTTP date, in ms; undefined when absent or unreadable. Never negative. */
export function parseRetryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === undefined || header === null) return undefined;
  const trimmed = header.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
