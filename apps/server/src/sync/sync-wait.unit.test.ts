import { describe, expect, it } from 'vitest';

import type { PsaPaceEvent } from '../psa/psa-provider.port.js';
import { renderProgressLine, type SyncProgressEvent } from './sync-progress.js';
import { clockTimeUtc, parseSyncWait, syncWaitOf } from './sync-wait.js';

const now = new Date('2026-11-27T13:07:12Z');
const pace = (overrides: Partial<PsaPaceEvent>): PsaPaceEvent => ({
  reason: 'share_used',
  waitMs: 57 * 60_000,
  ourCallsInWindow: 5_000,
  allowance: 5_000,
  tenantUsed: 6_200,
  tenantLimit: 10_000,
  windowMinutes: 60,
  ...overrides,
});

describe('syncWaitOf', () => {
  it('explains a used share in the PSA name, with the resume time in UTC and nothing to do', () => {
    expect(syncWaitOf(pace({}), now, 'Autotask')).toStrictEqual({
      reason: 'share_used',
      resumesAt: '2026-11-27T14:04:12.000Z',
      ourCallsInWindow: 5_000,
      allowance: 5_000,
      tenantUsed: 6_200,
      tenantLimit: 10_000,
      message:
        "Paused: this connector has used its share of Autotask's hourly API budget (5,000 of 10,000 " +
        'requests; the share is set so other integrations keep working). Resumes about 14:05 UTC — ' +
        'nothing to do.',
    });
  });

  it('explains an exhausted tenant as everyone’s limit, re-checked, not our share', () => {
    const wait = syncWaitOf(
      pace({ reason: 'tenant_exhausted', waitMs: 60_000, ourCallsInWindow: 120, tenantUsed: 10_000 }),
      now,
      'Autotask',
    );
    expect(wait?.resumesAt).toBe('2026-11-27T13:08:12.000Z');
    expect(wait?.message).toBe(
      "Paused: Autotask's hourly API limit is used up by all integrations together (10,000 of 10,000 " +
        'requests). The sync checks again about 13:09 UTC and resumes when Autotask allows more ' +
        'requests — nothing to do.',
    );
  });

  it.each([
    [1_999, null],
    [2_000, 'spacing'],
    [90_000, 'spacing'],
  ] as const)('a spacing wait of %i ms is shown: %s', (waitMs, expected) => {
    const wait = syncWaitOf(
      pace({ reason: 'spacing', waitMs, ourCallsInWindow: 4_100, tenantUsed: 6_000 }),
      now,
      'Autotask',
    );
    expect(wait?.reason ?? null).toBe(expected);
    if (wait) expect(wait.message).toMatch(/^Slowed down: Autotask's hourly API budget is 82% used/);
  });

  it('names the window the PSA reports and whichever PSA the connection belongs to', () => {
    const wait = syncWaitOf(pace({ windowMinutes: 15 }), now, 'HaloPSA');
    expect(wait?.message).toMatch(/its share of HaloPSA's 15-minute API budget/);
  });
});

describe('clockTimeUtc', () => {
  it.each([
    ['2026-11-27T14:05:00.000Z', '14:05 UTC'],
    ['2026-11-27T14:04:00.001Z', '14:05 UTC'],
    ['2026-11-27T23:59:30.000Z', '00:00 UTC'],
  ])('%s → %s (rounded up: "about" never promises too early)', (iso, expected) => {
    expect(clockTimeUtc(new Date(iso))).toBe(expected);
  });
});

describe('parseSyncWait', () => {
  it('round-trips a stored wait and refuses anything else', () => {
    const wait = syncWaitOf(pace({}), now, 'Autotask');
    expect(parseSyncWait(JSON.stringify(wait))).toStrictEqual(wait);
    expect(parseSyncWait(null)).toBeUndefined();
    expect(parseSyncWait('{')).toBeUndefined();
    expect(parseSyncWait('null')).toBeUndefined();
    expect(parseSyncWait(JSON.stringify({ ...wait, reason: 'coffee' }))).toBeUndefined();
    expect(parseSyncWait(JSON.stringify({ ...wait, resumesAt: 'soon' }))).toBeUndefined();
    expect(parseSyncWait(JSON.stringify({ ...wait, allowance: '5000' }))).toBeUndefined();
  });
});

describe('renderProgressLine', () => {
  const event: SyncProgressEvent = {
    runId: 'r',
    connectorId: 'c',
    phase: 'applying',
    done: 40,
    total: 100,
    counters: {
      lines: 100,
      unchanged: 30,
      adjusted: 10,
      held: 0,
      skipped: 0,
      problems: 0,
      failed: 0,
      psaReads: 7,
      psaWrites: 10,
    },
  };

  it('is the bar alone while requests flow', () => {
    expect(renderProgressLine(event)).toBe(
      '[############..................]  40% 40/100 lines  applying  reads 7 writes 10',
    );
  });

  it('says why and until when while the run waits', () => {
    const paused = { ...event, wait: syncWaitOf(pace({}), now, 'Autotask') ?? undefined };
    expect(renderProgressLine(paused)).toBe(
      '[############..................]  40% 40/100 lines  applying  reads 7 writes 10  ' +
        'paused: our share of the API budget is used, resumes about 14:05 UTC',
    );
    const exhausted = {
      ...event,
      wait: syncWaitOf(pace({ reason: 'tenant_exhausted', waitMs: 60_000 }), now, 'Autotask') ?? undefined,
    };
    expect(renderProgressLine(exhausted)).toMatch(
      /paused: the API limit is used up, checks again about 13:09 UTC$/,
    );
  });
});
