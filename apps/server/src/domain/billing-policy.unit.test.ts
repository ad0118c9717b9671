import { describe, expect, it } from 'vitest';

import {
  addDays,
  decideTarget,
  defaultBillingPolicy,
  isValidTimeZone,
  localDay,
  type BillingPolicy,
} from './billing-policy.js';
import { checkGuardrails } from './guardrails.js';

describe('decideTarget (default policy)', () => {
  it.each([
    ['Subscription', 42, { kind: 'target', units: 42, reason: 'billed' }],
    ['Subscription', 0, { kind: 'target', units: 0, reason: 'billed' }],
    ['Subscription', -3, { kind: 'target', units: 0, reason: 'billed' }],
    ['Trial', 42, { kind: 'skip', reason: 'status_not_billed' }],
    ['New', 42, { kind: 'skip', reason: 'status_not_billed' }],
    ['Inactive', 42, { kind: 'target', units: 0, reason: 'zeroed_by_status' }],
    [null, 42, { kind: 'skip', reason: 'unknown_status' }],
    ['Deleted', 42, { kind: 'skip', reason: 'unknown_status' }],
  ] as const)('%s with %d counted → %o', (status, counted, expected) => {
    expect(decideTarget(defaultBillingPolicy, status, counted)).toStrictEqual(expected);
  });

  it('follows a connector that bills trials and leaves inactive workspaces alone', () => {
    const policy: BillingPolicy = {
      ...defaultBillingPolicy,
      statusBilling: { Subscription: 'bill', Trial: 'bill', New: 'zero', Inactive: 'skip' },
    };
    expect(decideTarget(policy, 'Trial', 7)).toStrictEqual({ kind: 'target', units: 7, reason: 'billed' });
    expect(decideTarget(policy, 'New', 7)).toStrictEqual({
      kind: 'target',
      units: 0,
      reason: 'zeroed_by_status',
    });
    expect(decideTarget(policy, 'Inactive', 7)).toStrictEqual({ kind: 'skip', reason: 'status_not_billed' });
  });
});

describe('dates', () => {
  it.each([
    ['2026-11-27T23:30:00Z', 'UTC', '2026-11-27'],
    ['2026-11-27T23:30:00Z', 'Europe/Berlin', '2026-11-28'],
    ['2026-11-28T03:00:00Z', 'America/New_York', '2026-11-27'],
    ['2026-11-27T11:00:00Z', 'Pacific/Kiritimati', '2026-11-28'],
  ])('at %s it is %s … %s', (instant, zone, day) => {
    expect(localDay(new Date(instant), zone)).toBe(day);
  });

  it.each([
    ['2026-11-30', 1, '2026-12-01'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-03-01', -1, '2026-02-28'],
  ])('%s + %d = %s', (day, n, expected) => {
    expect(addDays(day, n)).toBe(expected);
  });

  it('knows real time zones from made-up ones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('checkGuardrails', () => {
  it.each([
    [{ maxUnitChange: 10, maxPercentChange: null, maxPercentDecrease: null }, 100, 110, false, null],
    [{ maxUnitChange: 10, maxPercentChange: null, maxPercentDecrease: null }, 100, 111, true, 'max_units'],
    [{ maxUnitChange: 10, maxPercentChange: null, maxPercentDecrease: null }, 100, 89, true, 'max_units'],
    [{ maxUnitChange: null, maxPercentChange: 20, maxPercentDecrease: null }, 100, 120, false, null],
    [{ maxUnitChange: null, maxPercentChange: 20, maxPercentDecrease: null }, 100, 121, true, 'max_percent'],
    [{ maxUnitChange: null, maxPercentChange: 20, maxPercentDecrease: null }, 100, 79, true, 'max_percent'],
    [{ maxUnitChange: null, maxPercentChange: 20, maxPercentDecrease: null }, 0, 500, false, null],
    [{ maxUnitChange: 100, maxPercentChange: 20, maxPercentDecrease: null }, 0, 101, true, 'max_units'],
    [{ maxUnitChange: null, maxPercentChange: null, maxPercentDecrease: null }, 1, 100_000, false, null],
    [{ maxUnitChange: 0, maxPercentChange: 0, maxPercentDecrease: null }, 5, 5, false, null],
    // Decreases only: growth from a small base is ordinary, a sudden drop is suspect.
    [{ maxUnitChange: null, maxPercentChange: null, maxPercentDecrease: 50 }, 100, 50, false, null],
    [
      { maxUnitChange: null, maxPercentChange: null, maxPercentDecrease: 50 },
      100,
      49,
      true,
      'max_percent_decrease',
    ],
    [{ maxUnitChange: null, maxPercentChange: null, maxPercentDecrease: 50 }, 10, 100, false, null],
    [{ maxUnitChange: null, maxPercentChange: null, maxPercentDecrease: 50 }, 0, 0, false, null],
    // The defaults: Brightside EDR 110 → 13 (−88 %) is held; 10 → 30 (+20 units) is not; +26 is.
    [defaultBillingPolicy.guardrails, 110, 13, true, 'max_units'],
    [defaultBillingPolicy.guardrails, 40, 19, true, 'max_percent_decrease'],
    [defaultBillingPolicy.guardrails, 10, 30, false, null],
    [defaultBillingPolicy.guardrails, 10, 36, true, 'max_units'],
  ] as const)('%o: %d → %d held=%s (%s)', (guardrails, current, target, isHeld, rule) => {
    const decision = checkGuardrails(guardrails, current, target);
    expect(decision.isHeld).toBe(isHeld);
    if (decision.isHeld) expect(decision.rule).toBe(rule);
  });
});
