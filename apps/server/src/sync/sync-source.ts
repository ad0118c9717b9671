/**
 * The Coro side of a sync, read from our database: the channel's child workspaces with their
 * mappings and the mapped services (once per run), and each workspace's latest counts on or before
 * the effective day (per chunk of workspaces, so a run's memory does not grow with the channel).
 */
import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import { addDays } from '../domain/billing-policy.js';
import type { BillingBasis, PlanService, PlanWorkspace, UsageCount } from '../domain/sync-plan.js';

/** Counts older than this are stale: the line reports `no_usage` rather than bill old numbers. */
export const usageMaxAgeDays = 7;

export interface SyncSource {
  readonly connectorId: string;
  readonly channelId: string;
  readonly workspaces: PlanWorkspace[];
  readonly services: PlanService[];
}

export async function loadSyncSource(
  db: Kysely<DB>,
  connectorId: string,
  channelId: string,
): Promise<SyncSource> {
  const children = await db
    .selectFrom('workspaces as w')
    .leftJoin('workspace_mappings as m', (j) =>
      j.onRef('m.workspace_id', '=', 'w.id').on('m.connector_id', '=', connectorId),
    )
    .leftJoin('psa_companies as c', (j) =>
      j.onRef('c.psa_id', '=', 'm.psa_company_id').on('c.connector_id', '=', connectorId),
    )
    .select([
      'w.id',
      'w.display_name',
      'w.status',
      'm.psa_company_id',
      'm.pinned_contract_id',
      'c.name as company_name',
    ])
    .where('w.parent_id', '=', channelId)
    .where('w.kind', '=', 'child')
    .orderBy('w.display_name')
    .orderBy('w.id')
    .execute();
  const workspaces: PlanWorkspace[] = children.map((r) => ({
    id: r.id,
    name: r.display_name,
    status: r.status,
    companyId: r.psa_company_id ?? null,
    companyName: r.company_name ?? null,
    pinnedContractId: r.pinned_contract_id ?? null,
  }));

  const mapped = await db
    .selectFrom('service_mappings as sm')
    .leftJoin('catalog_services as cs', 'cs.key', 'sm.service_key')
    .leftJoin('psa_services as ps', (j) =>
      j.onRef('ps.psa_id', '=', 'sm.psa_service_id').on('ps.connector_id', '=', connectorId),
    )
    .select([
      'sm.service_key',
      'sm.psa_service_id',
      'sm.billing_basis',
      'cs.name as service_name',
      'cs.sort_order',
      'ps.name as psa_service_name',
      'ps.unit_price',
    ])
    .where('sm.connector_id', '=', connectorId)
    .execute();
  const services: PlanService[] = mapped
    .sort((a, b) => (a.sort_order ?? 0) - (b.sort_order ?? 0) || a.service_key.localeCompare(b.service_key))
    .map((r) => ({
      serviceKey: r.service_key,
      serviceName: r.service_name ?? r.service_key,
      psaServiceId: r.psa_service_id,
      psaServiceName: r.psa_service_name ?? `service ${r.psa_service_id}`,
      basis: (r.billing_basis === 'users' ? 'users' : 'devices') satisfies BillingBasis,
      unitPrice: r.unit_price,
    }));

  return { connectorId, channelId, workspaces, services };
}

/** Counts of these workspaces (≤ 500 per call: one chunk of a run). */
export async function loadUsage(
  db: Kysely<DB>,
  workspaceIds: readonly string[],
  effectiveDate: string,
): Promise<Map<string, Map<string, UsageCount>>> {
  const usage = new Map<string, Map<string, UsageCount>>();
  if (workspaceIds.length === 0) return usage;
  // Latest day with data per workspace, within the freshness window: one grouped query, then the
  // rows of exactly that day (never a sum across days).
  const oldest = addDays(effectiveDate, -usageMaxAgeDays);
  const rows = await db
    .selectFrom('usage_daily as u')
    .innerJoin(
      (eb) =>
        eb
          .selectFrom('usage_daily as u2')
          .select(['u2.workspace_id', (e) => e.fn.max('u2.day').as('day')])
          .where('u2.workspace_id', 'in', workspaceIds)
          .where('u2.day', '<=', effectiveDate)
          .where('u2.day', '>=', oldest)
          .groupBy('u2.workspace_id')
          .as('latest'),
      (j) => j.onRef('latest.workspace_id', '=', 'u.workspace_id').onRef('latest.day', '=', 'u.day'),
    )
    .select(['u.workspace_id', 'u.service_key', 'u.devices', 'u.users'])
    .execute();
  for (const r of rows) {
    let byService = usage.get(r.workspace_id);
    if (!byService) {
      byService = new Map<string, UsageCount>();
      usage.set(r.workspace_id, byService);
    }
    byService.set(r.service_key, { devices: r.devices, users: r.users });
  }
  return usage;
}
