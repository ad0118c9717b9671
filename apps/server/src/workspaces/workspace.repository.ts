import { sql, type Kysely, type Selectable } from 'kysely';
import { childStatuses, type ChildStatus, type Workspace, type WorkspaceKind } from '@coro/contracts';

import { runCompiledOnce } from '../db/compiled-once.js';
import { newId } from '../db/ids.js';
import type { DB } from '../db/schema.js';
import type { WorkspacesTable } from '../db/tables/core.tables.js';
import { AppError } from '../app/app-error.js';

type Db = Kysely<DB>;
type WorkspaceRow = Selectable<WorkspacesTable>;

/** Channels nest, but not without bound: a cycle or runaway depth is a data bug, not a tree. */
const MAX_DEPTH = 16;

const columns = [
  'id',
  'kind',
  'parent_id',
  'display_name',
  'company_name',
  'status',
  'created_at',
  'updated_at',
] as const;

export function toWorkspace(row: WorkspaceRow): Workspace {
  return {
    id: row.id,
    kind: row.kind as WorkspaceKind,
    parentId: row.parent_id,
    displayName: row.display_name,
    companyName: row.company_name,
    status: (row.status as ChildStatus | null) ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findWorkspace(db: Db, id: string): Promise<Workspace | undefined> {
  // Every access check walks the tree with this: compiled once (issue 12).
  const [row] = await runCompiledOnce(
    db,
    'workspace-by-id',
    (v: { id: string }) => db.selectFrom('workspaces').select(columns).where('id', '=', v.id),
    { id },
  );
  return row ? toWorkspace(row) : undefined;
}

/** The workspace followed by its parent, grandparent, … up to the top channel. */
export async function workspaceChain(db: Db, id: string): Promise<Workspace[]> {
  const chain: Workspace[] = [];
  let next: string | null = id;
  while (next !== null && chain.length < MAX_DEPTH) {
    if (chain.some((w) => w.id === next)) break;
    const workspace = await findWorkspace(db, next);
    if (!workspace) break;
    chain.push(workspace);
    next = workspace.parentId;
  }
  return chain;
}

/** The channel and every channel nested below it (breadth first). */
export async function channelSubtree(db: Db, channelId: string): Promise<string[]> {
  const result = [channelId];
  let frontier = [channelId];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth += 1) {
    const rows = await db
      .selectFrom('workspaces')
      .select('id')
      .where('kind', '=', 'channel')
      .where('parent_id', 'in', frontier)
      .execute();
    frontier = rows.map((r) => r.id).filter((id) => !result.includes(id));
    result.push(...frontier);
  }
  return result;
}

/**
 * PSA connectors (and everything hanging off them) exist only on channel workspaces.
 * Throws a 400 `validation_failed` naming the rule.
 */
export function assertChannel(workspace: Workspace): asserts workspace is Workspace & { kind: 'channel' } {
  if (workspace.kind !== 'channel') {
    throw new AppError(
      'validation_failed',
      'PSA connectors are only configurable within channel workspaces; this is a ' +
        workspace.kind +
        ' workspace.',
    );
  }
}

export interface ChildrenFilter {
  readonly limit: number;
  readonly offset: number;
  readonly search?: string | undefined;
  readonly status?: readonly ChildStatus[] | undefined;
}

export async function listChildren(
  db: Db,
  channelId: string,
  filter: ChildrenFilter,
): Promise<{ items: Workspace[]; total: number }> {
  let query = db.selectFrom('workspaces').where('parent_id', '=', channelId).where('kind', '=', 'child');
  if (filter.search !== undefined && filter.search.trim() !== '') {
    const pattern = `%${filter.search
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // ESCAPE spelled out: PostgreSQL defaults to backslash, SQLite has no default escape character.
    query = query.where(
      sql<boolean>`(lower(display_name) like ${pattern} escape '\\' or lower(coalesce(company_name, '')) like ${pattern} escape '\\')`,
    );
  }
  if (filter.status !== undefined && filter.status.length > 0)
    query = query.where('status', 'in', [...filter.status]);
  const [rows, count] = await Promise.all([
    query
      .select(columns)
      .orderBy('display_name')
      .orderBy('id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toWorkspace), total: count.n };
}

export interface NewWorkspace {
  readonly kind: WorkspaceKind;
  readonly parentId: string | null;
  readonly displayName: string;
  readonly companyName?: string | null;
  readonly status?: ChildStatus | null;
  readonly id?: string;
}

export async function insertWorkspace(db: Db, input: NewWorkspace, now: string): Promise<Workspace> {
  if (
    input.kind === 'child' &&
    (input.status === undefined || input.status === null || !childStatuses.includes(input.status))
  ) {
    throw new AppError('validation_failed', 'A child workspace needs a status.');
  }
  const row: WorkspaceRow = {
    id: input.id ?? newId(),
    kind: input.kind,
    parent_id: input.parentId,
    display_name: input.displayName,
    company_name: input.companyName ?? null,
    status: input.kind === 'child' ? (input.status ?? null) : null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('workspaces').values(row).execute();
  return toWorkspace(row);
}

export interface WorkspaceChanges {
  readonly displayName?: string | undefined;
  readonly companyName?: string | null | undefined;
  readonly status?: ChildStatus | undefined;
}

export async function updateWorkspace(
  db: Db,
  id: string,
  changes: WorkspaceChanges,
  now: string,
): Promise<Workspace | undefined> {
  await db
    .updateTable('workspaces')
    .set({
      ...(changes.displayName === undefined ? {} : { display_name: changes.displayName }),
      ...(changes.companyName === undefined ? {} : { company_name: changes.companyName }),
      ...(changes.status === undefined ? {} : { status: changes.status }),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  return findWorkspace(db, id);
}
