import { sql, type Kysely, type Selectable } from 'kysely';

import { cachedUntilWrite } from '../db/cached-until-write.js';
import { runCompiledOnce } from '../db/compiled-once.js';
import type { DB } from '../db/schema.js';
import type { WorkspaceMappingsTable } from '../db/tables/connector.tables.js';
import { fromFlag } from '../db/ids.js';
import type { ContractCheckResult, ContractCheckStatus } from '../domain/contract-check.js';
import { toSearchKey } from '../domain/name-match.js';
import { likeContains } from '../lookups/lookup.repository.js';
import { parseCheckJson } from './contract-check.repository.js';

export type WorkspaceMappingRow = Selectable<WorkspaceMappingsTable>;

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

/**
 * The page's filter counts: all from the children index, mapped and problems from this connector's
 * mappings, or undefined when the connector is not in this channel (the page's 404). Issue 12: one
 * pass joining every child to its mapping and company cost 4.4 ms of the 7 ms a mapping page took
 * at 5,000 workspaces; mappings are the smaller side to walk. Walking them still cost 2.3 ms of a
 * 3.3 ms page, so the counts are kept until the database changes (`cachedUntilWrite`: any write,
 * by any process, recomputes them). The connector check rides in the same entry: one change stamp
 * per page instead of a connector query as well (a removed or moved connector is a write, so the
 * next page sees it).
 */
export function countWorkspaceMappings(
  db: Kysely<DB>,
  connectorId: string,
  channelId: string,
): Promise<Readonly<{ all: number; mapped: number; problems: number }> | undefined> {
  return cachedUntilWrite(db, `workspace-mapping-counts:${connectorId}:${channelId}`, async () => {
    const connector = await db
      .selectFrom('psa_connectors')
      .select('channel_id')
      .where('id', '=', connectorId)
      .executeTakeFirst();
    if (connector?.channel_id !== channelId) return undefined;
    return Object.freeze(await queryWorkspaceMappingCounts(db, connectorId, channelId));
  });
}

async function queryWorkspaceMappingCounts(
  db: Kysely<DB>,
  connectorId: string,
  channelId: string,
): Promise<{ all: number; mapped: number; problems: number }> {
  const [children, mappings] = await Promise.all([
    db
      .selectFrom('workspaces')
      .where('parent_id', '=', channelId)
      .where('kind', '=', 'child')
      .select((eb) => eb.fn.countAll<number | string>().as('all'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('workspace_mappings as m')
      .leftJoin('psa_companies as c', (join) =>
        join.onRef('c.connector_id', '=', 'm.connector_id').onRef('c.psa_id', '=', 'm.psa_company_id'),
      )
      .where('m.connector_id', '=', connectorId)
      // A correlated check, not a join: a join lets the planner walk every child instead.
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('workspaces as w')
            .select(sql`1`.as('one'))
            .whereRef('w.id', '=', 'm.workspace_id')
            .where('w.parent_id', '=', channelId)
            .where('w.kind', '=', 'child'),
        ),
      )
      .select((eb) => [
        eb.fn.countAll<number | string>().as('mapped'),
        // The same predicate as the `problems` filter.
        sql<
          number | string | null
        >`sum(case when m.check_status != 'ok' or c.is_active = 0 or c.is_present = 0 then 1 else 0 end)`.as(
          'problems',
        ),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  return {
    all: Number(children.all),
    mapped: Number(mappings.mapped),
    problems: Number(mappings.problems ?? 0),
  };
}

/** The values a page's query takes; everything else about it is its shape. */
interface PageValues {
  readonly connectorId: string;
  readonly channelId: string;
  readonly limit: number;
  readonly offset: number;
  readonly pattern: string;
  readonly workspaceId: string;
}

type PageRow = Awaited<ReturnType<ReturnType<typeof pageQuery>['execute']>>[number];

/**
 * A page has a bounded set of shapes (filter, search or not, sort, order, one workspace or not: 96,
 * each with a page and a count query) and only its values change: each is compiled once (issue 12).
 */
interface PageShape {
  readonly filter: WorkspaceMappingFilter;
  readonly hasSearch: boolean;
  readonly sort: WorkspaceMappingSort;
  readonly order: 'asc' | 'desc';
  readonly hasWorkspaceId: boolean;
}

function pageBase(db: Kysely<DB>, shape: PageShape, v: PageValues) {
  let base = db
    .selectFrom('workspaces as w')
    .leftJoin('workspace_mappings as m', (join) =>
      join.onRef('m.workspace_id', '=', 'w.id').on('m.connector_id', '=', v.connectorId),
    )
    .leftJoin('psa_companies as c', (join) =>
      join.onRef('c.connector_id', '=', 'm.connector_id').onRef('c.psa_id', '=', 'm.psa_company_id'),
    )
    .where('w.parent_id', '=', v.channelId)
    .where('w.kind', '=', 'child');
  if (shape.hasWorkspaceId) base = base.where('w.id', '=', v.workspaceId);
  switch (shape.filter) {
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
  if (shape.hasSearch) {
    base = base.where((eb) =>
      eb.or([
        sql<boolean>`lower(w.display_name) like ${v.pattern} escape '\\'`,
        sql<boolean>`c.search_name like ${v.pattern} escape '\\'`,
      ]),
    );
  }
  return base;
}

function pageQuery(db: Kysely<DB>, shape: PageShape, v: PageValues) {
  const sortColumn =
    shape.sort === 'workspace'
      ? sql`lower(w.display_name)`
      : shape.sort === 'company'
        ? sql`c.search_name`
        : sql`m.check_status`;
  // Unmapped rows (nulls) last whatever the direction, so the list never opens on blanks.
  return (
    pageBase(db, shape, v)
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
      .$if(shape.sort !== 'workspace', (qb) =>
        qb.orderBy(sql`case when ${sortColumn} is null then 1 else 0 end`).orderBy(sortColumn, shape.order),
      )
      .$if(shape.sort === 'workspace', (qb) => qb.orderBy(sql`lower(w.display_name)`, shape.order))
      .$if(shape.sort !== 'workspace', (qb) => qb.orderBy(sql`lower(w.display_name)`))
      .orderBy('w.id', shape.sort === 'workspace' ? shape.order : 'asc')
      .limit(v.limit)
      .offset(v.offset)
  );
}

/** Every child workspace of the channel with its mapping on this connector (if any). */
export async function listWorkspaceMappings(
  db: Kysely<DB>,
  connectorId: string,
  channelId: string,
  options: WorkspaceMappingListOptions,
): Promise<{ items: WorkspaceMappingListItem[]; total: number }> {
  const q = toSearchKey(options.q ?? '');
  const shape: PageShape = {
    filter: options.filter,
    hasSearch: q !== '',
    sort: options.sort,
    order: options.order,
    hasWorkspaceId: options.workspaceId !== undefined,
  };
  const values: PageValues = {
    connectorId,
    channelId,
    limit: options.limit,
    offset: options.offset,
    pattern: q === '' ? '' : likeContains(q),
    workspaceId: options.workspaceId ?? '',
  };
  const key = `${shape.filter}|${shape.hasSearch}|${shape.sort}|${shape.order}|${shape.hasWorkspaceId}`;

  const total =
    options.total ??
    Number(
      (
        await runCompiledOnce(
          db,
          `total|${key}`,
          (v) => pageBase(db, shape, v).select((eb) => eb.fn.countAll<number | string>().as('total')),
          values,
        )
      )[0]?.total ?? 0,
    );
  const rows: PageRow[] = await runCompiledOnce(db, `page|${key}`, (v) => pageQuery(db, shape, v), values);

  return {
    total,
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
              check: parseCheckJson(r.check_json ?? null),
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

/** The given workspaces of the channel that have no mapping on this connector (a console page). */
export async function listUnmappedWorkspacesByIds(
  db: Kysely<DB>,
  connectorId: string,
  channelId: string,
  workspaceIds: readonly string[],
): Promise<{ id: string; name: string }[]> {
  if (workspaceIds.length === 0) return [];
  const rows = await db
    .selectFrom('workspaces as w')
    .leftJoin('workspace_mappings as m', (join) =>
      join.onRef('m.workspace_id', '=', 'w.id').on('m.connector_id', '=', connectorId),
    )
    .select(['w.id', 'w.display_name'])
    .where('w.id', 'in', [...workspaceIds])
    .where('w.parent_id', '=', channelId)
    .where('w.kind', '=', 'child')
    .where('m.id', 'is', null)
    .orderBy('w.display_name')
    .orderBy('w.id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name }));
}

/** PSA company ids mapped on this connector: suggestions never offer them. */
export async function listMappedCompanyIds(db: Kysely<DB>, connectorId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('workspace_mappings')
    .select('psa_company_id')
    .where('connector_id', '=', connectorId)
    .execute();
  return new Set(rows.map((r) => r.psa_company_id));
}
