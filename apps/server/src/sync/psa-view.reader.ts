/**
 * Reads a chunk's PSA state (contracts → contract services → units, one batched call each; the
 * adapter pages) into the planner's `PsaView`. A failed read becomes per-company or per-contract
 * errors in the view, which the planner turns into problem lines; the other chunks carry on.
 */
import type { BillingPolicy } from '../domain/billing-policy.js';
import { isContractUsableOn } from '../domain/contract-resolution.js';
import {
  unitsKey,
  type ConfirmedUnits,
  type PlanWorkspace,
  type PsaView,
  type UnitsOnDate,
} from '../domain/sync-plan.js';
import type { PsaConnection, PsaContract, PsaContractService, PsaError } from '../psa/psa-provider.port.js';

export type UnitsMapResult = { ok: true; map: Map<string, UnitsOnDate> } | { ok: false; error: PsaError };

/** The units that hold on `onDate`, by `unitsKey(contract, service)`. */
export async function readUnitsMap(
  connection: PsaConnection,
  contractIds: readonly string[],
  onDate: string,
): Promise<UnitsMapResult> {
  const result = await connection.readUnits(contractIds, onDate);
  if (!result.ok) return { ok: false, error: result.error };
  const map = new Map<string, UnitsOnDate>();
  for (const w of result.value) {
    if (w.startDate <= onDate && onDate <= w.endDate)
      map.set(unitsKey(w.contractId, w.serviceId), {
        units: w.units,
        contractServiceId: w.contractServiceId,
        unitPrice: w.unitPrice ?? null,
        ...(w.includedUnits ? { includedUnits: w.includedUnits } : {}),
      });
  }
  return { ok: true, map };
}

/** Chunks workspaces so that each chunk names at most `size` distinct companies. */
export function chunkByCompany(workspaces: readonly PlanWorkspace[], size: number): PlanWorkspace[][] {
  const chunks: PlanWorkspace[][] = [];
  let current: PlanWorkspace[] = [];
  let companies = new Set<string>();
  for (const w of workspaces) {
    if (w.companyId !== null && !companies.has(w.companyId) && companies.size >= size) {
      chunks.push(current);
      current = [];
      companies = new Set();
    }
    current.push(w);
    if (w.companyId !== null) companies.add(w.companyId);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The companies whose PSA state the plan needs: mapped, and billed (or zeroed) in their status. */
export function companiesToRead(workspaces: readonly PlanWorkspace[], policy: BillingPolicy): string[] {
  const needsReading = (w: PlanWorkspace): boolean => {
    if (w.companyId === null) return false;
    const mode = policy.statusBilling[w.status as keyof typeof policy.statusBilling] as string | undefined;
    return mode === 'bill' || mode === 'zero';
  };
  return [...new Set(workspaces.filter(needsReading).map((w) => w.companyId ?? ''))];
}

/** One chunk's PSA state in three batched reads (+ one per extra date for deferred lines). */
export async function readPsaView(
  conn: PsaConnection,
  companyIds: readonly string[],
  chunkConfirmed: readonly ConfirmedUnits[],
  policy: BillingPolicy,
  today: string,
  appliedDates: ReadonlyMap<string, string>,
): Promise<PsaView> {
  const contractsByCompany = new Map<string, PsaContract[]>();
  const contractServicesByContract = new Map<string, PsaContractService[]>();
  const unitsByKey = new Map<string, UnitsOnDate>();
  const companyErrors = new Map<string, PsaError>();
  const contractErrors = new Map<string, PsaError>();
  const view: PsaView = {
    contractsByCompany,
    contractServicesByContract,
    unitsByKey,
    companyErrors,
    contractErrors,
  };

  let usable: PsaContract[] = [];
  if (companyIds.length > 0) {
    const contracts = await conn.readContracts(companyIds);
    if (!contracts.ok) {
      for (const id of companyIds) companyErrors.set(id, contracts.error);
      return view;
    }
    for (const c of contracts.value)
      contractsByCompany.set(c.companyId, [...(contractsByCompany.get(c.companyId) ?? []), c]);
    usable = contracts.value.filter((c) => isContractUsableOn(c, today));
    if (usable.length > 0) {
      const services = await conn.readContractServices(usable.map((c) => c.id));
      if (!services.ok) {
        for (const c of usable) companyErrors.set(c.companyId, services.error);
        return view;
      }
      for (const cs of services.value)
        contractServicesByContract.set(cs.contractId, [
          ...(contractServicesByContract.get(cs.contractId) ?? []),
          cs,
        ]);
    }
  }
  const unitContracts = new Set(usable.map((c) => c.id));
  if (policy.onUnmap === 'zero') for (const c of chunkConfirmed) unitContracts.add(c.contractId);
  if (unitContracts.size === 0) return view;
  const units = await readUnitsMap(conn, [...unitContracts], today);
  if (!units.ok) {
    for (const id of unitContracts) contractErrors.set(id, units.error);
    return view;
  }
  for (const [k, v] of units.map) unitsByKey.set(k, v);

  // Contract services already adjusted on/after today: their "current" is what holds on that later date.
  const laterDates = new Map<string, Set<string>>();
  for (const [key, date] of appliedDates) {
    const contractId = key.slice(0, key.indexOf(':'));
    if (!unitContracts.has(contractId) || date <= today) continue;
    laterDates.set(date, (laterDates.get(date) ?? new Set()).add(contractId));
  }
  for (const [date, contractIds] of laterDates) {
    const later = await readUnitsMap(conn, [...contractIds], date);
    if (!later.ok) {
      for (const id of contractIds) contractErrors.set(id, later.error);
      continue;
    }
    for (const [key, d] of appliedDates) {
      if (d !== date) continue;
      const value = later.map.get(key);
      if (value) unitsByKey.set(key, value);
    }
  }
  return view;
}
