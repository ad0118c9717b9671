import { sql, type Kysely, type Selectable } from 'kysely';

import type { DB } from '../db/schema.js';
import type { ServiceMappingsTable, WorkspaceMappingsTable } from '../db/tables/connector.tables.js';
import { fromFlag } from '../db/ids.js';
import type { ContractCheckResult, ContractCheckStatus } from '../domain/contract-check.js';
import { toSearchKey } from '../domain/name-match.js';
import { likeContains } from '../lookups/lookup.repository.js';

export type WorkspaceMappingRow = Selectable<WorkspaceMappingsTable>;
export type ServiceMappingRow = Selectable<ServiceMappingsTable>;

export const workspaceMappingFilters = ['all', 'mapped', 'unmapped', 'problems'] as const;
export type WorkspaceMappingFilter = (typeof workspaceMappingFilters)[number];
export const workspaceMappingSorts = ['workspace', 'company', 'status'] as const;
export type WorkspaceMappingSort = (typeof workspaceMappingSorts)[number];

export interface WorkspaceMappingListOptions {
  readonly filter: WorkspaceMappingFilter;
  readonly q?: string;
  readonly sort: WorkspaceMappingSort;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly offset: number;
  /** The row count when the caller already knows it (the page's counts), so it is not queried twice. */
  readonly total?: number;
  /** Only this workspace (to return one row after a change). */
  readonly workspaceId?: string;
}

export interface WorkspaceMappingListItem {
  readonly workspaceId: string;
  readonly workspaceName: string;
  readonly workspaceStatus: string | null;
  readonly mapping: {
    readonly id: string;
    readonly companyId: string;
    readonly companyName: string;
    readonly isCompanyActive: boolean;
    readonly isCompanyPresent: boolean;
    readonly pinnedContractId: string | null;
    readonly checkStatus: ContractCheckStatus | null;
    readonly check: ContractCheckResult | null;
    readonly checkedAt: string | null;
    readonly updatedAt: string;
  } | null;
}

function parseCheck(json: string | null): ContractCheckResult | null {
  return json === null ? null : (JSON.parse(json) as ContractCheckResult);
}

/**
 * The page's filter counts in one pass over the channel's children (was one count query per
 * filter): all, mapped, and problems with the same predicate as the `problems` filter.
 */
export async function countWorkspaceMappings(
  db: Kysely<DB>,
  connectorId: string,
  channelId: string,
): Promise<{ all: number; mapped: number; problems: number }> {
  const row = await db
    .selectFrom('workspaces as w')
    .leftJoin('workspace_mappings as m', (join) =>
      join.onRef('m.workspace_id', '=', 'w.id').on('m.connector_id', '=', connectorId),
    )
    .leftJoin('psa_companies as c', (join) =>
      join.onRef('c.connector_id', '=', 'm.connector_id').onRef('c.psa_id', '=', 'm.psa_company_id'),
    )
    .where('w.parent_id', '=', channelId)
    .where('w.kind', '=', 'child')
    .select((eb) => [
      eb.fn.countAll<number | string>().as('all'),
      eb.fn.count<number | string>('m.id').as('mapped'),
      sql<
        number | string | null
      >`sum(case when m.id is not null and (m.check_status != 'ok' or c.is_active = 0 or c.is_present = 0) then 1 else 0 end)`.as(
        'problems',
      ),
    ])
    .executeTakeFirstOrThrow();
  return { all: Number(row.all), mapped: Number(row.mapped), problems: Number(row.problems ?? 0) };
}

/** Every child workspace of the channel with its mapping on this connector (if any). */
export async function listWorkspaceMappings(
  db: Kysely<DB>,
  connectorId: string,
  channelId: string,
  options: WorkspaceMappingListOptions,
): Promise<{ items: WorkspaceMappingListItem[]; total: number }> {
  let base = db
    .selectFrom('workspaces as w')
    .leftJoin('workspace_mappings as m', (join) =>
      join.onRef('m.workspace_id', '=', 'w.id').on('m.connector_id', '=', connectorId),
    )
    .leftJoin('psa_companies as c', (join) =>
      join.onRef('c.connector_id', '=', 'm.connector_id').onRef('c.psa_id', '=', 'm.psa_company_id'),
    )
    .where('w.parent_id', '=', channelId)
    .where('w.kind', '=', 'child');
  if (options.workspaceId !== undefined) base = base.where('w.id', '=', options.workspaceId);
  switch (options.filter) {
    case 'all':
      break;
    case 'mapped':
      base = base.where('m.id', 'is not', null);
      break;
    case 'unmapped':
      base = base.where('m.id', 'is', null);
      break;
    case 'problems':
      base = base
        .where('m.id', 'is not', null)
        .where((eb) =>
          eb.or([eb('m.check_status', '!=', 'ok'), eb('c.is_active', '=', 0), eb('c.is_present', '=', 0)]),
        );
      break;
  }
  const q = toSearchKey(options.q ?? '');
  if (q) {
    const pattern = likeContains(q);
    base = base.where((eb) =>
      eb.or([
        sql<boolean>`lower(w.display_name) like ${pattern} escape '\\'`,
        sql<boolean>`c.search_name like ${pattern} escape '\\'`,
      ]),
    );
  }

  const totalRow =
    options.total === undefined
      ? await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
      : { total: options.total };
  const sortColumn =
    options.sort === 'workspace'
      ? sql`lower(w.display_name)`
      : options.sort === 'company'
        ? sql`c.search_name`
        : sql`m.check_status`;
  // Unmapped rows (nulls) last whatever the direction, so the list never opens on blanks.
  const rows = await base
    .select([
      'w.id as workspace_id',
      'w.display_name',
      'w.status as workspace_status',
      'm.id as mapping_id',
      'm.psa_company_id',
      'm.pinned_contract_id',
      'm.check_status',
      'm.check_json',
      'm.checked_at',
      'm.updated_at',
      'c.name as company_name',
      'c.is_active',
      'c.is_present',
    ])
    // display_name is NOT NULL: sorted by workspace the order is exactly the index's
    // (workspaces_parent_name_idx), so the page is read in order instead of sorting every child.
    .$if(options.sort !== 'workspace', (qb) =>
      qb.orderBy(sql`case when ${sortColumn} is null then 1 else 0 end`).orderBy(sortColumn, options.order),
    )
    .$if(options.sort === 'workspace', (qb) => qb.orderBy(sql`lower(w.display_name)`, options.order))
    .$if(options.sort !== 'workspace', (qb) => qb.orderBy(sql`lower(w.display_name)`))
    .orderBy('w.id', options.sort === 'workspace' ? options.order : 'asc')
    .limit(options.limit)
    .offset(options.offset)
    .execute();

  return {
    total: totalRow.total,
    items: rows.map((r) => ({
      workspaceId: r.workspace_id,
      workspaceName: r.display_name,
      workspaceStatus: r.workspace_status,
      mapping:
        r.mapping_id && r.psa_company_id && r.updated_at
          ? {
              id: r.mapping_id,
              companyId: r.psa_company_id,
              companyName: r.company_name ?? '',
              isCompanyActive: fromFlag(r.is_active),
              isCompanyPresent: fromFlag(r.is_present),
              pinnedContractId: r.pinned_contract_id ?? null,
              checkStatus: (r.check_status ?? null) as ContractCheckStatus | null,
              check: parseCheck(r.check_json ?? null),
              checkedAt: r.checked_at ?? null,
              updatedAt: r.updated_at,
            }
          : null,
    })),
  };
}

export async function findWorkspaceMapping(
  db: Kysely<DB>,
  connectorId: string,
  workspaceId: string,
): Promise<WorkspaceMappingRow | undefined> {
  return db
    .selectFrom('workspace_mappings')
    .selectAll()
    .where('connector_id', '=', connectorId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
}

/** Who already holds a company on this connector (for the 409 that names the other workspace). */
export async function findCompanyHolder(
  db: Kysely<DB>,
  connectorId: string,
  companyId: string,
): Promise<{ mappingId: string; workspaceId: string; workspaceName: string } | undefined> {
  const row = await db
    .selectFrom('workspace_mappings as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['m.id', 'm.workspace_id', 'w.display_name'])
    .where('m.connector_id', '=', connectorId)
    .where('m.psa_company_id', '=', companyId)
    .executeTakeFirst();
  return row
    ? { mappingId: row.id, workspaceId: row.workspace_id, workspaceName: row.display_name }
    : undefined;
}

export async function insertWorkspaceMapping(db: Kysely<DB>, row: WorkspaceMappingRow): Promise<void> {
  await db.insertInto('workspace_mappings').values(row).execute();
}

/** A new company invalidates the pin and the last check: both were about the old company. */
export async function changeMappedCompany(
  db: Kysely<DB>,
  mappingId: string,
  companyId: string,
  updatedAt: string,
): Promise<void> {
  await db
    .updateTable('workspace_mappings')
    .set({
      psa_company_id: companyId,
      pinned_contract_id: null,
      check_status: null,
      check_json: null,
      checked_at: null,
      updated_at: updatedAt,
    })
    .where('id', '=', mappingId)
    .execute();
}

export async function setPinnedContract(
  db: Kysely<DB>,
  mappingId: string,
  contractId: string | null,
  updatedAt: string,
): Promise<void> {
  await db
    .updateTable('workspace_mappings')
    .set({ pinned_contract_id: contractId, updated_at: updatedAt })
    .where('id', '=', mappingId)
    .execute();
}

export async function deleteWorkspaceMapping(db: Kysely<DB>, mappingId: string): Promise<void> {
  await db.deleteFrom('workspace_mappings').where('id', '=', mappingId).execute();
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

/** Child workspaces of the channel with no mapping on this connector (auto-map, suggestions). */
export async function listUnmappedWorkspaces(
  db: Kysely<DB>,
  connectorId: string,
  channelId: string,
): Promise<{ id: string; name: string }[]> {
  const rows = await db
    .selectFrom('workspaces as w')
    .leftJoin('workspace_mappings as m', (join) =>
      join.onRef('m.workspace_id', '=', 'w.id').on('m.connector_id', '=', connectorId),
    )
    .select(['w.id', 'w.display_name'])
    .where('w.parent_id', '=', channelId)
    .where('w.kind', '=', 'child')
    .where('m.id', 'is', null)
    .orderBy('w.display_name')
    .orderBy('w.id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name }));
}

export async function findChildWorkspace(
  db: Kysely<DB>,
  channelId: string,
  workspaceId: string,
): Promise<{ id: string; name: string; status: string | null } | undefined> {
  const row = await db
    .selectFrom('workspaces')
    .select(['id', 'display_name', 'status'])
    .where('id', '=', workspaceId)
    .where('parent_id', '=', channelId)
    .where('kind', '=', 'child')
    .executeTakeFirst();
  return row ? { id: row.id, name: row.display_name, status: row.status } : undefined;
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

export interface ServiceMappingListItem {
  readonly serviceKey: string;
  readonly serviceName: string;
  readonly serviceKind: string;
  readonly defaultBillingBasis: string;
  readonly mapping: {
    readonly id: string;
    readonly psaServiceId: string;
    readonly psaServiceName: string;
    readonly isPsaServiceActive: boolean;
    readonly isPsaServicePresent: boolean;
    readonly billingBasis: string;
    readonly updatedAt: string;
  } | null;
}

/** Every active Coro service of the catalog with its mapping on this connector, in catalog order. */
export async function listServiceMappings(
  db: Kysely<DB>,
  connectorId: string,
): Promise<ServiceMappingListItem[]> {
  const rows = await db
    .selectFrom('catalog_services as k')
    .leftJoin('service_mappings as m', (join) =>
      join.onRef('m.service_key', '=', 'k.key').on('m.connector_id', '=', connectorId),
    )
    .leftJoin('psa_services as s', (join) =>
      join.onRef('s.connector_id', '=', 'm.connector_id').onRef('s.psa_id', '=', 'm.psa_service_id'),
    )
    .select([
      'k.key',
      'k.name',
      'k.kind',
      'k.billing_basis as default_basis',
      'm.id as mapping_id',
      'm.psa_service_id',
      'm.billing_basis',
      'm.updated_at',
      's.name as psa_name',
      's.is_active',
      's.is_present',
    ])
    .where('k.is_active', '=', 1)
    .orderBy('k.sort_order')
    .orderBy('k.key')
    .execute();
  return rows.map((r) => ({
    serviceKey: r.key,
    serviceName: r.name,
    serviceKind: r.kind,
    defaultBillingBasis: r.default_basis,
    mapping:
      r.mapping_id && r.psa_service_id && r.billing_basis && r.updated_at
        ? {
            id: r.mapping_id,
            psaServiceId: r.psa_service_id,
            psaServiceName: r.psa_name ?? '',
            isPsaServiceActive: fromFlag(r.is_active),
            isPsaServicePresent: fromFlag(r.is_present),
            billingBasis: r.billing_basis,
            updatedAt: r.updated_at,
          }
        : null,
  }));
}

export async function findCatalogService(
  db: Kysely<DB>,
  serviceKey: string,
): Promise<{ key: string; name: string; billingBasis: string } | undefined> {
  const row = await db
    .selectFrom('catalog_services')
    .select(['key', 'name', 'billing_basis'])
    .where('key', '=', serviceKey)
    .where('is_active', '=', 1)
    .executeTakeFirst();
  return row ? { key: row.key, name: row.name, billingBasis: row.billing_basis } : undefined;
}

export async function findServiceMapping(
  db: Kysely<DB>,
  connectorId: string,
  serviceKey: string,
): Promise<ServiceMappingRow | undefined> {
  return db
    .selectFrom('service_mappings')
    .selectAll()
    .where('connector_id', '=', connectorId)
    .where('service_key', '=', serviceKey)
    .executeTakeFirst();
}

export async function findPsaServiceHolder(
  db: Kysely<DB>,
  connectorId: string,
  psaServiceId: string,
): Promise<{ serviceKey: string; serviceName: string } | undefined> {
  const row = await db
    .selectFrom('service_mappings as m')
    .innerJoin('catalog_services as k', 'k.key', 'm.service_key')
    .select(['m.service_key', 'k.name'])
    .where('m.connector_id', '=', connectorId)
    .where('m.psa_service_id', '=', psaServiceId)
    .executeTakeFirst();
  return row ? { serviceKey: row.service_key, serviceName: row.name } : undefined;
}

export async function upsertServiceMapping(db: Kysely<DB>, row: ServiceMappingRow): Promise<void> {
  await db
    .insertInto('service_mappings')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['connector_id', 'service_key']).doUpdateSet({
        psa_service_id: row.psa_service_id,
        billing_basis: row.billing_basis,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

export async function deleteServiceMapping(db: Kysely<DB>, mappingId: string): Promise<void> {
  await db.deleteFrom('service_mappings').where('id', '=', mappingId).execute();
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

// ---- For the sync engine -------------------------------------------------------------------

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
      const check = parseCheck(r.check_json);
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
