import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import { fromFlag } from '../db/ids.js';
import type { ContractCheckResult } from '../domain/contract-check.js';

/** The stored check (JSON text) back as the domain result; null until a mapping is checked. */
export function parseCheckJson(json: string | null): ContractCheckResult | null {
  return json === null ? null : (JSON.parse(json) as ContractCheckResult);
}

export async function saveCheckResult(
  db: Kysely<DB>,
  mappingId: string,
  result: ContractCheckResult,
  checkedAt: string,
): Promise<void> {
  await db
    .updateTable('workspace_mappings')
    .set({ check_status: result.status, check_json: JSON.stringify(result), checked_at: checkedAt })
    .where('id', '=', mappingId)
    .execute();
}

/** Mappings (with company names) to run the contract check on; all of them, or some companies. */
export async function listMappingsForCheck(
  db: Kysely<DB>,
  connectorId: string,
  companyIds?: readonly string[],
): Promise<
  {
    mappingId: string;
    workspaceId: string;
    companyId: string;
    companyName: string;
    isCompanyActive: boolean;
    isCompanyPresent: boolean;
    pinnedContractId: string | null;
  }[]
> {
  let query = db
    .selectFrom('workspace_mappings as m')
    .innerJoin('psa_companies as c', (join) =>
      join.onRef('c.connector_id', '=', 'm.connector_id').onRef('c.psa_id', '=', 'm.psa_company_id'),
    )
    .select([
      'm.id',
      'm.workspace_id',
      'm.psa_company_id',
      'm.pinned_contract_id',
      'c.name',
      'c.is_active',
      'c.is_present',
    ])
    .where('m.connector_id', '=', connectorId);
  if (companyIds) {
    if (companyIds.length === 0) return [];
    query = query.where('m.psa_company_id', 'in', companyIds);
  }
  const rows = await query.orderBy('m.id').execute();
  return rows.map((r) => ({
    mappingId: r.id,
    workspaceId: r.workspace_id,
    companyId: r.psa_company_id,
    companyName: r.name,
    isCompanyActive: fromFlag(r.is_active),
    isCompanyPresent: fromFlag(r.is_present),
    pinnedContractId: r.pinned_contract_id,
  }));
}

/** Mapped services with both names, as the contract check needs them. */
export async function listMappedServicesForCheck(
  db: Kysely<DB>,
  connectorId: string,
): Promise<{ serviceKey: string; serviceName: string; psaServiceId: string; psaServiceName: string }[]> {
  const rows = await db
    .selectFrom('service_mappings as m')
    .innerJoin('catalog_services as k', 'k.key', 'm.service_key')
    .leftJoin('psa_services as s', (join) =>
      join.onRef('s.connector_id', '=', 'm.connector_id').onRef('s.psa_id', '=', 'm.psa_service_id'),
    )
    .select(['m.service_key', 'k.name', 'm.psa_service_id', 's.name as psa_name'])
    .where('m.connector_id', '=', connectorId)
    .orderBy('k.sort_order')
    .execute();
  return rows.map((r) => ({
    serviceKey: r.service_key,
    serviceName: r.name,
    psaServiceId: r.psa_service_id,
    psaServiceName: r.psa_name ?? r.psa_service_id,
  }));
}
