import { describe, expect, it } from 'vitest';

import { equalJitterMs, exponentialBackoffMs, parseRetryAfterMs } from './backoff.js';

describe('exponentialBackoffMs', () => {
  const steps = { initialMs: 100, maxMs: 1_000 };
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [5, 1_000],
    [0, 100],
    [10_000, 1_000],
  ] as const)('attempt %s → %s ms', (attempt, expected) => {
    expect(exponentialBackoffMs(attempt, steps)).toBe(expected);
  });
});

describe('equalJitterMs', () => {
  it.each([
    [200, 0, 100],
    [200, 0.5, 150],
    [200, 0.999999, 200],
    [1_000, 0, 500],
  ] as const)('step %s with random %s → %s ms', (step, random, expected) => {
    expect(equalJitterMs(step, () => random)).toBe(expected);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');
  it.each([
    [undefined, undefined],
    [null, undefined],
    ['', undefined],
    ['0', 0],
    ['7', 7_000],
    ['2.5', 2_500],
    [' 10 ', 10_000],
    ['Fri, 27 Nov 2026 12:00:30 GMT', 30_000],
    ['Fri, 27 Nov 2026 11:00:00 GMT', 0],
    ['not a date', undefined],
    ['soon', undefined],
  ] as const)('%s → %s', (header, expected) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });
});
