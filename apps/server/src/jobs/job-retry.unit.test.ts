import { describe, expect, it } from 'vitest';

import { jobRetryDecision, type JobRetryDecision } from './job-retry.js';

const backoff = { initialMs: 1000, maxMs: 5000 };

describe('jobRetryDecision', () => {
  it.each<[string, { attempt: number; maxAttempts: number; isPermanent: boolean }, JobRetryDecision]>([
    [
      'first failure waits the initial delay',
      { attempt: 1, maxAttempts: 4, isPermanent: false },
      { retry: true, reason: 'attempts_left', waitMs: 1000 },
    ],
    [
      'second failure doubles it',
      { attempt: 2, maxAttempts: 4, isPermanent: false },
      { retry: true, reason: 'attempts_left', waitMs: 2000 },
    ],
    [
      'third failure doubles again',
      { attempt: 3, maxAttempts: 5, isPermanent: false },
      { retry: true, reason: 'attempts_left', waitMs: 4000 },
    ],
    [
      'the wait is capped',
      { attempt: 4, maxAttempts: 9, isPermanent: false },
      { retry: true, reason: 'attempts_left', waitMs: 5000 },
    ],
    [
      'a huge attempt number stays capped',
      { attempt: 200, maxAttempts: 500, isPermanent: false },
      { retry: true, reason: 'attempts_left', waitMs: 5000 },
    ],
    [
      'the last attempt is final',
      { attempt: 4, maxAttempts: 4, isPermanent: false },
      { retry: false, reason: 'attempts_exhausted', waitMs: 0 },
    ],
    [
      'one attempt means no retry',
      { attempt: 1, maxAttempts: 1, isPermanent: false },
      { retry: false, reason: 'attempts_exhausted', waitMs: 0 },
    ],
    [
      'a permanent failure is never retried',
      { attempt: 1, maxAttempts: 4, isPermanent: true },
      { retry: false, reason: 'permanent_failure', waitMs: 0 },
    ],
  ])('%s', (_label, input, expected) => {
    expect(jobRetryDecision({ ...input, backoff })).toStrictEqual(expected);
  });
});
