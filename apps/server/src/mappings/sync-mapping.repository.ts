import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import { fromFlag } from '../db/ids.js';
import type { ContractCheckStatus } from '../domain/contract-check.js';
import { parseCheckJson } from './contract-check.repository.js';

export interface SyncWorkspaceMapping {
  readonly workspaceId: string;
  readonly psaCompanyId: string;
  /** Last contract check status; null until checked. The sync adjusts only `ok` rows. */
  readonly checkStatus: ContractCheckStatus | null;
  readonly pinnedContractId: string | null;
  /** The contract the last check resolved (the pin, or the unique eligible one). */
  readonly contractId: string | null;
  /** serviceKey → contract-service id on that contract, from the last check. */
  readonly contractServiceIds: Readonly<Record<string, string>>;
  readonly isCompanyActive: boolean;
  readonly checkedAt: string | null;
}

export interface SyncServiceMapping {
  readonly serviceKey: string;
  readonly psaServiceId: string;
  readonly billingBasis: 'devices' | 'users';
}

export interface SyncMappings {
  readonly workspaces: readonly SyncWorkspaceMapping[];
  readonly services: readonly SyncServiceMapping[];
}

/**
 * Everything the sync engine needs to know about a connector's mappings, in two queries.
 *
 * @example
 *   const { workspaces, services } = await loadSyncMappings(ctx.db, connectorId);
 *   for (const w of workspaces.filter((m) => m.checkStatus === 'ok')) …
 */
export async function loadSyncMappings(db: Kysely<DB>, connectorId: string): Promise<SyncMappings> {
  const [workspaceRows, serviceRows] = await Promise.all([
    db
      .selectFrom('workspace_mappings as m')
      .leftJoin('psa_companies as c', (join) =>
        join.onRef('c.connector_id', '=', 'm.connector_id').onRef('c.psa_id', '=', 'm.psa_company_id'),
      )
      .select([
        'm.workspace_id',
        'm.psa_company_id',
        'm.check_status',
        'm.check_json',
        'm.pinned_contract_id',
        'm.checked_at',
        'c.is_active',
      ])
      .where('m.connector_id', '=', connectorId)
      .orderBy('m.workspace_id')
      .execute(),
    db
      .selectFrom('service_mappings')
      .select(['service_key', 'psa_service_id', 'billing_basis'])
      .where('connector_id', '=', connectorId)
      .orderBy('service_key')
      .execute(),
  ]);
  return {
    workspaces: workspaceRows.map((r) => {
      const check = parseCheckJson(r.check_json);
      const contractServiceIds: Record<string, string> = {};
      for (const s of check?.services ?? [])
        if (s.contractServiceId) contractServiceIds[s.serviceKey] = s.contractServiceId;
      return {
        workspaceId: r.workspace_id,
        psaCompanyId: r.psa_company_id,
        checkStatus: r.check_status as ContractCheckStatus | null,
        pinnedContractId: r.pinned_contract_id,
        contractId: check?.contractId ?? null,
        contractServiceIds,
        isCompanyActive: fromFlag(r.is_active),
        checkedAt: r.checked_at,
      };
    }),
    services: serviceRows.map((r) => ({
      serviceKey: r.service_key,
      psaServiceId: r.psa_service_id,
      billingBasis: r.billing_basis === 'users' ? 'users' : 'devices',
    })),
  };
}
