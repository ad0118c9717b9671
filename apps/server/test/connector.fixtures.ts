import type { Insertable, Kysely, Selectable } from 'kysely';

import type { DB } from '../src/db/schema.js';
import { newId } from '../src/db/ids.js';
import type { BillingBasis } from '../src/domain/sync-plan.js';

/** Rows the connector/mapping tests need, written straight to the tables (no HTTP, no PSA). */
export async function seedChannel(
  db: Kysely<DB>,
  name = 'Northwind MSP',
  childNames: readonly string[] = [],
): Promise<{ channelId: string; children: { id: string; name: string }[] }> {
  const now = new Date().toISOString();
  const channelId = newId();
  await db
    .insertInto('workspaces')
    .values({
      id: channelId,
      kind: 'channel',
      parent_id: null,
      display_name: name,
      company_name: name,
      status: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const children = childNames.map((childName) => ({ id: newId(), name: childName }));
  if (children.length > 0) {
    await db
      .insertInto('workspaces')
      .values(
        children.map((c) => ({
          id: c.id,
          kind: 'child',
          parent_id: channelId,
          display_name: c.name,
          company_name: c.name,
          status: 'Subscription',
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
  return { channelId, children };
}

/** Credentials a connector row holds; the sealed secret is bound to the row's id. */
export interface ConnectorRowCredentials {
  readonly username: string;
  readonly secret_box: string;
  readonly integration_code: string | null;
}

/** A connected connector; by default with credentials that reach no PSA, created now. */
export async function seedConnectorRow(
  db: Kysely<DB>,
  channelId: string,
  options: { now?: string; credentials?: (id: string) => ConnectorRowCredentials } = {},
): Promise<string> {
  const now = options.now ?? new Date().toISOString();
  const id = newId();
  await db
    .insertInto('psa_connectors')
    .values({
      id,
      channel_id: channelId,
      kind: 'autotask',
      status: 'connected',
      status_code: null,
      status_message: null,
      status_advice: null,
      ...(options.credentials?.(id) ?? {
        username: 'api@example.com',
        secret_box: 'not-a-real-envelope',
        integration_code: null,
      }),
      zone_name: null,
      tenant_id: null,
      last_verified_at: now,
      last_sync_at: null,
      next_sync_at: null,
      companies_refreshed_at: null,
      companies_watermark: null,
      services_refreshed_at: null,
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

/**
 * A PSA company in the connector's cached list (active, present, refreshed `now`), its search and
 * match keys the lower-cased name. Pure, like `workspaceMappingRow`.
 */
export function psaCompanyRow(company: {
  connectorId: string;
  psaId: string;
  name: string;
  now: string;
}): Insertable<DB['psa_companies']> {
  const { connectorId, psaId, name, now } = company;
  return {
    connector_id: connectorId,
    psa_id: psaId,
    name,
    search_name: name.toLowerCase(),
    match_name: name.toLowerCase(),
    is_active: 1,
    is_present: 1,
    modified_at: null,
    refreshed_at: now,
  };
}

/**
 * The row that maps a workspace to a PSA company, as a mapping made straight in the table (no
 * contract pinned or checked, no author), created and updated `now`. Pure: callers insert one
 * (`.values(workspaceMappingRow(…))`) or a batch (`.values(list.map(…))`).
 */
export function workspaceMappingRow(mapping: {
  connectorId: string;
  workspaceId: string;
  psaCompanyId: string;
  now: string;
}): Selectable<DB['workspace_mappings']> {
  const { connectorId, workspaceId, psaCompanyId, now } = mapping;
  return {
    id: newId(),
    connector_id: connectorId,
    workspace_id: workspaceId,
    psa_company_id: psaCompanyId,
    pinned_contract_id: null,
    check_status: null,
    check_json: null,
    checked_at: null,
    created_by: null,
    created_at: now,
    updated_at: now,
  };
}

/** A PSA service in the connector's cached list (active, present), mapped to a Coro service key. */
export async function seedMappedService(
  db: Kysely<DB>,
  service: {
    connectorId: string;
    psaServiceId: string;
    name: string;
    serviceKey: string;
    billingBasis?: BillingBasis;
    now: string;
  },
): Promise<void> {
  const { connectorId, psaServiceId, name, serviceKey, billingBasis = 'devices', now } = service;
  await db
    .insertInto('psa_services')
    .values({
      connector_id: connectorId,
      psa_id: psaServiceId,
      name,
      search_name: name.toLowerCase(),
      description: null,
      is_active: 1,
      is_present: 1,
      unit_price: null,
      modified_at: null,
      refreshed_at: now,
    })
    .execute();
  await db
    .insertInto('service_mappings')
    .values({
      id: newId(),
      connector_id: connectorId,
      service_key: serviceKey,
      psa_service_id: psaServiceId,
      billing_basis: billingBasis,
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}
