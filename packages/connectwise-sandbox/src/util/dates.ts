// ConnectWise writes datetimes as UTC without fractions (`2026-01-01T00:00:00Z`) and rejects offsets
// other than Z on input (`UnsupportedFormat`, reference §3).

const utcInstant = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,7})?Z$/;

/** Milliseconds for a wire datetime, or null when it is not a UTC `…Z` instant. */
export function parseUtc(text: string): number | null {
  const m = utcInstant.exec(text);
  if (!m) return null;
  const ms = Date.parse(text.replace(/(\.\d{3})\d+Z$/, '$1Z'));
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls 2026-02-30 over to March; the real server rejects it.
  return new Date(ms).toISOString().slice(0, 10) === `${m[1]}-${m[2]}-${m[3]}` ? ms : null;
}

export function wireDate(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** `YYYY-MM-DD` → `YYYY-MM-DDT00:00:00Z` */
export function dayWire(day: string): string {
  return `${day}T00:00:00Z`;
}

export function roundMoney(n: number): number {
  return Math.round(n * 100) / 100;
}
