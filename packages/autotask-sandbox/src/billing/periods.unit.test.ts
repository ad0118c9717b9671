import { describe, expect, it } from 'vitest';
import { contractPeriodTypes } from '../entities/picklists.js';
import { generatePeriods } from './periods.js';

describe('generatePeriods', () => {
  it('monthly over two calendar years gives 24 whole months', () => {
    const periods = generatePeriods('2026-01-01', '2027-12-31', contractPeriodTypes.monthly);
    expect(periods).toHaveLength(24);
    expect(periods[0]).toEqual({ start: '2026-01-01', end: '2026-01-31' });
    expect(periods[1]).toEqual({ start: '2026-02-01', end: '2026-02-28' });
    expect(periods[23]).toEqual({ start: '2027-12-01', end: '2027-12-31' });
  });

  it('anchors on the start day and clips the last period to the contract end', () => {
    const periods = generatePeriods('2026-01-15', '2026-04-20', contractPeriodTypes.monthly);
    expect(periods).toEqual([
      { start: '2026-01-15', end: '2026-02-14' },
      { start: '2026-02-15', end: '2026-03-14' },
      { start: '2026-03-15', end: '2026-04-14' },
      { start: '2026-04-15', end: '2026-04-20' },
    ]);
  });

  it('supports quarterly, semi-annual and yearly periods', () => {
    expect(
      generatePeriods('2026-01-01', '2026-12-31', contractPeriodTypes.quarterly).map((p) => p.end),
    ).toEqual(['2026-03-31', '2026-06-30', '2026-09-30', '2026-12-31']);
    expect(generatePeriods('2026-01-01', '2026-12-31', contractPeriodTypes.semiAnnual)).toHaveLength(2);
    expect(generatePeriods('2026-01-01', '2027-12-31', contractPeriodTypes.yearly)).toEqual([
      { start: '2026-01-01', end: '2026-12-31' },
      { start: '2027-01-01', end: '2027-12-31' },
    ]);
  });

  it('keeps month-end anchors from drifting', () => {
    const periods = generatePeriods('2026-01-31', '2026-05-30', contractPeriodTypes.monthly);
    expect(periods.map((p) => p.start)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
  });

  it('throws for an unknown period type', () => {
    expect(() => generatePeriods('2026-01-01', '2026-12-31', 99)).toThrow(/unsupported/);
  });
});
