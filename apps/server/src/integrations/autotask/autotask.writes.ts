/**
 * The write side of an Autotask connection: a units delta as one ContractServiceAdjustments
 * create. Validates and translates the port's adjustment, then POSTs it once.
 */
import { err, ok, type PsaResult, type PsaUnitAdjustment } from '../../psa/psa-provider.port.js';
import { apiVersionPath, type AutotaskClient } from './autotask.client.js';
import { classifyFailure } from './autotask.errors.js';
import { parseItemId, type ContractServiceAdjustmentCreateWire } from './autotask.schemas.js';
import { invalid, isCalendarDate, toWireIds } from './autotask.translate.js';

/**
 * A delta, so never retried here: a timeout or dropped connection comes back `isAmbiguous`
 * and the caller must re-read units before deciding anything.
 */
export async function createUnitAdjustment(
  client: AutotaskClient,
  adjustment: PsaUnitAdjustment,
): Promise<PsaResult<{ readonly id: string }>> {
  if (!isCalendarDate(adjustment.effectiveDate)) {
    return err(invalid('effectiveDate must be a calendar date YYYY-MM-DD.', adjustment.effectiveDate));
  }
  if (!Number.isSafeInteger(adjustment.unitChange) || adjustment.unitChange === 0) {
    return err(invalid('unitChange must be a non-zero integer.', String(adjustment.unitChange)));
  }
  const ids = toWireIds(
    adjustment.contractServiceId === undefined
      ? [adjustment.contractId, adjustment.serviceId]
      : [adjustment.contractId, adjustment.serviceId, adjustment.contractServiceId],
  );
  if (!ids.ok) return ids;
  const [contractID = 0, serviceID = 0, contractServiceID] = ids.value;
  const body: ContractServiceAdjustmentCreateWire = {
    contractID,
    serviceID,
    ...(contractServiceID === undefined ? {} : { contractServiceID }),
    unitChange: adjustment.unitChange,
    // Autotask converts the UTC datetime to the tenant zone and truncates to midnight: midday
    // UTC is the same calendar date everywhere from UTC−11 to UTC+11 (docs/autotask.md).
    effectiveDate: `${adjustment.effectiveDate}T12:00:00`,
  };
  const response = await client.call({
    entity: 'ContractServiceAdjustments',
    endpoint: 'ContractServiceAdjustments',
    method: 'POST',
    path: `${apiVersionPath}ContractServiceAdjustments`,
    body,
    isIdempotent: false,
    isPaced: true,
  });
  if (!response.ok) return response;
  const itemId = parseItemId(response.value);
  if (itemId === null) {
    // The create succeeded (2xx) but we cannot say which record it made: treat as ambiguous.
    return err({
      ...classifyFailure({
        kind: 'garbage',
        phase: 'request',
        what: 'ContractServiceAdjustments: no itemId',
      }),
      isAmbiguous: true,
    });
  }
  return ok({ id: String(itemId) });
}
