/** Calendar days are handled as `YYYY-MM-DD` strings: they compare correctly as text. */
export type Day = string;

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const offsetPattern = /(Z|[+-]\d{2}:?\d{2})$/i;

/** Milliseconds since epoch; values without an offset are UTC, as the REST API stores all times in UTC. */
export function parseInstant(value: string): number | null {
  const text = value.trim();
  if (text === '') return null;
  const withZone = dayPattern.test(text) ? `${text}T00:00:00Z` : offsetPattern.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? null : ms;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar day an instant falls on in a time zone. */
export function dayInZone(ms: number, timeZone: string): Day {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * Date-only fields: Autotask converts the UTC instant to the database's local time and then drops
 * the time, so `2026-11-27T02:00:00Z` becomes 2026-11-26 in New York (the documented day-shift).
 * A bare `YYYY-MM-DD` carries no instant and is taken as given.
 */
export function toTenantDay(value: string, timeZone: string): Day | null {
  const text = value.trim();
  if (dayPattern.test(text)) return isRealDay(text) ? text : null;
  const ms = parseInstant(text);
  return ms === null ? null : dayInZone(ms, timeZone);
}

function isRealDay(day: Day): boolean {
  return !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && dayFromMs(Date.parse(`${day}T00:00:00Z`)) === day;
}

export function dayWire(day: Day): string {
  return `${day}T00:00:00Z`;
}

export function dayOfWire(wire: string): Day {
  return wire.slice(0, 10);
}

function dayFromMs(ms: number): Day {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: Day, days: number): Day {
  return dayFromMs(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000);
}

/** Adds months keeping the anchor's day of month, clamped to the month's last day (Jan 31 + 1 → Feb 28). */
export function addMonthsClamped(anchor: Day, months: number): Day {
  const m = dayPattern.exec(anchor);
  if (!m) throw new Error(`not a day: ${anchor}`);
  const year = Number(m[1]);
  const month = Number(m[2]) - 1 + months;
  const day = Number(m[3]);
  const targetYear = year + Math.floor(month / 12);
  const targetMonth = ((month % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return dayFromMs(Date.UTC(targetYear, targetMonth, Math.min(day, lastDay)));
}

/** ISO-8601 UTC with trailing zeros of the fraction trimmed, as the API prints `…59.52Z`. */
export function instantWire(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}
