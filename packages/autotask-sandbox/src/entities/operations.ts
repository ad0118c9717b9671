import { createAdjustment } from '../billing/adjustments.js';
import { generatePeriods, isSupportedPeriodType } from '../billing/periods.js';
import { maxPeriodsPerContract } from '../billing/units-ledger.js';
import { recurringContractServiceUseType, recurringServiceContractType } from './picklists.js';
import { ApiError, unknownField } from '../api-error.js';
import { dayOfWire, instantWire } from '../util/dates.js';
import { coerceBody, coerceValue, requireFields } from './coerce.js';
import type { EntityDef, EntityRecord, FieldValue } from './entity-types.js';
import { requireEntity } from './schema.js';
import type { WriteContext } from './write-context.js';

export type UpdateMode = 'PATCH' | 'PUT';

function notFound(def: EntityDef, id: number): ApiError {
  return new ApiError(`${def.singular} with id ${id} was not found.`);
}

function mustExist(
  ctx: WriteContext,
  entity: string,
  id: FieldValue | undefined,
  field: string,
): EntityRecord {
  const record = typeof id === 'number' ? ctx.db.get(entity, id) : undefined;
  if (!record)
    throw new ApiError(
      `The value ${String(id)} of ${field} does not reference an existing ${requireEntity(entity).singular}.`,
    );
  return record;
}

type Draft = Record<string, FieldValue>;

function validate(ctx: WriteContext, def: EntityDef, draft: Draft, existing: EntityRecord | null): void {
  requireFields(def, draft);
  switch (def.name) {
    case 'Companies': {
      const owner = mustExist(ctx, 'Resources', draft.ownerResourceID, 'ownerResourceID');
      if (owner.isActive === false) throw new ApiError('ownerResourceID must reference an active resource.');
      if (draft.parentCompanyID !== null && draft.parentCompanyID !== undefined) {
        mustExist(ctx, 'Companies', draft.parentCompanyID, 'parentCompanyID');
      }
      return;
    }
    case 'Services':
    case 'ServiceBundles': {
      const code = mustExist(ctx, 'BillingCodes', draft.billingCodeID, 'billingCodeID');
      if (code.useType !== recurringContractServiceUseType || code.isActive !== true) {
        throw new ApiError('billingCodeID must reference an active Recurring Contract Service billing code.');
      }
      if (def.name === 'ServiceBundles') {
        const name = String(draft.name).toLowerCase();
        for (const other of ctx.db.table('ServiceBundles').values()) {
          if (other.id !== existing?.id && String(other.name).toLowerCase() === name) {
            throw new ApiError(
              `A ServiceBundle already exists with Name [${String(draft.name)}]. ServiceBundle names must be unique.`,
            );
          }
        }
      }
      return;
    }
    case 'Contracts': {
      mustExist(ctx, 'Companies', draft.companyID, 'companyID');
      if (existing) {
        for (const field of ['companyID', 'contractType'] as const) {
          if (draft[field] !== existing[field])
            throw new ApiError(`The field ${field} is read-only and cannot be changed after create.`);
        }
        const windowChanged = ['startDate', 'endDate', 'contractPeriodType'].some(
          (f) => draft[f] !== existing[f],
        );
        if (windowChanged && ctx.db.units.contractServiceIds(existing.id).length > 0) {
          throw new ApiError(
            'Changing the dates or period type of a recurring contract with services is not supported by the sandbox.',
          );
        }
      }
      if (String(draft.endDate) < String(draft.startDate))
        throw new ApiError('The contract endDate must not be before its startDate.');
      if (draft.contractType === recurringServiceContractType) {
        if (
          typeof draft.contractPeriodType !== 'number' ||
          !isSupportedPeriodType(draft.contractPeriodType)
        ) {
          throw new ApiError('contractPeriodType is required for Recurring Service contracts.');
        }
        const periods = generatePeriods(
          dayOfWire(String(draft.startDate)),
          dayOfWire(String(draft.endDate)),
          draft.contractPeriodType,
        );
        if (periods.length > maxPeriodsPerContract) {
          throw new ApiError(
            `The sandbox supports at most ${maxPeriodsPerContract} billing periods per contract.`,
          );
        }
      }
      return;
    }
    case 'ConfigurationItems':
      mustExist(ctx, 'Companies', draft.companyID, 'companyID');
      if (existing && draft.companyID !== existing.companyID) {
        throw new ApiError('The field companyID is read-only and cannot be changed after create.');
      }
      return;
    default:
      return;
  }
}

function stampCreate(def: EntityDef, draft: Draft, ctx: WriteContext): void {
  const now = instantWire(ctx.nowMs);
  const set = (name: string, value: FieldValue): void => {
    if (def.fieldByKey.has(name.toLowerCase())) draft[name] = value;
  };
  set('createDate', now);
  set('lastModifiedDate', now);
  set('lastActivityDate', now);
  set('lastTrackedModifiedDateTime', now);
  set('lastModifiedTime', now);
  set('createdByResourceID', ctx.actingResourceId);
  set('creatorResourceID', ctx.actingResourceId);
  set('updateResourceID', ctx.actingResourceId);
  set('impersonatorCreatorResourceID', ctx.impersonatorResourceId);
  if (def.fieldByKey.has('isactive') && (draft.isActive === null || draft.isActive === undefined))
    draft.isActive = true;
}

function stampUpdate(def: EntityDef, draft: Draft, ctx: WriteContext): void {
  const now = instantWire(ctx.nowMs);
  for (const name of ['lastModifiedDate', 'lastTrackedModifiedDateTime', 'lastModifiedTime']) {
    if (def.fieldByKey.has(name.toLowerCase())) draft[name] = now;
  }
  if (def.fieldByKey.has('updateresourceid')) draft.updateResourceID = ctx.actingResourceId;
}

function withoutEmpty(draft: Draft): EntityRecord {
  const record: Draft = {};
  for (const [k, v] of Object.entries(draft)) if (v !== null) record[k] = v;
  return record as EntityRecord;
}

type UdfWrite = { name: string; value: string | null }[];

/** UDF writes use the `userDefinedFields: [{name, value}]` array; unknown names fail like unknown fields. */
function readUdfWrites(ctx: WriteContext, def: EntityDef, body: unknown): UdfWrite {
  if (typeof body !== 'object' || body === null) return [];
  const raw = Object.entries(body).find(([k]) => k.toLowerCase() === 'userdefinedfields')?.[1] as unknown;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ApiError('userDefinedFields must be an array of {name, value}.');
  return raw.map((item: unknown) => {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const name = typeof entry.name === 'string' ? entry.name : '';
    const udf = ctx.db.udfs.find(def.name, name);
    if (!udf) throw unknownField(name, def.singular);
    const value = entry.value;
    if (value === null || value === undefined) return { name: udf.name, value: null };
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new ApiError(`The value of user-defined field ${udf.name} must be a scalar.`);
    }
    return { name: udf.name, value: String(value) };
  });
}

function applyUdfWrites(ctx: WriteContext, def: EntityDef, id: number, writes: UdfWrite): void {
  for (const w of writes) ctx.db.udfs.set(def.name, id, w.name, w.value);
}

/** `POST /{Entity}` or the parent/child create URL. Returns the new id. */
export function createEntity(
  ctx: WriteContext,
  def: EntityDef,
  body: unknown,
  parentId: number | null,
): number {
  if (def.name === 'ContractServiceAdjustments') return createAdjustment(ctx, body, parentId);
  if (def.name === 'ContractServices') return createContractService(ctx, body, parentId);
  if (def.name === 'ServiceBundleServices') return createBundleService(ctx, body, parentId);
  const { values } = coerceBody(def, body, ctx.timeZone);
  const udfWrites = readUdfWrites(ctx, def, body);
  const draft: Draft = {};
  for (const [field, value] of values) draft[field.name] = value;
  stampCreate(def, draft, ctx);
  validate(ctx, def, draft, null);
  const table = ctx.db.table(def.name);
  const record = withoutEmpty({ ...draft, id: table.allocateId() });
  table.insert(record);
  applyUdfWrites(ctx, def, record.id, udfWrites);
  return record.id;
}

/** `PATCH`/`PUT /{Entity}` (or the child collection URL) with the id in the body. */
export function updateEntity(
  ctx: WriteContext,
  def: EntityDef,
  body: unknown,
  mode: UpdateMode,
  parentId: number | null,
): number {
  if (def.name === 'ContractServices') return updateContractService(ctx, body, parentId);
  const { id, values } = coerceBody(def, body, ctx.timeZone);
  if (id === null) throw new ApiError(`The id of the ${def.singular} to update is required.`);
  const udfWrites = readUdfWrites(ctx, def, body);
  const table = ctx.db.table(def.name);
  const existing = table.get(id);
  if (!existing) throw notFound(def, id);
  const draft: Draft = { ...existing };
  if (mode === 'PUT') {
    // PUT replaces: writable fields the caller left out become null.
    for (const field of def.fields) if (!field.isReadOnly) draft[field.name] = null;
  }
  for (const [field, value] of values) draft[field.name] = value;
  stampUpdate(def, draft, ctx);
  validate(ctx, def, draft, existing);
  const updated = withoutEmpty({ ...draft, id });
  for (const key of Object.keys(existing)) if (!(key in updated)) Reflect.deleteProperty(existing, key);
  Object.assign(existing, updated);
  applyUdfWrites(ctx, def, id, udfWrites);
  return id;
}

export function deleteEntity(ctx: WriteContext, def: EntityDef, id: number): number {
  const table = ctx.db.table(def.name);
  if (!table.get(id)) throw notFound(def, id);
  if (def.name === 'ServiceBundles') {
    for (const c of ctx.db.table('ConfigurationItems').values()) {
      if (c.serviceBundleID === id) throw new ApiError('The ServiceBundle is in use and cannot be deleted.');
    }
    // The bundle's service list goes with it.
    const links = ctx.db.table('ServiceBundleServices');
    for (const link of [...links.values()]) if (link.serviceBundleID === id) links.delete(link.id);
  }
  if (def.name === 'ServiceBundleServices') {
    const bundleId = table.get(id)?.serviceBundleID;
    const remaining = [...table.values()].filter((l) => l.serviceBundleID === bundleId && l.id !== id);
    if (remaining.length === 0) throw new ApiError('The last service of a service bundle cannot be removed.');
  }
  table.delete(id);
  return id;
}

function parentMatches(body: Record<string, unknown>, field: string, parentId: number | null): void {
  if (parentId === null) return;
  const given = body[field];
  if (given !== undefined && given !== null && Number(given) !== parentId) {
    throw new ApiError(
      `${field} ${JSON.stringify(given)} does not match the parent id ${parentId} in the URL.`,
    );
  }
  body[field] = parentId;
}

function createContractService(ctx: WriteContext, rawBody: unknown, parentId: number | null): number {
  const def = requireEntity('ContractServices');
  const body = { ...(rawBody as Record<string, unknown>) };
  parentMatches(body, 'contractID', parentId);
  const { values } = coerceBody(def, body, ctx.timeZone);
  const draft: Draft = {};
  for (const [field, value] of values) draft[field.name] = value;
  requireFields(def, draft);
  const contract = mustExist(ctx, 'Contracts', draft.contractID, 'contractID');
  const service = mustExist(ctx, 'Services', draft.serviceID, 'serviceID');
  if (contract.contractType !== recurringServiceContractType) {
    throw new ApiError(
      'Contract services can only be added to Recurring Service contracts (contractType 7).',
    );
  }
  if (ctx.db.contractServiceFor(contract.id, service.id)) {
    throw new ApiError(`Service ${service.id} is already on contract ${contract.id}.`);
  }
  draft.unitPrice ??= (service.unitPrice as number | null) ?? null;
  draft.unitCost ??= (service.unitCost as number | null) ?? null;
  draft.internalCurrencyUnitPrice = draft.unitPrice;
  const record = withoutEmpty({ ...draft, id: ctx.db.table('ContractServices').allocateId() });
  ctx.db.addContractService(record, 0);
  return record.id;
}

const contractServiceUpdatable = new Set([
  'adjustedprice',
  'invoicedescription',
  'id',
  'contractid',
  'serviceid',
]);

/** Only `adjustedPrice` and `invoiceDescription` may change (ContractServicesEntity "Conditions"). */
function updateContractService(ctx: WriteContext, rawBody: unknown, parentId: number | null): number {
  const def = requireEntity('ContractServices');
  if (typeof rawBody !== 'object' || rawBody === null)
    throw new ApiError('The request body must be a ContractService object.');
  const body = { ...(rawBody as Record<string, unknown>) };
  const adjustedKey = Object.keys(body).find((k) => k.toLowerCase() === 'adjustedprice');
  const adjustedPrice = adjustedKey === undefined ? undefined : body[adjustedKey];
  if (adjustedKey !== undefined) Reflect.deleteProperty(body, adjustedKey);
  const { id, values } = coerceBody(def, body, ctx.timeZone);
  if (id === null) throw new ApiError('The id of the ContractService to update is required.');
  const existing = ctx.db.table('ContractServices').get(id);
  if (!existing || (parentId !== null && existing.contractID !== parentId)) throw notFound(def, id);
  for (const [field, value] of values) {
    if (!contractServiceUpdatable.has(field.key)) {
      if (value !== (existing[field.name] ?? null)) {
        throw new ApiError(
          `The field ${field.name} is read-only; only adjustedPrice and invoiceDescription can be updated.`,
        );
      }
      continue;
    }
    if ((field.key === 'contractid' || field.key === 'serviceid') && value !== existing[field.name]) {
      throw new ApiError(`The field ${field.name} is read-only and cannot be changed after create.`);
    }
    if (field.key === 'invoicedescription') existing.invoiceDescription = value;
  }
  if (adjustedPrice !== undefined) {
    const priceField = def.fieldByKey.get('unitprice');
    if (!priceField) throw new Error('ContractServices has no unitPrice field');
    const price = coerceValue(priceField, adjustedPrice, ctx.timeZone);
    existing.unitPrice = price;
    existing.internalCurrencyAdjustedPrice = price;
  }
  return id;
}

function createBundleService(ctx: WriteContext, rawBody: unknown, parentId: number | null): number {
  const def = requireEntity('ServiceBundleServices');
  const body = { ...(rawBody as Record<string, unknown>) };
  parentMatches(body, 'serviceBundleID', parentId);
  const draft: Draft = {};
  for (const [field, value] of coerceBody(def, body, ctx.timeZone).values) draft[field.name] = value;
  requireFields(def, draft);
  mustExist(ctx, 'ServiceBundles', draft.serviceBundleID, 'serviceBundleID');
  mustExist(ctx, 'Services', draft.serviceID, 'serviceID');
  for (const other of ctx.db.table('ServiceBundleServices').values()) {
    if (other.serviceBundleID === draft.serviceBundleID && other.serviceID === draft.serviceID) {
      throw new ApiError('The service is already part of this service bundle.');
    }
  }
  const table = ctx.db.table('ServiceBundleServices');
  const record = withoutEmpty({ ...draft, id: table.allocateId() });
  table.insert(record);
  return record.id;
}
