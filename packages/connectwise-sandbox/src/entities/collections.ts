import { fieldTypeMap, type FieldType, type FieldTypes } from '../query/field-types.js';
import type { Database } from '../store/database.js';
import type { NamedRow } from '../store/rows.js';
import {
  additionWire,
  agreementWire,
  catalogItemWire,
  companyWire,
  namedWire,
  type Wire,
  type WireContext,
} from './serialize.js';

/** Security-role areas (System › Security Roles): Companies, Finance, Procurement, System. */
export const securityAreas = ['company', 'finance', 'procurement', 'system'] as const;
export type SecurityArea = (typeof securityAreas)[number];

export interface Collection {
  /** path under `apis/3.0/`, lower case, `{parentId}` for nested ones */
  path: string;
  /** ConnectWise's resource name, used in error messages */
  resource: string;
  area: SecurityArea;
  fields: FieldTypes;
  /** wire records, in id order; `parentId` for nested collections */
  list(ctx: WireContext, parentId: number | null): Wire[] | null;
  get(ctx: WireContext, id: number, parentId: number | null): Wire | null;
}

const audit: Record<string, FieldType> = {
  '_info/lastUpdated': 'datetime',
  '_info/updatedBy': 'string',
  '_info/dateEntered': 'datetime',
  '_info/enteredBy': 'string',
  lastUpdated: 'datetime',
};
const ref = (
  name: string,
  extra: Record<string, FieldType> = { name: 'string' },
): Record<string, FieldType> => ({
  [`${name}/id`]: 'number',
  ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`${name}/${k}`, v])),
});

// The real API lets `lastUpdated` stand for `_info/lastUpdated` in conditions (reference §3).
function withLastUpdated(record: Wire): Wire {
  const meta = record._info as Record<string, unknown> | undefined;
  return meta ? { ...record, lastUpdated: meta.lastUpdated } : record;
}

function table<Row extends { id: number }>(
  rows: (db: Database) => ReadonlyMap<number, Row>,
  wire: (ctx: WireContext, row: Row) => Wire,
): Pick<Collection, 'list' | 'get'> {
  return {
    list: (ctx) => [...rows(ctx.db).values()].sort((a, b) => a.id - b.id).map((r) => wire(ctx, r)),
    get: (ctx, id) => {
      const row = rows(ctx.db).get(id);
      return row ? wire(ctx, row) : null;
    },
  };
}

function lookup(
  path: string,
  resource: string,
  area: SecurityArea,
  rows: (db: Database) => ReadonlyMap<number, NamedRow>,
): Collection {
  return {
    path,
    resource,
    area,
    fields: fieldTypeMap({ id: 'number', name: 'string' }),
    ...table(rows, (_ctx, row) => namedWire(row)),
  };
}

export const companiesFields = fieldTypeMap({
  id: 'number',
  identifier: 'string',
  name: 'string',
  ...ref('status'),
  city: 'string',
  state: 'string',
  phoneNumber: 'string',
  website: 'string',
  ...ref('parentCompany', { identifier: 'string', name: 'string' }),
  deletedFlag: 'boolean',
  ...ref('types'),
  ...audit,
});

export const catalogFields = fieldTypeMap({
  id: 'number',
  identifier: 'string',
  description: 'string',
  inactiveFlag: 'boolean',
  ...ref('subcategory'),
  ...ref('type'),
  productClass: 'string',
  ...ref('unitOfMeasure'),
  price: 'number',
  cost: 'number',
  taxableFlag: 'boolean',
  customerDescription: 'string',
  vendorSku: 'string',
  recurringFlag: 'boolean',
  recurringRevenue: 'number',
  recurringCost: 'number',
  ...ref('recurringBillCycle'),
  ...audit,
});

export const agreementFields = fieldTypeMap({
  id: 'number',
  name: 'string',
  ...ref('type'),
  ...ref('company', { identifier: 'string', name: 'string' }),
  ...ref('contact'),
  ...ref('parentAgreement'),
  startDate: 'datetime',
  endDate: 'datetime',
  noEndingDateFlag: 'boolean',
  cancelledFlag: 'boolean',
  dateCancelled: 'datetime',
  reasonCancelled: 'string',
  ...ref('billingCycle'),
  billAmount: 'number',
  billStartDate: 'datetime',
  prorateFlag: 'boolean',
  invoiceProratedAdditionsFlag: 'boolean',
  billTime: 'string',
  billExpenses: 'string',
  billProducts: 'string',
  periodType: 'string',
  agreementStatus: 'string',
  ...audit,
});

export const additionFields = fieldTypeMap({
  id: 'number',
  ...ref('product', { identifier: 'string' }),
  quantity: 'number',
  lessIncluded: 'number',
  unitPrice: 'number',
  unitCost: 'number',
  billCustomer: 'string',
  effectiveDate: 'datetime',
  cancelledDate: 'datetime',
  taxableFlag: 'boolean',
  serialNumber: 'string',
  invoiceDescription: 'string',
  purchaseItemFlag: 'boolean',
  specialOrderFlag: 'boolean',
  agreementId: 'number',
  description: 'string',
  billedQuantity: 'number',
  uom: 'string',
  extPrice: 'number',
  extCost: 'number',
  sequenceNumber: 'number',
  margin: 'number',
  prorateCost: 'number',
  proratePrice: 'number',
  extendedProrateCost: 'number',
  extendedProratePrice: 'number',
  prorateCurrentPeriodFlag: 'boolean',
  agreementStatus: 'string',
  ...audit,
});

const additions: Collection = {
  path: 'finance/agreements/{parentId}/additions',
  resource: 'AgreementAddition',
  area: 'finance',
  fields: additionFields,
  list: (ctx, parentId) => {
    if (parentId === null || !ctx.db.agreements.has(parentId)) return null;
    return ctx.db
      .additionsOf(parentId)
      .sort((a, b) => a.id - b.id)
      .map((row) => additionWire(ctx, row));
  },
  get: (ctx, id, parentId) => {
    const row = ctx.db.additions.get(id);
    return row && row.agreementId === parentId ? additionWire(ctx, row) : null;
  },
};

/** Every collection the sandbox serves, most specific path first. */
export const collections: readonly Collection[] = (
  [
    lookup('company/companies/statuses', 'CompanyStatus', 'company', (db) => db.companyStatuses),
    lookup('company/companies/types', 'CompanyType', 'company', (db) => db.companyTypes),
    {
      path: 'company/companies',
      resource: 'Company',
      area: 'company',
      fields: companiesFields,
      ...table((db) => db.companies, companyWire),
    },
    {
      path: 'procurement/catalog',
      resource: 'CatalogItem',
      area: 'procurement',
      fields: catalogFields,
      ...table((db) => db.catalog, catalogItemWire),
    },
    lookup('finance/agreements/types', 'AgreementType', 'finance', (db) => db.agreementTypes),
    lookup('finance/billingcycles', 'BillingCycle', 'finance', (db) => db.billingCycles),
    {
      path: 'finance/agreements',
      resource: 'Agreement',
      area: 'finance',
      fields: agreementFields,
      ...table((db) => db.agreements, agreementWire),
    },
    additions,
  ] satisfies Collection[]
).map((c): Collection => ({
  ...c,
  // Callers never mutate the records (they filter, sort and project copies), so lists are cached.
  list: (ctx: WireContext, parentId: number | null) =>
    ctx.db.cachedList(`${c.path}|${String(parentId)}`, ctx.apiBase, ctx.nowMs, () => [
      c.list(ctx, parentId)?.map(withLastUpdated) ?? null,
    ])[0] ?? null,
  get: (ctx: WireContext, id: number, parentId: number | null) => {
    const r = c.get(ctx, id, parentId);
    return r === null ? null : withLastUpdated(r);
  },
}));

/** Drops the `lastUpdated` alias again before a record goes on the wire. */
export function stripAlias(record: Wire): Wire {
  const { lastUpdated: _alias, ...rest } = record;
  return rest;
}
