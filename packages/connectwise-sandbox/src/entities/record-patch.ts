import { CwError, invalidObject } from '../cw-error.js';
import type { Database } from '../store/database.js';
import type { Audit } from '../store/rows.js';
import { parseUtc, wireDate } from '../util/dates.js';

// PATCH (JSON-Patch) on companies, catalog items and agreements: the fields a test needs to move
// the world under a client (rename, delete, retire, cancel, re-date). Additions have their own,
// fuller write path (additions-write.ts).

type Kind = 'string' | 'nullableString' | 'boolean' | 'number' | 'datetime' | 'agreementStatus';
interface FieldSpec {
  /** the row's key */
  key: string;
  kind: Kind;
  maxLength?: number;
  /** for `x/id` references: the table the id must exist in */
  lookup?: (db: Database) => ReadonlyMap<number, unknown>;
}

export interface PatchSpec {
  resource: string;
  table: (db: Database) => Map<number, Audit & { id: number }>;
  fields: Record<string, FieldSpec>;
}

export const companyPatch: PatchSpec = {
  resource: 'Company',
  table: (db) => db.companies,
  fields: {
    identifier: { key: 'identifier', kind: 'string', maxLength: 30 },
    name: { key: 'name', kind: 'string', maxLength: 50 },
    'status/id': { key: 'statusId', kind: 'number', lookup: (db) => db.companyStatuses },
    city: { key: 'city', kind: 'nullableString', maxLength: 50 },
    state: { key: 'state', kind: 'nullableString', maxLength: 50 },
    phoneNumber: { key: 'phoneNumber', kind: 'nullableString', maxLength: 30 },
    website: { key: 'website', kind: 'nullableString', maxLength: 255 },
    deletedFlag: { key: 'deletedFlag', kind: 'boolean' },
  },
};

export const catalogPatch: PatchSpec = {
  resource: 'CatalogItem',
  table: (db) => db.catalog,
  fields: {
    identifier: { key: 'identifier', kind: 'string', maxLength: 75 },
    description: { key: 'description', kind: 'string', maxLength: 60 },
    customerDescription: { key: 'customerDescription', kind: 'string', maxLength: 6000 },
    inactiveFlag: { key: 'inactiveFlag', kind: 'boolean' },
    price: { key: 'price', kind: 'number' },
    cost: { key: 'cost', kind: 'number' },
    vendorSku: { key: 'vendorSku', kind: 'nullableString', maxLength: 50 },
  },
};

export const agreementPatch: PatchSpec = {
  resource: 'Agreement',
  table: (db) => db.agreements,
  fields: {
    name: { key: 'name', kind: 'string', maxLength: 100 },
    startDate: { key: 'startDate', kind: 'datetime' },
    endDate: { key: 'endDate', kind: 'datetime' },
    noEndingDateFlag: { key: 'noEndingDateFlag', kind: 'boolean' },
    cancelledFlag: { key: 'cancelledFlag', kind: 'boolean' },
    dateCancelled: { key: 'dateCancelled', kind: 'datetime' },
    reasonCancelled: { key: 'reasonCancelled', kind: 'nullableString', maxLength: 50 },
    prorateFlag: { key: 'prorateFlag', kind: 'boolean' },
    invoiceProratedAdditionsFlag: { key: 'invoiceProratedAdditionsFlag', kind: 'boolean' },
    'billingCycle/id': { key: 'billingCycleId', kind: 'number', lookup: (db) => db.billingCycles },
    // Only Active / Inactive can be set; Cancelled and Expired follow from the flag and the dates.
    agreementStatus: { key: 'status', kind: 'agreementStatus' },
  },
};

function coerce(spec: PatchSpec, path: string, field: FieldSpec, value: unknown, db: Database): unknown {
  const bad = (message: string): CwError => invalidObject(spec.resource, path, 'InvalidField', message);
  switch (field.kind) {
    case 'string':
    case 'nullableString': {
      if (value === null && field.kind === 'nullableString') return null;
      if (typeof value !== 'string' || (field.kind === 'string' && value.trim() === ''))
        throw bad(`${path} must be a non-empty string.`);
      if (field.maxLength !== undefined && value.length > field.maxLength)
        throw invalidObject(
          spec.resource,
          path,
          'OutOfRange',
          `${path} may not be longer than ${field.maxLength} characters.`,
        );
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw bad(`${path} must be true or false.`);
      return value;
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw bad(`${path} must be a number.`);
      if (field.lookup && !field.lookup(db).has(n))
        throw invalidObject(spec.resource, path, 'InvalidObject', `${path} ${n} was not found.`);
      return n;
    }
    case 'datetime': {
      if (value === null) return null;
      const ms = typeof value === 'string' ? parseUtc(value) : null;
      if (ms === null) throw new CwError(400, 'UnsupportedFormat', `Unsupported format applied to ${path}`);
      return wireDate(ms);
    }
    case 'agreementStatus':
      if (value !== 'Active' && value !== 'Inactive') throw bad(`${path} can be set to Active or Inactive.`);
      return value;
  }
}

/** Applies a JSON-Patch array to one stored row; 404 when the row is missing. */
export function patchRecord(
  spec: PatchSpec,
  db: Database,
  id: number,
  body: unknown,
  actor: string,
  nowMs: number,
): Audit & { id: number } {
  const table = spec.table(db);
  const row = table.get(id);
  if (!row) throw new CwError(404, 'NotFound', `${spec.resource} recId ${id} not found`);
  if (!Array.isArray(body) || body.length === 0)
    throw new CwError(
      400,
      'InvalidObject',
      'The request body must be a non-empty JSON-Patch array of operations.',
    );
  const next: Record<string, unknown> = { ...row };
  for (const [index, raw] of (body as unknown[]).entries()) {
    const op = raw as { op?: unknown; path?: unknown; value?: unknown } | null;
    if (typeof op !== 'object' || op === null || !['add', 'replace', 'remove'].includes(String(op.op)))
      throw new CwError(400, 'InvalidObject', `Operation ${index}: op must be add, replace or remove.`);
    const path = typeof op.path === 'string' ? op.path.replace(/^\//, '') : '';
    const field = spec.fields[path];
    if (!field)
      throw invalidObject(
        spec.resource,
        path,
        'InvalidField',
        `Cannot ${String(op.op)} '${path}': not a writable field.`,
      );
    const value = op.op === 'remove' ? null : op.value;
    if (op.op !== 'remove' && !('value' in op))
      throw new CwError(400, 'InvalidObject', `Operation ${index}: value is required.`);
    next[field.key] = coerce(spec, path, field, value, db);
  }
  const updated = {
    ...(next as unknown as Audit & { id: number }),
    lastUpdated: wireDate(nowMs),
    updatedBy: actor,
  };
  table.set(id, updated);
  db.touch();
  return updated;
}
