import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import { fromFlag } from '../db/ids.js';
import type { WorkspaceMappingRow } from './workspace-mapping.repository.js';

/** Rows per statement: well under both dialects' bound-parameter limits (SQLite 32,766; pg 65,535). */
const chunkSize = 500;

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += chunkSize) yield items.slice(i, i + chunkSize);
}

/** Every present company of the connector with its state and who holds it: auto-map's candidates. */
export async function listCompaniesForAutoMap(
  db: Kysely<DB>,
  connectorId: string,
): Promise<
  {
    id: string;
    name: string;
    matchName: string;
    isActive: boolean;
    holder: { workspaceId: string; workspaceName: string } | null;
  }[]
> {
  const rows = await db
    .selectFrom('psa_companies as c')
    .leftJoin('workspace_mappings as m', (join) =>
      join.onRef('m.connector_id', '=', 'c.connector_id').onRef('m.psa_company_id', '=', 'c.psa_id'),
    )
    .leftJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['c.psa_id', 'c.name', 'c.match_name', 'c.is_active', 'm.workspace_id', 'w.display_name'])
    .where('c.connector_id', '=', connectorId)
    .where('c.is_present', '=', 1)
    .orderBy('c.psa_id')
    .execute();
  return rows.map((r) => ({
    id: r.psa_id,
    name: r.name,
    matchName: r.match_name,
    isActive: fromFlag(r.is_active),
    holder: r.workspace_id ? { workspaceId: r.workspace_id, workspaceName: r.display_name ?? '' } : null,
  }));
}

/** The channel's child workspaces among `ids`, with their current mapping on the connector. */
export async function findWorkspacesForApply(
  db: Kysely<DB>,
  connectorId: string,
  channelId: string,
  ids: readonly string[],
): Promise<Map<string, { name: string; isMapped: boolean }>> {
  const result = new Map<string, { name: string; isMapped: boolean }>();
  for (const part of chunks(ids)) {
    const rows = await db
      .selectFrom('workspaces as w')
      .leftJoin('workspace_mappings as m', (join) =>
        join.onRef('m.workspace_id', '=', 'w.id').on('m.connector_id', '=', connectorId),
      )
      .select(['w.id', 'w.display_name', 'm.id as mapping_id'])
      .where('w.parent_id', '=', channelId)
      .where('w.kind', '=', 'child')
      .where('w.id', 'in', part)
      .execute();
    for (const r of rows) result.set(r.id, { name: r.display_name, isMapped: r.mapping_id !== null });
  }
  return result;
}

/** Companies among `ids` (present ones) with their state and whether a mapping holds them. */
export async function findCompaniesForApply(
  db: Kysely<DB>,
  connectorId: string,
  ids: readonly string[],
): Promise<Map<string, { name: string; isActive: boolean; holderName: string | null }>> {
  const result = new Map<string, { name: string; isActive: boolean; holderName: string | null }>();
  for (const part of chunks(ids)) {
    const rows = await db
      .selectFrom('psa_companies as c')
      .leftJoin('workspace_mappings as m', (join) =>
        join.onRef('m.connector_id', '=', 'c.connector_id').onRef('m.psa_company_id', '=', 'c.psa_id'),
      )
      .leftJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select(['c.psa_id', 'c.name', 'c.is_active', 'm.id as mapping_id', 'w.display_name'])
      .where('c.connector_id', '=', connectorId)
      .where('c.is_present', '=', 1)
      .where('c.psa_id', 'in', part)
      .execute();
    for (const r of rows)
      result.set(r.psa_id, {
        name: r.name,
        isActive: fromFlag(r.is_active),
        holderName: r.mapping_id ? (r.display_name ?? '') : null,
      });
  }
  return result;
}

/** The mappings and the batch that remembers them, in one go. */
export async function insertMappingBatch(
  db: Kysely<DB>,
  batch: { id: string; connectorId: string; createdBy: string | null; createdAt: string },
  mappings: readonly WorkspaceMappingRow[],
): Promise<void> {
  await db
    .insertInto('mapping_batches')
    .values({
      id: batch.id,
      connector_id: batch.connectorId,
      kind: 'auto_map',
      created_by: batch.createdBy,
      created_at: batch.createdAt,
      undone_by: null,
      undone_at: null,
    })
    .execute();
  for (const part of chunks(mappings)) {
    await db.insertInto('workspace_mappings').values(part).execute();
    await db
      .insertInto('mapping_batch_items')
      .values(
        part.map((m) => ({
          batch_id: batch.id,
          mapping_id: m.id,
          workspace_id: m.workspace_id,
          psa_company_id: m.psa_company_id,
        })),
      )
      .execute();
  }
}

/**
 * Marks the batch undone, once: false when it does not exist on this connector or was undone
 * already (the conditional update is what makes two concurrent undos safe).
 */
export async function markBatchUndone(
  db: Kysely<DB>,
  connectorId: string,
  batchId: string,
  undoneBy: string | null,
  undoneAt: string,
): Promise<boolean> {
  const result = await db
    .updateTable('mapping_batches')
    .set({ undone_by: undoneBy, undone_at: undoneAt })
    .where('id', '=', batchId)
    .where('connector_id', '=', connectorId)
    .where('undone_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findBatch(
  db: Kysely<DB>,
  connectorId: string,
  batchId: string,
): Promise<{ id: string; undoneAt: string | null } | undefined> {
  const row = await db
    .selectFrom('mapping_batches')
    .select(['id', 'undone_at'])
    .where('id', '=', batchId)
    .where('connector_id', '=', connectorId)
    .executeTakeFirst();
  return row ? { id: row.id, undoneAt: row.undone_at } : undefined;
}

/** The batch's items beside the mapping row as it is now (null once removed). */
export async function listBatchItems(
  db: Kysely<DB>,
  batchId: string,
): Promise<
  {
    mappingId: string;
    workspaceId: string;
    workspaceName: string;
    companyId: string;
    companyName: string;
    current: { companyId: string; pinnedContractId: string | null } | null;
  }[]
> {
  const rows = await db
    .selectFrom('mapping_batch_items as i')
    .innerJoin('mapping_batches as b', 'b.id', 'i.batch_id')
    .leftJoin('workspace_mappings as m', 'm.id', 'i.mapping_id')
    .leftJoin('workspaces as w', 'w.id', 'i.workspace_id')
    .leftJoin('psa_companies as c', (join) =>
      join.onRef('c.connector_id', '=', 'b.connector_id').onRef('c.psa_id', '=', 'i.psa_company_id'),
    )
    .select([
      'i.mapping_id',
      'i.workspace_id',
      'i.psa_company_id',
      'w.display_name',
      'c.name as company_name',
      'm.id as current_id',
      'm.psa_company_id as current_company_id',
      'm.pinned_contract_id',
    ])
    .where('i.batch_id', '=', batchId)
    .orderBy('w.display_name')
    .execute();
  return rows.map((r) => ({
    mappingId: r.mapping_id,
    workspaceId: r.workspace_id,
    workspaceName: r.display_name ?? '',
    companyId: r.psa_company_id,
    companyName: r.company_name ?? '',
    current:
      r.current_id && r.current_company_id
        ? { companyId: r.current_company_id, pinnedContractId: r.pinned_contract_id ?? null }
        : null,
  }));
}

export async function deleteMappings(db: Kysely<DB>, mappingIds: readonly string[]): Promise<void> {
  for (const part of chunks(mappingIds))
    await db.deleteFrom('workspace_mappings').where('id', 'in', part).execute();
}

/** The latest batches of a connector, newest first, with how many mappings each created. */
export async function listBatches(
  db: Kysely<DB>,
  connectorId: string,
  limit: number,
): Promise<
  { id: string; createdAt: string; createdBy: string | null; mappingCount: number; undoneAt: string | null }[]
> {
  const rows = await db
    .selectFrom('mapping_batches as b')
    .leftJoin('users as u', 'u.id', 'b.created_by')
    .select((eb) => [
      'b.id',
      'b.created_at',
      'b.undone_at',
      'u.email',
      eb
        .selectFrom('mapping_batch_items as i')
        .whereRef('i.batch_id', '=', 'b.id')
        .select((e) => e.fn.countAll<number | string>().as('n'))
        .as('mapping_count'),
    ])
    .where('b.connector_id', '=', connectorId)
    .orderBy('b.created_at', 'desc')
    .orderBy('b.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    createdBy: r.email ?? null,
    mappingCount: Number(r.mapping_count ?? 0),
    undoneAt: r.undone_at,
  }));
}
