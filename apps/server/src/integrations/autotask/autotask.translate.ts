/**
 * Autotask's words ↔ the product's: string ids ↔ numeric wire ids, calendar dates ↔ date-only
 * datetimes, contract picklist labels ↔ the tenant's integers, and the units window in force.
 * Pure functions shared by the read and write sides of the connection.
 */
import { err, ok, type PsaError, type PsaResult } from '../../psa/psa-provider.port.js';
import { classifyFailure } from './autotask.errors.js';
import type { ContractServiceUnitWire, PicklistValue } from './autotask.schemas.js';

/** Documented values (Contracts.contractType 7, Contracts.status 1), used when metadata is unreadable. */
export const recurringServiceContractType = 7;
export const activeContractStatus = 1;

export interface ContractPicklists {
  readonly recurringServiceTypes: ReadonlySet<number>;
  readonly activeStatuses: ReadonlySet<number>;
}

export const documentedContractPicklists: ContractPicklists = {
  recurringServiceTypes: new Set([recurringServiceContractType]),
  activeStatuses: new Set([activeContractStatus]),
};

/**
 * Picklists "may vary between Autotask implementations": resolve by label from the tenant's own
 * metadata, keeping the documented value when the label is not found.
 */
export function resolveContractPicklists(
  contractType: readonly PicklistValue[] | null,
  status: readonly PicklistValue[] | null,
): ContractPicklists {
  const byLabel = (
    values: readonly PicklistValue[] | null,
    pattern: RegExp,
    fallback: number,
  ): Set<number> => {
    const found = (values ?? []).filter((v) => pattern.test(v.label.trim())).map((v) => v.value);
    return new Set(found.length > 0 ? found : [fallback]);
  };
  return {
    recurringServiceTypes: byLabel(contractType, /^recurring service$/i, recurringServiceContractType),
    activeStatuses: byLabel(status, /^active$/i, activeContractStatus),
  };
}

export const invalid = (message: string, detail?: string): PsaError => ({
  code: 'validation_failed',
  message,
  advice: 'This is a bug in the caller: fix the input.',
  ...(detail === undefined ? {} : { detail }),
});

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** Autotask ids are numbers on the wire; the port's ids are opaque strings. */
export function toWireIds(ids: readonly string[]): PsaResult<number[]> {
  const out: number[] = [];
  for (const id of ids) {
    if (!/^\d+$/.test(id) || !Number.isSafeInteger(Number(id)))
      return err(invalid('Invalid Autotask id.', id));
    out.push(Number(id));
  }
  return ok(out);
}

export function isCalendarDate(value: string): boolean {
  if (!datePattern.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

/** Undefined (no filter) or an ISO-8601 date/instant; Autotask compares datetimes in UTC. */
export function isInstant(value: string | undefined): boolean {
  return value === undefined || (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)));
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Autotask returns date-only fields as the tenant-local calendar date at `T00:00:00Z`; the date
 * part IS the calendar date (no time-zone conversion on the way out).
 */
export const calendarDate = (wire: string): string => wire.slice(0, 10);

/**
 * The units window in force on `onDate` per contract service, from rows the server returned for
 * a widened date range. Inclusive on both ends (Autotask's windows share the boundary day when an
 * adjustment splits a period); the later-starting window wins, then the higher id.
 */
export function selectWindowsInForce(
  rows: readonly ContractServiceUnitWire[],
  onDate: string,
): ContractServiceUnitWire[] {
  const inForce = new Map<number, ContractServiceUnitWire>();
  for (const row of rows) {
    if (calendarDate(row.startDate) > onDate || calendarDate(row.endDate) < onDate) continue;
    const current = inForce.get(row.contractServiceID);
    const isLater =
      current === undefined ||
      row.startDate > current.startDate ||
      (row.startDate === current.startDate && row.id > current.id);
    if (isLater) inForce.set(row.contractServiceID, row);
  }
  return [...inForce.values()];
}

export function mapAll<T>(
  rows: readonly Record<string, unknown>[],
  parse: (row: Record<string, unknown>) => T | null,
  entity: string,
): PsaResult<T[]> {
  const out: T[] = [];
  for (const row of rows) {
    const parsed = parse(row);
    if (parsed === null) {
      return err(
        classifyFailure({
          kind: 'garbage',
          phase: 'request',
          what: `${entity}: row without the requested fields`,
        }),
      );
    }
    out.push(parsed);
  }
  return ok(out);
}
