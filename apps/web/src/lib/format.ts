const dateTimeOptions: Intl.DateTimeFormatOptions = {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};
const dateTime = new Intl.DateTimeFormat('en-US', { ...dateTimeOptions, timeZone: 'UTC' });
const dateOnly = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
});

const zonedDateTimes = new Map<string, Intl.DateTimeFormat>();

/** A date and time, in UTC or in `timeZone` (the MSP's, for schedules), with the zone's short name. */
export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  if (timeZone === undefined || timeZone === 'UTC') return dateTime.format(date);
  let format = zonedDateTimes.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', { ...dateTimeOptions, timeZone });
    } catch {
      // A zone the server knows but this browser does not: UTC, still named.
      format = dateTime;
    }
    zonedDateTimes.set(timeZone, format);
  }
  return format.format(date);
}

/**
 * "Dec 5, 06:20 AM GMT+1" and, when a schedule explains it, why: the MSP's time of day and zone,
 * and the minutes this connector starts after it (each connector has its own, to spread the load).
 */
export function describeNextSync(
  nextSyncAt: string | null,
  schedule: { localTime: string; timeZone: string; spreadMinutes: number } | null,
): { when: string; why: string | null } {
  const when = formatDateTime(nextSyncAt, schedule?.timeZone);
  if (schedule === null || nextSyncAt === null) return { when, why: null };
  const spread = schedule.spreadMinutes > 0 ? `, this connector ${schedule.spreadMinutes} min after` : '';
  return { when, why: `daily at ${schedule.localTime} ${schedule.timeZone}${spread}` };
}

const timeOfDay = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

/** `14:05 UTC`: a time later today, in the same words as the server's messages. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '—' : timeOfDay.format(date);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(date.getTime()) ? '—' : dateOnly.format(date);
}

export function formatDelta(delta: number): string {
  if (delta > 0) return `+${delta}`;
  if (delta < 0) return `−${Math.abs(delta)}`;
  return '0';
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * `−1,234.50 USD per month` style: signed, two decimals, the PSA's currency code when it reports
 * one (never a guessed symbol). The sign is the Unicode minus, like `formatDelta`.
 */
export function formatMoney(amount: number, currency: string | null): string {
  const sign = amount > 0 ? '+' : amount < 0 ? '−' : '';
  const digits = Math.abs(amount).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return `${sign}${digits}${currency ? ` ${currency}` : ''}`;
}
