/**
 * ConnectWise's words ↔ the product's: string ids ↔ integer wire ids, calendar dates, additions
 * parsed from their rows, `conditions` text for a modified-since filter. Pure functions shared by
 * the read and write sides of the connection.
 */
import { err, ok, type PsaError, type PsaResult } from '../../psa/psa-provider.port.js';

/** ConnectWise's lenient "no end" for agreements with `noEndingDateFlag`. */
export const openEnd = '9999-12-31';
export const calendarDate = (value: unknown): string | null =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
/** A real day: Date.parse accepts 2026-02-30 (it rolls over), so the date must round-trip. */
export const isCalendarDate = (value: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) &&
  !Number.isNaN(Date.parse(value)) &&
  new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
export const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
export const ref = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
export const invalid = (message: string, detail?: string): PsaError => ({
  code: 'validation_failed',
  message,
  advice: 'This is a bug in the connector; contact support.',
  ...(detail === undefined ? {} : { detail }),
});

/** Wire ids are integers; anything else cannot name a ConnectWise record. */
export function wireIds(ids: readonly string[]): PsaResult<number[]> {
  const out: number[] = [];
  for (const id of ids) {
    if (!/^\d{1,15}$/.test(id)) return err(invalid('ConnectWise ids are positive integers.', id));
    out.push(Number(id));
  }
  return ok(out);
}

export interface AdditionWire {
  readonly id: number;
  readonly agreementId: number;
  readonly productId: number;
  readonly quantity: number;
  readonly unitPrice: number | null;
  /** Units billed at nothing: ConnectWise bills `quantity - lessIncluded` (reference: Addition model). */
  readonly lessIncluded: number;
  readonly effectiveDate: string | null;
  readonly cancelledDate: string | null;
}

export function parseAddition(row: Record<string, unknown>, agreementId: number): AdditionWire | null {
  const id = num(row.id);
  const productId = num(ref(row.product)?.id);
  const quantity = num(row.quantity);
  if (id === null || productId === null || quantity === null) return null;
  return {
    id,
    agreementId: num(row.agreementId) ?? agreementId,
    productId,
    quantity,
    unitPrice: num(row.unitPrice),
    lessIncluded: Math.max(0, num(row.lessIncluded) ?? 0),
    effectiveDate: calendarDate(row.effectiveDate),
    cancelledDate: calendarDate(row.cancelledDate),
  };
}

/** In force on `date`: effective on or before it, not cancelled on or before it. */
export const isAdditionInForce = (a: AdditionWire, date: string): boolean =>
  (a.effectiveDate === null || a.effectiveDate <= date) &&
  (a.cancelledDate === null || a.cancelledDate > date);

export function lastUpdated(row: Record<string, unknown>): string | null {
  const value = ref(row._info)?.lastUpdated;
  return typeof value === 'string' ? value : null;
}

export function sinceCondition(since: string | undefined): PsaResult<string> | null {
  if (since === undefined) return null;
  const at = Date.parse(since);
  if (Number.isNaN(at)) return err(invalid('modifiedSince must be an ISO-8601 instant.', since));
  // ConnectWise rejects offsets other than Z (UnsupportedFormat): always send UTC.
  return ok(`lastUpdated > [${new Date(at).toISOString()}]`);
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
