import { exponentialBackoffMs, type BackoffSteps } from '../lib/backoff.js';

/** Exponential backoff: the wait after attempt n is `initialMs * 2^(n-1)`, capped at `maxMs`. */
export type BackoffPolicy = BackoffSteps;

export const JOB_RETRY_REASONS = ['attempts_left', 'attempts_exhausted', 'permanent_failure'] as const;
export type JobRetryReason = (typeof JOB_RETRY_REASONS)[number];

export interface JobRetryDecision {
  readonly retry: boolean;
  readonly reason: JobRetryReason;
  readonly waitMs: number;
}

/**
 * The reason a queue aborts its handlers' signals when the process shuts down (`stop({ interrupt:
 * true })`): "reach a safe point and return". Unlike a timeout, it is not the job's fault.
 */
export class JobStopRequested extends Error {
  constructor() {
    super('the process is shutting down');
    this.name = 'JobStopRequested';
  }
}

/**
 * Throw from a handler that stopped at a safe point because of `JobStopRequested`: the queue hands
 * the job back at once (another worker or the restarted process resumes it) without spending one
 * of its attempts.
 */
export class JobReleasedError extends Error {
  constructor(message = 'stopped at a safe point for a shutdown; handed back') {
    super(message);
    this.name = 'JobReleasedError';
  }
}

export const isJobRelease = (error: unknown): boolean =>
  error instanceof JobReleasedError || error instanceof JobStopRequested;

/**
 * Throw from a handler when retrying cannot help (connector deleted, credentials rejected): the
 * job fails now instead of burning its remaining attempts.
 */
export class PermanentJobError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/**
 * Pure: whether a job that just failed on `attempt` (1-based) runs again, and after how long.
 * LocalQueue executes it as is; pg-boss gets the same limit and initial delay through its own
 * (randomised, uncapped) backoff, see docs/adr/0004-job-queue.md.
 */
export function jobRetryDecision(input: {
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly isPermanent: boolean;
}): JobRetryDecision {
  if (input.isPermanent) return { retry: false, reason: 'permanent_failure', waitMs: 0 };
  if (input.attempt >= input.maxAttempts) return { retry: false, reason: 'attempts_exhausted', waitMs: 0 };
  const waitMs = exponentialBackoffMs(input.attempt, input.backoff);
  return { retry: true, reason: 'attempts_left', waitMs };
}

/** The message kept in `last_error`: bounded, and never a whole provider payload. */
export function describeJobError(error: unknown): string {
  const text =
    error instanceof PermanentJobError
      ? `${error.code}: ${error.message}`
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}
