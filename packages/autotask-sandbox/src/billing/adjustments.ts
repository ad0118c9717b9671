import { coerceBody } from '../entities/coerce.js';
import type { EntityRecord, FieldValue } from '../entities/entity-types.js';
import { recurringServiceContractType } from '../entities/picklists.js';
import { requireEntity } from '../entities/schema.js';
import type { WriteContext } from '../entities/write-context.js';
import { ApiError } from '../api-error.js';
import { dayOfWire, dayWire, instantWire } from '../util/dates.js';

function num(value: FieldValue | undefined): number | null {
  return typeof value === 'number' ? value : null;
}

interface Resolved {
  contract: EntityRecord;
  service: EntityRecord;
  contractService: EntityRecord | undefined;
}

function resolveTarget(ctx: WriteContext, draft: Record<string, FieldValue>): Resolved {
  const csId = num(draft.contractServiceID);
  let contractId = num(draft.contractID);
  let serviceId = num(draft.serviceID);
  let contractService: EntityRecord | undefined;
  if (csId !== null) {
    contractService = ctx.db.table('ContractServices').get(csId);
    if (!contractService) throw new ApiError(`ContractService with id ${csId} was not found.`);
    if (contractId !== null && contractId !== contractService.contractID) {
      throw new ApiError(`contractServiceID ${csId} does not belong to contract ${contractId}.`);
    }
    if (serviceId !== null && serviceId !== contractService.serviceID) {
      throw new ApiError(`contractServiceID ${csId} is not for service ${serviceId}.`);
    }
    contractId = Number(contractService.contractID);
    serviceId = Number(contractService.serviceID);
  }
  if (contractId === null || serviceId === null) {
    throw new ApiError('Either contractServiceID or both contractID and serviceID must be provided.');
  }
  const contract = ctx.db.table('Contracts').get(contractId);
  if (!contract) throw new ApiError(`Contract with id ${contractId} was not found.`);
  const service = ctx.db.table('Services').get(serviceId);
  if (!service) throw new ApiError(`Service with id ${serviceId} was not found.`);
  contractService ??= ctx.db.contractServiceFor(contractId, serviceId);
  return { contract, service, contractService };
}

function validateAndCommit(ctx: WriteContext, body: unknown, parentId: number | null): number {
  const def = requireEntity('ContractServiceAdjustments');
  if (parentId !== null && typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const given: unknown = Object.entries(body as Record<string, unknown>).find(
      ([k]) => k.toLowerCase() === 'contractid',
    )?.[1];
    if (given !== undefined && given !== null && Number(given) !== parentId) {
      throw new ApiError(
        `contractID ${JSON.stringify(given)} does not match the parent id ${parentId} in the URL.`,
      );
    }
    body = { ...body, contractID: parentId };
  }
  const { values } = coerceBody(def, body, ctx.timeZone);
  const draft: Record<string, FieldValue> = {};
  for (const [field, value] of values) draft[field.name] = value;
  const unitChange = num(draft.unitChange);
  if (unitChange === null) throw new ApiError('unitChange is required.');
  if (typeof draft.effectiveDate !== 'string') throw new ApiError('effectiveDate is required.');
  const day = dayOfWire(draft.effectiveDate);
  const { contract, service, contractService } = resolveTarget(ctx, draft);
  if (contract.contractType !== recurringServiceContractType) {
    throw new ApiError(
      `Contract ${contract.id} is not a Recurring Service contract; service adjustments are not allowed.`,
    );
  }
  const terms = ctx.db.contractTerms(contract.id);
  if (!terms) throw new ApiError(`Contract ${contract.id} has no billing period type.`);
  if (day < terms.startDate || day > terms.endDate) {
    throw new ApiError(
      `The effective date ${day} is outside the contract period (${terms.startDate} to ${terms.endDate}) of contract ${contract.id}.`,
    );
  }
  if (contractService) {
    const duplicate = ctx.db.adjustmentLog.find(
      (a) => a.contractServiceID === contractService.id && dayOfWire(a.effectiveDate) === day,
    );
    if (duplicate) {
      throw new ApiError(
        `An adjustment (id ${duplicate.id}) already exists for contract service ${contractService.id} with effective date ${day}.`,
      );
    }
  }
  const floor = contractService ? (ctx.db.units.minUnitsFrom(contractService.id, day) ?? 0) : 0;
  if (floor + unitChange < 0) {
    throw new ApiError(
      `The unit change ${unitChange} would reduce the units of service ${service.id} on contract ${contract.id} below zero from ${day} (lowest units in force: ${floor}).`,
    );
  }
  const price = num(draft.adjustedUnitPrice);
  let cs = contractService;
  if (!cs) {
    // Documented behaviour: an adjustment for a service not yet on the contract adds it.
    const unitPrice = price ?? num(service.unitPrice);
    const record: EntityRecord = {
      id: ctx.db.table('ContractServices').allocateId(),
      contractID: contract.id,
      serviceID: service.id,
    };
    if (unitPrice !== null) record.unitPrice = record.internalCurrencyUnitPrice = unitPrice;
    const unitCost = num(draft.adjustedUnitCost) ?? num(service.unitCost);
    if (unitCost !== null) record.unitCost = unitCost;
    cs = ctx.db.addContractService(record, 0);
  }
  ctx.db.units.apply(cs.id, day, unitChange, price);
  const adjustments = ctx.db.table('ContractServiceAdjustments');
  const stored: EntityRecord = {
    ...Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== null)),
    id: adjustments.allocateId(),
    contractID: contract.id,
    serviceID: service.id,
    contractServiceID: cs.id,
    effectiveDate: dayWire(day),
  };
  adjustments.insert(stored);
  ctx.db.adjustmentLog.push({
    id: stored.id,
    contractID: contract.id,
    serviceID: service.id,
    contractServiceID: cs.id,
    unitChange,
    effectiveDate: dayWire(day),
    adjustedUnitPrice: price,
    receivedAt: instantWire(ctx.nowMs),
  });
  return stored.id;
}

/** Creates a ContractServiceAdjustment; every rejection is also logged for test assertions. */
export function createAdjustment(ctx: WriteContext, body: unknown, parentId: number | null): number {
  try {
    return validateAndCommit(ctx, body, parentId);
  } catch (error) {
    if (error instanceof ApiError) ctx.db.rejectedAdjustments.push({ body, error: error.message });
    throw error;
  }
}
