import type { Database } from '../store/database.js';
import type {
  AdditionRow,
  AgreementRow,
  AgreementStatus,
  Audit,
  CatalogItemRow,
  CompanyRow,
  NamedRow,
} from '../store/rows.js';
import { parseUtc, roundMoney } from '../util/dates.js';

export type Wire = Record<string, unknown>;

/** What serializers need besides the row: hrefs are absolute, like the real API's `_info`. */
export interface WireContext {
  db: Database;
  /** `https://host:port/v4_6_release/apis/3.0` */
  apiBase: string;
  nowMs: number;
}

function info(row: Audit): Wire {
  return {
    lastUpdated: row.lastUpdated,
    updatedBy: row.updatedBy,
    dateEntered: row.dateEntered,
    enteredBy: row.enteredBy,
  };
}

function named(
  ctx: WireContext,
  table: ReadonlyMap<number, NamedRow>,
  id: number | null,
  key: string,
  path: string,
): Wire | null {
  if (id === null) return null;
  const row = table.get(id);
  return { id, name: row?.name ?? '', _info: { [`${key}_href`]: `${ctx.apiBase}/${path}/${id}` } };
}

function companyRef(ctx: WireContext, id: number | null): Wire | null {
  if (id === null) return null;
  const c = ctx.db.companies.get(id);
  return {
    id,
    identifier: c?.identifier ?? '',
    name: c?.name ?? '',
    _info: { company_href: `${ctx.apiBase}/company/companies/${id}` },
  };
}

/** Drops null members: the real API omits empty optional fields from its JSON. */
function compact(record: Wire): Wire {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null && v !== undefined));
}

export function companyWire(ctx: WireContext, row: CompanyRow): Wire {
  return compact({
    id: row.id,
    identifier: row.identifier,
    name: row.name,
    status: named(ctx, ctx.db.companyStatuses, row.statusId, 'status', 'company/companies/statuses'),
    city: row.city,
    state: row.state,
    phoneNumber: row.phoneNumber,
    website: row.website,
    parentCompany: companyRef(ctx, row.parentCompanyId),
    deletedFlag: row.deletedFlag,
    types: row.typeIds.map((id) => named(ctx, ctx.db.companyTypes, id, 'type', 'company/companies/types')),
    _info: info(row),
  });
}

export function catalogItemWire(ctx: WireContext, row: CatalogItemRow): Wire {
  return compact({
    id: row.id,
    identifier: row.identifier,
    description: row.description,
    inactiveFlag: row.inactiveFlag,
    subcategory: named(
      ctx,
      ctx.db.productSubcategories,
      row.subcategoryId,
      'subcategory',
      'procurement/subcategories',
    ),
    type: named(ctx, ctx.db.productTypes, row.typeId, 'type', 'procurement/types'),
    productClass: row.productClass,
    unitOfMeasure: named(
      ctx,
      ctx.db.unitsOfMeasure,
      row.unitOfMeasureId,
      'uom',
      'procurement/unitOfMeasures',
    ),
    price: row.price,
    cost: row.cost,
    taxableFlag: row.taxableFlag,
    customerDescription: row.customerDescription,
    vendorSku: row.vendorSku,
    recurringFlag: row.recurringFlag,
    recurringRevenue: row.recurringRevenue,
    recurringCost: row.recurringCost,
    recurringBillCycle: named(
      ctx,
      ctx.db.billingCycles,
      row.recurringBillCycleId,
      'billingCycle',
      'finance/billingCycles',
    ),
    _info: info(row),
  });
}

/** Cancelled and Expired follow from the agreement's flag and end date; otherwise the stored status. */
export function agreementStatusOf(row: AgreementRow, nowMs: number): AgreementStatus {
  if (row.cancelledFlag) return 'Cancelled';
  const end = row.endDate === null ? null : parseUtc(row.endDate);
  if (!row.noEndingDateFlag && end !== null && end + 86_400_000 <= nowMs) return 'Expired';
  return row.status;
}

export function agreementWire(ctx: WireContext, row: AgreementRow): Wire {
  const contact = ctx.db.contacts.get(row.contactId);
  const parent = row.parentAgreementId === null ? null : ctx.db.agreements.get(row.parentAgreementId);
  return compact({
    id: row.id,
    name: row.name,
    type: named(ctx, ctx.db.agreementTypes, row.typeId, 'type', 'finance/agreements/types'),
    company: companyRef(ctx, row.companyId),
    contact: contact
      ? {
          id: contact.id,
          name: `${contact.firstName} ${contact.lastName}`,
          _info: { contact_href: `${ctx.apiBase}/company/contacts/${contact.id}` },
        }
      : null,
    parentAgreement: parent
      ? {
          id: parent.id,
          name: parent.name,
          _info: { agreement_href: `${ctx.apiBase}/finance/agreements/${parent.id}` },
        }
      : null,
    startDate: row.startDate,
    endDate: row.endDate,
    noEndingDateFlag: row.noEndingDateFlag,
    cancelledFlag: row.cancelledFlag,
    dateCancelled: row.dateCancelled,
    reasonCancelled: row.reasonCancelled,
    billingCycle: named(
      ctx,
      ctx.db.billingCycles,
      row.billingCycleId,
      'billingCycle',
      'finance/billingCycles',
    ),
    billAmount: row.billAmount,
    billStartDate: row.billStartDate,
    prorateFlag: row.prorateFlag,
    invoiceProratedAdditionsFlag: row.invoiceProratedAdditionsFlag,
    billTime: row.billTime,
    billExpenses: row.billExpenses,
    billProducts: row.billProducts,
    periodType: row.periodType,
    agreementStatus: agreementStatusOf(row, ctx.nowMs),
    _info: info(row),
  });
}

/**
 * An addition's status: Cancelled once its cancelled date has passed, else the agreement's status.
 * (The UI's "Addition Status"; a future effective date still reads Active, billing starts then.)
 */
export function additionStatusOf(
  row: AdditionRow,
  agreement: AgreementRow | undefined,
  nowMs: number,
): AgreementStatus {
  const cancelled = row.cancelledDate === null ? null : parseUtc(row.cancelledDate);
  if (cancelled !== null && cancelled <= nowMs) return 'Cancelled';
  return agreement ? agreementStatusOf(agreement, nowMs) : 'Active';
}

/** Share of the current calendar month left from the effective date, when that date falls in it. */
function prorateShare(row: AdditionRow, agreement: AgreementRow | undefined, nowMs: number): number {
  if (!agreement?.prorateFlag || row.effectiveDate === null) return 0;
  const effective = parseUtc(row.effectiveDate);
  if (effective === null) return 0;
  const now = new Date(nowMs);
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  if (effective <= monthStart || effective >= nextMonth) return 0;
  return (nextMonth - effective) / (nextMonth - monthStart);
}

export function additionWire(ctx: WireContext, row: AdditionRow): Wire {
  const product = ctx.db.catalog.get(row.productId);
  const agreement = ctx.db.agreements.get(row.agreementId);
  const billedQuantity = Math.max(0, row.quantity - row.lessIncluded);
  const extPrice = roundMoney(billedQuantity * row.unitPrice);
  const extCost = roundMoney(billedQuantity * row.unitCost);
  const share = prorateShare(row, agreement, ctx.nowMs);
  const proratePrice = roundMoney(row.unitPrice * share);
  const prorateCost = roundMoney(row.unitCost * share);
  return compact({
    id: row.id,
    product: {
      id: row.productId,
      identifier: product?.identifier ?? '',
      _info: { product_href: `${ctx.apiBase}/procurement/catalog/${row.productId}` },
    },
    quantity: row.quantity,
    lessIncluded: row.lessIncluded,
    unitPrice: row.unitPrice,
    unitCost: row.unitCost,
    billCustomer: row.billCustomer,
    effectiveDate: row.effectiveDate,
    cancelledDate: row.cancelledDate,
    taxableFlag: row.taxableFlag,
    serialNumber: row.serialNumber,
    invoiceDescription: row.invoiceDescription,
    purchaseItemFlag: row.purchaseItemFlag,
    specialOrderFlag: row.specialOrderFlag,
    agreementId: row.agreementId,
    description: row.description,
    billedQuantity,
    uom: row.uom,
    extPrice,
    extCost,
    sequenceNumber: row.sequenceNumber,
    margin: roundMoney(extPrice - extCost),
    prorateCost,
    proratePrice,
    extendedProrateCost: roundMoney(prorateCost * billedQuantity),
    extendedProratePrice: roundMoney(proratePrice * billedQuantity),
    prorateCurrentPeriodFlag: row.prorateCurrentPeriodFlag,
    agreementStatus: additionStatusOf(row, agreement, ctx.nowMs),
    _info: info(row),
  });
}

export function namedWire(row: NamedRow): Wire {
  return { id: row.id, name: row.name };
}
