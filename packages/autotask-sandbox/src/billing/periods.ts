import { addDays, addMonthsClamped, type Day } from '../util/dates.js';
import { contractPeriodTypes } from '../entities/picklists.js';

export interface Period {
  start: Day;
  end: Day;
}

const monthsPerPeriod: ReadonlyMap<number, number> = new Map([
  [contractPeriodTypes.monthly, 1],
  [contractPeriodTypes.quarterly, 3],
  [contractPeriodTypes.semiAnnual, 6],
  [contractPeriodTypes.yearly, 12],
]);

export function isSupportedPeriodType(periodType: number): boolean {
  return monthsPerPeriod.has(periodType);
}

/**
 * Billing periods of a recurring contract: anchored on the start date (a contract starting on the
 * 15th bills 15th → 14th), the last one clipped to the contract end.
 */
export function generatePeriods(start: Day, end: Day, periodType: number): Period[] {
  const months = monthsPerPeriod.get(periodType);
  if (months === undefined) throw new Error(`unsupported period type ${periodType}`);
  const periods: Period[] = [];
  for (let k = 0; ; k++) {
    const periodStart = addMonthsClamped(start, k * months);
    if (periodStart > end) break;
    const nextStart = addMonthsClamped(start, (k + 1) * months);
    const periodEnd = addDays(nextStart, -1);
    periods.push({ start: periodStart, end: periodEnd < end ? periodEnd : end });
  }
  return periods;
}
