import { CwError, invalidObject } from '../cw-error.js';
import type { Database } from '../store/database.js';
import { billCustomerValues, type AdditionRow, type BillCustomer } from '../store/rows.js';
import { parseUtc, wireDate } from '../util/dates.js';

// Writes to agreement additions: POST (201), PUT (200), PATCH as a JSON-Patch array (200), DELETE
// (204). The server defaults what the caller leaves out from the catalog item (Developer Guide:
// "will attempt to default all required information"); numbers may arrive as strings (DJCW does).

const resource = 'AgreementAddition';

/** Fields a caller may set; the rest of the wire record is computed or read-only. */
export const writableAdditionFields = [
  'product',
  'quantity',
  'lessIncluded',
  'unitPrice',
  'unitCost',
  'billCustomer',
  'effectiveDate',
  'cancelledDate',
  'taxableFlag',
  'serialNumber',
  'invoiceDescription',
  'description',
  'purchaseItemFlag',
  'specialOrderFlag',
  'uom',
  'sequenceNumber',
  'prorateCurrentPeriodFlag',
] as const;
type WritableField = (typeof writableAdditionFields)[number];
type Input = Partial<Record<WritableField, unknown>>;

function number(input: Input, field: WritableField, fallback: number): number {
  const raw = input[field];
  if (raw === undefined || raw === null) return fallback;
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw invalidObject(resource, field, 'InvalidField', `${field} must be a number.`);
  return n;
}

function boolean(input: Input, field: WritableField, fallback: boolean): boolean {
  const raw = input[field];
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw invalidObject(resource, field, 'InvalidField', `${field} must be true or false.`);
}

function text(input: Input, field: WritableField, fallback: string | null, maxLength: number): string | null {
  const raw = input[field];
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'string')
    throw invalidObject(resource, field, 'InvalidField', `${field} must be a string.`);
  if (raw.length > maxLength)
    throw invalidObject(
      resource,
      field,
      'OutOfRange',
      `${field} may not be longer than ${maxLength} characters.`,
    );
  return raw;
}

function datetime(input: Input, field: WritableField, fallback: string | null): string | null {
  const raw = input[field];
  if (raw === undefined || raw === null) return raw === null ? null : fallback;
  const ms = typeof raw === 'string' ? parseUtc(raw) : null;
  if (ms === null) throw new CwError(400, 'UnsupportedFormat', `Unsupported format applied to ${field}`);
  return wireDate(ms);
}

function productId(db: Database, input: Input): number {
  const raw = input.product;
  if (raw === undefined || raw === null)
    throw invalidObject(resource, 'product', 'NullValue', 'product is required.');
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw invalidObject(
      resource,
      'product',
      'InvalidField',
      'product must be an object with an id or identifier.',
    );
  const ref = raw as { id?: unknown; identifier?: unknown };
  const id = typeof ref.id === 'string' && /^\d+$/.test(ref.id) ? Number(ref.id) : ref.id;
  const item =
    typeof id === 'number'
      ? db.catalog.get(id)
      : typeof ref.identifier === 'string'
        ? [...db.catalog.values()].find(
            (c) => c.identifier.toLowerCase() === (ref.identifier as string).toLowerCase(),
          )
        : undefined;
  if (!item) throw invalidObject(resource, 'product', 'InvalidObject', 'product was not found.');
  if (item.inactiveFlag)
    throw invalidObject(resource, 'product', 'InvalidObject', `product ${item.identifier} is inactive.`);
  if (item.productClass === 'Bundle')
    throw invalidObject(
      resource,
      'product',
      'InvalidObject',
      'A bundle cannot be added to an agreement as an addition.',
    );
  return item.id;
}

/** A complete, validated row from caller input; `entered` keeps the creation audit of a stored row. */
export function buildAddition(
  db: Database,
  input: Input,
  identity: { id: number; agreementId: number; actor: string; nowMs: number; entered?: AdditionRow },
): AdditionRow {
  const pid = productId(db, input);
  const item = db.catalog.get(pid);
  const billCustomer = input.billCustomer;
  if (billCustomer === undefined || billCustomer === null)
    throw invalidObject(resource, 'billCustomer', 'NullValue', 'billCustomer is required.');
  if (!(billCustomerValues as readonly unknown[]).includes(billCustomer))
    throw invalidObject(
      resource,
      'billCustomer',
      'InvalidField',
      `billCustomer must be one of ${billCustomerValues.join(', ')}.`,
    );
  const quantity = number(input, 'quantity', 1);
  const lessIncluded = number(input, 'lessIncluded', 0);
  if (quantity < 0) throw invalidObject(resource, 'quantity', 'OutOfRange', 'quantity may not be negative.');
  if (lessIncluded < 0)
    throw invalidObject(resource, 'lessIncluded', 'OutOfRange', 'lessIncluded may not be negative.');
  const effectiveDate = datetime(input, 'effectiveDate', null);
  const cancelledDate = datetime(input, 'cancelledDate', null);
  if (effectiveDate !== null && cancelledDate !== null && cancelledDate < effectiveDate)
    throw invalidObject(
      resource,
      'cancelledDate',
      'OutOfRange',
      'cancelledDate must be on or after effectiveDate.',
    );
  const now = wireDate(identity.nowMs);
  return {
    id: identity.id,
    agreementId: identity.agreementId,
    productId: pid,
    quantity,
    lessIncluded,
    unitPrice: number(input, 'unitPrice', item?.price ?? 0),
    unitCost: number(input, 'unitCost', item?.cost ?? 0),
    billCustomer: billCustomer as BillCustomer,
    effectiveDate,
    cancelledDate,
    taxableFlag: boolean(input, 'taxableFlag', item?.taxableFlag ?? false),
    serialNumber: text(input, 'serialNumber', null, 50),
    invoiceDescription: text(input, 'invoiceDescription', item?.customerDescription ?? null, 6000),
    description: text(input, 'description', item?.description ?? '', 6000) ?? '',
    purchaseItemFlag: boolean(input, 'purchaseItemFlag', false),
    specialOrderFlag: boolean(input, 'specialOrderFlag', false),
    uom: text(input, 'uom', item ? (db.unitsOfMeasure.get(item.unitOfMeasureId)?.name ?? null) : null, 50),
    sequenceNumber: number(input, 'sequenceNumber', db.additionsOf(identity.agreementId).length + 1),
    prorateCurrentPeriodFlag: boolean(input, 'prorateCurrentPeriodFlag', false),
    dateEntered: identity.entered?.dateEntered ?? now,
    enteredBy: identity.entered?.enteredBy ?? identity.actor,
    lastUpdated: now,
    updatedBy: identity.actor,
  };
}

export function objectBody(body: unknown): Input {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new CwError(400, 'InvalidObject', 'The request body must be a JSON object.');
  return body;
}

/** The writable fields of a stored row, as a JSON-Patch document sees them. */
function asInput(row: AdditionRow): Input {
  return {
    product: { id: row.productId },
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
    description: row.description,
    purchaseItemFlag: row.purchaseItemFlag,
    specialOrderFlag: row.specialOrderFlag,
    uom: row.uom,
    sequenceNumber: row.sequenceNumber,
    prorateCurrentPeriodFlag: row.prorateCurrentPeriodFlag,
  };
}

const patchOps = ['add', 'replace', 'remove'] as const;

/**
 * Applies a JSON-Patch array (`[{op:'replace', path:'quantity', value:12}]`, a leading `/` allowed)
 * to the writable fields. Paths are case-sensitive, as the guide warns; `product/id` replaces the
 * whole reference.
 */
export function applyPatch(row: AdditionRow, body: unknown): Input {
  if (!Array.isArray(body) || body.length === 0)
    throw new CwError(
      400,
      'InvalidObject',
      'The request body must be a non-empty JSON-Patch array of operations.',
    );
  const input = asInput(row);
  for (const [index, raw] of (body as unknown[]).entries()) {
    const op = raw as { op?: unknown; path?: unknown; value?: unknown } | null;
    if (typeof op !== 'object' || op === null || !(patchOps as readonly unknown[]).includes(op.op))
      throw new CwError(400, 'InvalidObject', `Operation ${index}: op must be add, replace or remove.`);
    if (typeof op.path !== 'string')
      throw new CwError(400, 'InvalidObject', `Operation ${index}: path is required.`);
    const segments = op.path.replace(/^\//, '').split('/');
    const field = segments[0] as WritableField;
    const isProductRef =
      field === 'product' && segments.length === 2 && ['id', 'identifier'].includes(segments[1] ?? '');
    if (
      !(writableAdditionFields as readonly string[]).includes(field) ||
      (segments.length > 1 && !isProductRef)
    )
      throw invalidObject(
        resource,
        op.path,
        'InvalidField',
        `Cannot ${String(op.op)} '${op.path}': not a writable field.`,
      );
    if (op.op === 'remove') {
      input[field] = null;
      continue;
    }
    if (!('value' in op)) throw new CwError(400, 'InvalidObject', `Operation ${index}: value is required.`);
    input[field] = segments.length > 1 ? { [segments[1] ?? 'id']: op.value } : op.value;
  }
  return input;
}
