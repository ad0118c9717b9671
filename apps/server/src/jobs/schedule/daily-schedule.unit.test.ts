import { describe, expect, it } from 'vitest';

import {
  dueConnectors,
  latestDueAt,
  nextRunAt,
  scheduleJitterMs,
  type ConnectorSchedule,
} from './daily-schedule.js';

const at = (iso: string): Date => new Date(iso);
const noJitter = 0;
const schedule = (overrides: Partial<ConnectorSchedule> = {}): ConnectorSchedule => ({
  connectorId: 'c1',
  isEnabled: true,
  localTime: '03:00',
  timeZone: 'UTC',
  ...overrides,
});

describe('scheduleJitterMs', () => {
  it('is deterministic, whole seconds, and inside the window', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `connector-${i}`);
    const jitters = ids.map((id) => scheduleJitterMs(id, 30 * 60_000));
    expect(ids.map((id) => scheduleJitterMs(id, 30 * 60_000))).toStrictEqual(jitters);
    for (const j of jitters) {
      expect(j % 1000).toBe(0);
      expect(j).toBeGreaterThanOrEqual(0);
      expect(j).toBeLessThan(30 * 60_000);
    }
    // Spread: 200 connectors do not land on a handful of seconds.
    expect(new Set(jitters).size).toBeGreaterThan(150);
    expect(scheduleJitterMs('c1', 0)).toBe(0);
  });
});

describe('nextRunAt', () => {
  it.each<[string, Partial<ConnectorSchedule>, string, string | null]>([
    ['later today', {}, '2026-11-27T01:00:00Z', '2026-11-27T03:00:00.000Z'],
    ['tomorrow once today has passed', {}, '2026-11-27T04:00:00Z', '2026-11-28T03:00:00.000Z'],
    ['exactly at the time: the next one', {}, '2026-11-27T03:00:00Z', '2026-11-28T03:00:00.000Z'],
    [
      'in the connector zone (Berlin winter, UTC+1)',
      { timeZone: 'Europe/Berlin' },
      '2026-11-27T00:00:00Z',
      '2026-11-27T02:00:00.000Z',
    ],
    [
      'in the connector zone (Berlin summer, UTC+2)',
      { timeZone: 'Europe/Berlin' },
      '2026-07-01T00:00:00Z',
      '2026-07-01T01:00:00.000Z',
    ],
    [
      'New York 06:30 in winter (UTC-5)',
      { timeZone: 'America/New_York', localTime: '06:30' },
      '2026-01-10T00:00:00Z',
      '2026-01-10T11:30:00.000Z',
    ],
    [
      'across spring-forward in New York: 09:00 EDT',
      { timeZone: 'America/New_York', localTime: '09:00' },
      '2026-03-07T20:00:00Z',
      '2026-03-08T13:00:00.000Z',
    ],
    [
      'the day after spring-forward',
      { timeZone: 'America/New_York', localTime: '09:00' },
      '2026-03-08T14:00:00Z',
      '2026-03-09T13:00:00.000Z',
    ],
    [
      'a time skipped by spring-forward runs at the end of the gap',
      { timeZone: 'Europe/Berlin', localTime: '02:30' },
      '2026-03-28T12:00:00Z',
      '2026-03-29T01:00:00.000Z',
    ],
    [
      'a time repeated by fall-back runs once (first occurrence)',
      { timeZone: 'Europe/Berlin', localTime: '02:30' },
      '2026-10-24T12:00:00Z',
      '2026-10-25T00:30:00.000Z',
    ],
    [
      '…and not again in the repeated hour',
      { timeZone: 'Europe/Berlin', localTime: '02:30' },
      '2026-10-25T00:30:00Z',
      '2026-10-26T01:30:00.000Z',
    ],
    [
      'Lord Howe (30-minute DST shift)',
      { timeZone: 'Australia/Lord_Howe', localTime: '12:00' },
      '2026-01-05T00:00:00Z',
      '2026-01-05T01:00:00.000Z',
    ],
    ['disabled', { isEnabled: false }, '2026-11-27T01:00:00Z', null],
    ['invalid time', { localTime: '25:00' }, '2026-11-27T01:00:00Z', null],
    ['invalid zone', { timeZone: 'Mars/Olympus' }, '2026-11-27T01:00:00Z', null],
  ])('%s', (_label, overrides, now, expected) => {
    expect(nextRunAt(schedule(overrides), at(now), noJitter)?.toISOString() ?? null).toBe(expected);
  });

  it('adds the connector jitter, and the jittered run stays next until it has passed', () => {
    const s = schedule({ connectorId: 'connector-7' });
    const jitterMs = scheduleJitterMs('connector-7');
    expect(jitterMs).toBeGreaterThan(0);
    const run = at('2026-11-27T03:00:00Z').getTime() + jitterMs;
    expect(nextRunAt(s, at('2026-11-27T02:00:00Z'))?.getTime()).toBe(run);
    // Between 03:00 and 03:00 + jitter the connector has not run yet: still today's run.
    expect(nextRunAt(s, new Date(run - 1000))?.getTime()).toBe(run);
    expect(nextRunAt(s, new Date(run))?.getTime()).toBe(run + 86_400_000);
  });
});

describe('latestDueAt and dueConnectors', () => {
  it('returns the latest run at or before now', () => {
    expect(latestDueAt(schedule(), at('2026-11-27T03:00:00Z'), noJitter)?.toISOString()).toBe(
      '2026-11-27T03:00:00.000Z',
    );
    expect(latestDueAt(schedule(), at('2026-11-27T02:59:59Z'), noJitter)?.toISOString()).toBe(
      '2026-11-26T03:00:00.000Z',
    );
    expect(latestDueAt(schedule({ isEnabled: false }), at('2026-11-27T04:00:00Z'), noJitter)).toBeNull();
  });

  it('fans out each due run once, catches up after short downtime, skips stale runs', () => {
    const schedules = [
      schedule({ connectorId: 'due' }),
      schedule({ connectorId: 'done', localTime: '03:00' }),
      schedule({ connectorId: 'later', localTime: '05:00' }),
      schedule({ connectorId: 'stale', localTime: '20:00' }),
      schedule({ connectorId: 'off', isEnabled: false }),
    ];
    const marks = new Map([
      ['done', '2026-11-27T03:00:00.000Z'],
      ['due', '2026-11-26T03:00:00.000Z'],
    ]);
    const now = at('2026-11-27T04:10:00Z');
    expect(
      dueConnectors(schedules, marks, now, { windowMs: noJitter }).map((d) => [
        d.connectorId,
        d.dueAt.toISOString(),
      ]),
    ).toStrictEqual([['due', '2026-11-27T03:00:00.000Z']]);
  });
});
