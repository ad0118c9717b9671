/**
 * What the sync last confirmed the PSA holds per (workspace, service): the planner's memory between
 * runs (a line is unchanged when Coro's count equals it), kept apart from the ledger of writes.
 */
import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import type { ConfirmedUnits } from '../domain/sync-plan.js';

export interface ConfirmInput extends ConfirmedUnits {
  readonly connectorId: string;
  readonly asOfDate: string;
  readonly runId: string;
}

const confirmedColumns = [
  'workspace_id',
  'workspace_name',
  'service_key',
  'service_name',
  'company_id',
  'contract_id',
  'psa_service_id',
  'units',
] as const;

const toConfirmed = (r: {
  workspace_id: string;
  workspace_name: string;
  service_key: string;
  service_name: string;
  company_id: string;
  contract_id: string;
  psa_service_id: string;
  units: number;
}): ConfirmedUnits => ({
  workspaceId: r.workspace_id,
  workspaceName: r.workspace_name,
  serviceKey: r.service_key,
  serviceName: r.service_name,
  companyId: r.company_id,
  contractId: r.contract_id,
  psaServiceId: r.psa_service_id,
  units: r.units,
});

/** What the sync last confirmed for these workspaces (one chunk of a run). */
export async function confirmedUnitsFor(
  db: Kysely<DB>,
  connectorId: string,
  workspaceIds: readonly string[],
): Promise<ConfirmedUnits[]> {
  if (workspaceIds.length === 0) return [];
  const rows = await db
    .selectFrom('sync_confirmed_units')
    .select(confirmedColumns)
    .where('connector_id', '=', connectorId)
    .where('workspace_id', 'in', workspaceIds)
    .execute();
  return rows.map(toConfirmed);
}

/** Confirmed units of workspaces that are no longer children of the channel (deleted, moved). */
export async function confirmedUnitsOfOrphans(
  db: Kysely<DB>,
  connectorId: string,
  channelId: string,
): Promise<ConfirmedUnits[]> {
  const rows = await db
    .selectFrom('sync_confirmed_units')
    .select(confirmedColumns)
    .where('connector_id', '=', connectorId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('workspaces as w')
            .select('w.id')
            .whereRef('w.id', '=', 'sync_confirmed_units.workspace_id')
            .where('w.parent_id', '=', channelId)
            .where('w.kind', '=', 'child'),
        ),
      ),
    )
    .execute();
  return rows.map(toConfirmed);
}

export async function confirmUnits(db: Kysely<DB>, input: ConfirmInput, now: string): Promise<void> {
  const values = {
    workspace_name: input.workspaceName,
    service_name: input.serviceName,
    company_id: input.companyId,
    contract_id: input.contractId,
    psa_service_id: input.psaServiceId,
    units: input.units,
    as_of_date: input.asOfDate,
    run_id: input.runId,
    confirmed_at: now,
  };
  await db
    .insertInto('sync_confirmed_units')
    .values({
      connector_id: input.connectorId,
      workspace_id: input.workspaceId,
      service_key: input.serviceKey,
      ...values,
    })
    .onConflict((oc) => oc.columns(['connector_id', 'workspace_id', 'service_key']).doUpdateSet(values))
    .execute();
}

/** Confirms many lines at once (unchanged lines of a big run): one statement per batch. */
export async function confirmManyUnits(
  db: Kysely<DB>,
  inputs: readonly ConfirmInput[],
  now: string,
): Promise<void> {
  for (let i = 0; i < inputs.length; i += 200) {
    const batch = inputs.slice(i, i + 200);
    await db
      .insertInto('sync_confirmed_units')
      .values(
        batch.map((input) => ({
          connector_id: input.connectorId,
          workspace_id: input.workspaceId,
          service_key: input.serviceKey,
          workspace_name: input.workspaceName,
          service_name: input.serviceName,
          company_id: input.companyId,
          contract_id: input.contractId,
          psa_service_id: input.psaServiceId,
          units: input.units,
          as_of_date: input.asOfDate,
          run_id: input.runId,
          confirmed_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['connector_id', 'workspace_id', 'service_key']).doUpdateSet((eb) => ({
          workspace_name: eb.ref('excluded.workspace_name'),
          service_name: eb.ref('excluded.service_name'),
          company_id: eb.ref('excluded.company_id'),
          contract_id: eb.ref('excluded.contract_id'),
          psa_service_id: eb.ref('excluded.psa_service_id'),
          units: eb.ref('excluded.units'),
          as_of_date: eb.ref('excluded.as_of_date'),
          run_id: eb.ref('excluded.run_id'),
          confirmed_at: eb.ref('excluded.confirmed_at'),
        })),
      )
      .execute();
  }
}

export async function forgetConfirmedUnits(
  db: Kysely<DB>,
  connectorId: string,
  workspaceId: string,
  serviceKey: string,
): Promise<void> {
  await db
    .deleteFrom('sync_confirmed_units')
    .where('connector_id', '=', connectorId)
    .where('workspace_id', '=', workspaceId)
    .where('service_key', '=', serviceKey)
    .execute();
}
