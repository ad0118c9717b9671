/**
 * The write side of a ConnectWise connection: a units delta as a PATCH of the owned addition's
 * quantity (ADR 0013), or a new addition when the contract has none for the product.
 */
import { err, ok, type PsaResult, type PsaUnitAdjustment } from '../../psa/psa-provider.port.js';
import type { CwClient } from './connectwise.client.js';
import { classifyCwFailure } from './connectwise.errors.js';
import type { CwReads } from './connectwise.reads.js';
import { invalid, isCalendarDate, num, parseAddition, ref, wireIds } from './connectwise.translate.js';

/**
 * The port speaks deltas; ConnectWise stores an absolute quantity. We PATCH `quantity` to the
 * quantity this connection last read (the reading the sync computed the delta from; the addition
 * is read first only when there is none) + delta. ConnectWise has no conditional PATCH, so an edit
 * made in ConnectWise between that reading and the PATCH is not detected either way; the target
 * the sync computed is what lands. A PATCH that may have been applied comes back `isAmbiguous`
 * (the client never repeats it), so the ledger re-reads before deciding.
 * Without a `contractServiceId` the product is added as a new addition from the effective date.
 */
export async function createUnitAdjustment(
  client: CwClient,
  reads: CwReads,
  adjustment: PsaUnitAdjustment,
): Promise<PsaResult<{ readonly id: string }>> {
  if (!isCalendarDate(adjustment.effectiveDate))
    return err(invalid('effectiveDate must be a calendar date YYYY-MM-DD.', adjustment.effectiveDate));
  if (!Number.isSafeInteger(adjustment.unitChange) || adjustment.unitChange === 0)
    return err(invalid('unitChange must be a non-zero integer.', String(adjustment.unitChange)));
  const ids = wireIds(
    adjustment.contractServiceId === undefined
      ? [adjustment.contractId, adjustment.serviceId]
      : [adjustment.contractId, adjustment.serviceId, adjustment.contractServiceId],
  );
  if (!ids.ok) return ids;
  const [agreementId = 0, productId = 0, additionId] = ids.value;
  const base = `finance/agreements/${agreementId}/additions`;
  reads.dropHandOver(agreementId);
  if (additionId === undefined) {
    if (adjustment.unitChange < 0)
      return err(invalid('A new addition cannot start with fewer than zero units.'));
    const created = await client.call({
      entity: 'finance/agreements/additions',
      method: 'POST',
      path: base,
      body: {
        product: { id: productId },
        quantity: adjustment.unitChange,
        billCustomer: 'Billable',
        effectiveDate: `${adjustment.effectiveDate}T00:00:00Z`,
      },
      isIdempotent: false,
    });
    if (!created.ok) return created;
    const id = num(ref(created.value)?.id);
    return id === null
      ? err({ ...classifyCwFailure({ kind: 'garbage', what: 'addition without id' }), isAmbiguous: true })
      : ok({ id: String(id) });
  }
  let addition = reads.takeLastRead(additionId);
  if (addition === undefined) {
    const current = await client.call({
      entity: 'finance/agreements/additions',
      method: 'GET',
      path: `${base}/${additionId}`,
      isIdempotent: true,
    });
    if (!current.ok) return current;
    const read = parseAddition(ref(current.value) ?? {}, agreementId);
    if (read === null) return err(classifyCwFailure({ kind: 'garbage', what: 'addition unreadable' }));
    addition = read;
  }
  if (addition.productId !== productId)
    return err(invalid('The addition holds another product.', String(addition.productId)));
  const quantity = addition.quantity + adjustment.unitChange;
  if (quantity < 0)
    return err(invalid('The change would leave the addition below zero units.', String(quantity)));
  const patched = await client.call({
    entity: 'finance/agreements/additions',
    method: 'PATCH',
    path: `${base}/${additionId}`,
    body: [{ op: 'replace', path: 'quantity', value: quantity }],
    isIdempotent: false,
  });
  if (!patched.ok) return patched;
  // What ConnectWise now holds is the base of a later write in this run (another date's line).
  const written = parseAddition(ref(patched.value) ?? {}, agreementId);
  if (written !== null) reads.remember(written);
  return ok({ id: String(additionId) });
}
