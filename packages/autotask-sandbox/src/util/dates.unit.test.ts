import { describe, expect, it } from 'vitest';
import { addMonthsClamped, instantWire, parseInstant, toTenantDay } from './dates.js';

describe('toTenantDay (date-only truncation in the tenant time zone)', () => {
  it.each([
    ['2026-11-27T02:00:00Z', 'America/New_York', '2026-11-26'],
    ['2026-11-27T12:00:00Z', 'America/New_York', '2026-11-27'],
    ['2023-10-09T02:00:00.00', 'America/New_York', '2023-10-08'],
    ['2026-11-27T02:00:00Z', 'UTC', '2026-11-27'],
    ['2026-11-27T23:30:00Z', 'Europe/Berlin', '2026-11-28'],
    ['2026-11-27T05:00:00+05:00', 'UTC', '2026-11-27'],
    ['2026-11-27', 'America/New_York', '2026-11-27'],
  ])('%s in %s → %s', (input, zone, expected) => {
    expect(toTenantDay(input, zone)).toBe(expected);
  });

  it('rejects garbage and impossible days', () => {
    expect(toTenantDay('yesterday', 'UTC')).toBeNull();
    expect(toTenantDay('2026-02-30', 'UTC')).toBeNull();
  });
});

describe('date helpers', () => {
  it('treats instants without an offset as UTC', () => {
    expect(parseInstant('2026-01-01T00:00:00')).toBe(Date.UTC(2026, 0, 1));
    expect(parseInstant('2026-01-01')).toBe(Date.UTC(2026, 0, 1));
  });

  it('clamps month arithmetic to the end of the month', () => {
    expect(addMonthsClamped('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonthsClamped('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonthsClamped('2026-11-15', 3)).toBe('2027-02-15');
  });

  it('prints instants with trimmed fractional seconds', () => {
    expect(instantWire(Date.UTC(2019, 10, 25, 15, 47, 59, 167))).toBe('2019-11-25T15:47:59.167Z');
    expect(instantWire(Date.UTC(2023, 2, 17, 10, 32, 29, 520))).toBe('2023-03-17T10:32:29.52Z');
    expect(instantWire(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00Z');
  });
});
