import { sql, type Insertable, type Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import { fromFlag, toFlag } from '../db/ids.js';
import { normalizeCompanyName, toSearchKey } from '../domain/name-match.js';
import type { PsaCompany, PsaService } from '../psa/psa-provider.port.js';

export interface CachedCompany {
  readonly id: string;
  readonly name: string;
  readonly isActive: boolean;
  /** False once a full refresh no longer found it in the PSA. */
  readonly isPresent: boolean;
}

export interface CompanySearchHit extends CachedCompany {
  /** The workspace this company is already mapped to on this connector, if any. */
  readonly mappedWorkspace: { readonly id: string; readonly name: string } | null;
}

export interface CachedService {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly isActive: boolean;
  readonly isPresent: boolean;
  readonly unitPrice: number | null;
}

export interface ServiceSearchHit extends CachedService {
  readonly mappedServiceKey: string | null;
}

export interface SearchPage<T> {
  readonly items: T[];
  /** Opaque; pass back to get the next page. Null on the last page. */
  readonly nextCursor: string | null;
}

export interface SearchOptions {
  readonly q?: string;
  readonly limit: number;
  readonly cursor?: string | null;
  /** Default: inactive companies are listed (flagged), companies gone from the PSA are not. */
  readonly activeOnly?: boolean;
}

/** The PSA records cached per connector, keyed by (connector_id, psa_id). */
type LookupTable = 'psa_companies' | 'psa_services';

/** What every cached record is read from; each table adds columns of its own. */
interface LookupItem {
  readonly id: string;
  readonly name: string;
  readonly isActive: boolean;
  readonly modifiedAt: string | null;
}

/** The columns one table has beyond those every cached record has. */
type OwnColumns<T extends LookupTable> = Omit<Insertable<DB[T]>, keyof Insertable<DB[LookupTable]>>;

/** Writes in chunks small enough for SQLite's bound-parameter limit (9 columns × 100 rows). */
const upsertChunk = 100;

/** Inserts new records; a record already cached takes every new value (and so is present again). */
async function upsertLookupRows<T extends LookupTable, TItem extends LookupItem>(
  db: Kysely<DB>,
  table: T,
  connectorId: string,
  items: readonly TItem[],
  refreshedAt: string,
  ownColumns: (item: TItem) => OwnColumns<T>,
): Promise<void> {
  const rows = items.map((item) => ({
    connector_id: connectorId,
    psa_id: item.id,
    name: item.name,
    search_name: toSearchKey(item.name),
    is_active: toFlag(item.isActive),
    is_present: 1,
    modified_at: item.modifiedAt,
    refreshed_at: refreshedAt,
    ...ownColumns(item),
  }));
  const [first] = rows;
  if (!first) return;
  const updated = Object.fromEntries(
    Object.keys(first)
      .filter((column) => column !== 'connector_id' && column !== 'psa_id')
      .map((column) => [column, sql.ref(`excluded.${column}`)]),
  );
  for (let i = 0; i < rows.length; i += upsertChunk) {
    await db
      .insertInto<LookupTable>(table)
      .values(rows.slice(i, i + upsertChunk))
      .onConflict((oc) => oc.columns(['connector_id', 'psa_id']).doUpdateSet(updated))
      .execute();
  }
}

/** After a full read: every row not refreshed by it has disappeared from the PSA. */
async function markLookupRowsMissing(
  db: Kysely<DB>,
  table: LookupTable,
  connectorId: string,
  refreshedAt: string,
): Promise<number> {
  const result = await db
    .updateTable(table)
    .set({ is_present: 0, is_active: 0 })
    .where('connector_id', '=', connectorId)
    .where('refreshed_at', '<', refreshedAt)
    .where('is_present', '=', 1)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function upsertCompanies(
  db: Kysely<DB>,
  connectorId: string,
  companies: readonly PsaCompany[],
  refreshedAt: string,
): Promise<void> {
  await upsertLookupRows(db, 'psa_companies', connectorId, companies, refreshedAt, (c) => ({
    match_name: normalizeCompanyName(c.name),
  }));
}

/** After a full refresh: every company not seen in it has disappeared from the PSA. */
export async function markCompaniesMissing(
  db: Kysely<DB>,
  connectorId: string,
  refreshedAt: string,
): Promise<number> {
  return markLookupRowsMissing(db, 'psa_companies', connectorId, refreshedAt);
}

export async function upsertServices(
  db: Kysely<DB>,
  connectorId: string,
  services: readonly PsaService[],
  refreshedAt: string,
): Promise<void> {
  await upsertLookupRows(db, 'psa_services', connectorId, services, refreshedAt, (s) => ({
    description: s.description,
    unit_price: s.unitPrice,
  }));
}

export async function markServicesMissing(
  db: Kysely<DB>,
  connectorId: string,
  refreshedAt: string,
): Promise<number> {
  return markLookupRowsMissing(db, 'psa_services', connectorId, refreshedAt);
}

/** `like` pattern matching `text` literally (the admin may type % or _). */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}
export function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

type Cursor = [rank: number, key: string, id: string];

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** Undefined for a cursor we did not issue: the route answers 400 rather than guessing. */
export function decodeCursor(value: string): Cursor | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 3 &&
      (parsed[0] === 0 || parsed[0] === 1) &&
      typeof parsed[1] === 'string' &&
      typeof parsed[2] === 'string'
    ) {
      return [parsed[0], parsed[1], parsed[2]];
    }
  } catch {
    // fall through
  }
  return undefined;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('The paging cursor is not valid for this search');
  }
}

/** The smallest string greater than every string that starts with `prefix` (code-point order). */
export function prefixUpperBound(prefix: string): string {
  const chars = Array.from(prefix);
  const last = chars.pop()?.codePointAt(0) ?? 0;
  return chars.join('') + String.fromCodePoint(last + 1);
}

/** The query as a search key, and the decoded cursor; throws on a cursor we did not issue. */
function readSearchOptions(options: SearchOptions): { q: string; cursor: Cursor | undefined } {
  const q = toSearchKey(options.q ?? '');
  const cursor = options.cursor ? decodeCursor(options.cursor) : undefined;
  if (options.cursor && !cursor) throw new InvalidCursorError();
  return { q, cursor };
}

/** The first `limit` rows; a cursor after the last of them when the search read one row more. */
function toSearchPage<TRow extends { rank: number; search_name: string; psa_id: string }, TItem>(
  rows: readonly TRow[],
  limit: number,
  toItem: (row: TRow) => TItem,
): SearchPage<TItem> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toItem),
    nextCursor: rows.length > limit && last ? encodeCursor([last.rank, last.search_name, last.psa_id]) : null,
  };
}

/**
 * Server-side company search: case- and accent-insensitive "contains" on the stored search key,
 * names that start with the query first, then alphabetical; keyset paging so page N costs the same
 * as page 1. Never calls the PSA.
 *
 * Two index-ordered passes instead of one sorted query, so a page stops reading as soon as it is
 * full (a one-letter query over 50,000 companies reads ~25 index entries, not 50,000):
 *   rank 0: prefix matches, a range scan on (connector_id, search_name);
 *   rank 1: other "contains" matches, walking the same index in order and filtering.
 * search_name compares byte-wise on both dialects (SQLite BINARY, PostgreSQL COLLATE "C"), so the
 * prefix range is exact.
 */
export async function searchCompanies(
  db: Kysely<DB>,
  connectorId: string,
  options: SearchOptions,
): Promise<SearchPage<CompanySearchHit>> {
  const { q, cursor } = readSearchOptions(options);

  const pass = async (rank: 0 | 1, after: readonly [string, string] | undefined, limit: number) => {
    let query = db
      .selectFrom('psa_companies as c')
      .leftJoin('workspace_mappings as m', (join) =>
        join.onRef('m.connector_id', '=', 'c.connector_id').onRef('m.psa_company_id', '=', 'c.psa_id'),
      )
      .leftJoin('workspaces as w', 'w.id', 'm.workspace_id')
      .select([
        'c.psa_id',
        'c.name',
        'c.search_name',
        'c.is_active',
        'c.is_present',
        'm.workspace_id',
        'w.display_name as workspace_name',
      ])
      .where('c.connector_id', '=', connectorId)
      .where('c.is_present', '=', 1);
    if (q && rank === 0)
      query = query.where('c.search_name', '>=', q).where('c.search_name', '<', prefixUpperBound(q));
    if (q && rank === 1) {
      query = query
        .where((eb) => eb.or([eb('c.search_name', '<', q), eb('c.search_name', '>=', prefixUpperBound(q))]))
        .where(sql<boolean>`c.search_name like ${likeContains(q)} escape '\\'`);
    }
    if (options.activeOnly) query = query.where('c.is_active', '=', 1);
    if (after) {
      const [key, id] = after;
      query = query.where((eb) =>
        eb.or([
          eb('c.search_name', '>', key),
          eb.and([eb('c.search_name', '=', key), eb('c.psa_id', '>', id)]),
        ]),
      );
    }
    const rows = await query.orderBy('c.search_name').orderBy('c.psa_id').limit(limit).execute();
    return rows.map((r) => ({ ...r, rank }));
  };

  const want = options.limit + 1;
  const startRank = cursor?.[0] ?? 0;
  const rows = startRank === 0 ? await pass(0, cursor ? [cursor[1], cursor[2]] : undefined, want) : [];
  if (q && rows.length < want)
    rows.push(
      ...(await pass(1, startRank === 1 && cursor ? [cursor[1], cursor[2]] : undefined, want - rows.length)),
    );

  return toSearchPage(rows, options.limit, (r) => ({
    id: r.psa_id,
    name: r.name,
    isActive: fromFlag(r.is_active),
    isPresent: fromFlag(r.is_present),
    mappedWorkspace: r.workspace_id ? { id: r.workspace_id, name: r.workspace_name ?? '' } : null,
  }));
}

export async function searchServices(
  db: Kysely<DB>,
  connectorId: string,
  options: SearchOptions,
): Promise<SearchPage<ServiceSearchHit>> {
  const { q, cursor } = readSearchOptions(options);
  const rank = q
    ? sql<number>`(case when s.search_name like ${likePrefix(q)} escape '\\' then 0 else 1 end)`
    : sql<number>`0`;
  let query = db
    .selectFrom('psa_services as s')
    .leftJoin('service_mappings as m', (join) =>
      join.onRef('m.connector_id', '=', 's.connector_id').onRef('m.psa_service_id', '=', 's.psa_id'),
    )
    .select([
      's.psa_id',
      's.name',
      's.search_name',
      's.description',
      's.is_active',
      's.is_present',
      's.unit_price',
      'm.service_key',
      rank.as('rank'),
    ])
    .where('s.connector_id', '=', connectorId)
    .where('s.is_present', '=', 1);
  if (q) query = query.where(sql<boolean>`s.search_name like ${likeContains(q)} escape '\\'`);
  if (options.activeOnly) query = query.where('s.is_active', '=', 1);
  if (cursor) {
    const [r, key, id] = cursor;
    query = query.where(
      sql<boolean>`(${rank} > ${r} or (${rank} = ${r} and (s.search_name > ${key} or (s.search_name = ${key} and s.psa_id > ${id}))))`,
    );
  }
  if (q) query = query.orderBy(rank);
  const rows = await query
    .orderBy('s.search_name')
    .orderBy('s.psa_id')
    .limit(options.limit + 1)
    .execute();
  return toSearchPage(rows, options.limit, (r) => ({
    id: r.psa_id,
    name: r.name,
    description: r.description,
    isActive: fromFlag(r.is_active),
    isPresent: fromFlag(r.is_present),
    unitPrice: r.unit_price,
    mappedServiceKey: r.service_key,
  }));
}

export async function findCompanies(
  db: Kysely<DB>,
  connectorId: string,
  ids: readonly string[],
): Promise<CachedCompany[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('psa_companies')
    .select(['psa_id', 'name', 'is_active', 'is_present'])
    .where('connector_id', '=', connectorId)
    .where('psa_id', 'in', ids)
    .execute();
  return rows.map((r) => ({
    id: r.psa_id,
    name: r.name,
    isActive: fromFlag(r.is_active),
    isPresent: fromFlag(r.is_present),
  }));
}

export async function findServices(
  db: Kysely<DB>,
  connectorId: string,
  ids: readonly string[],
): Promise<CachedService[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('psa_services')
    .select(['psa_id', 'name', 'description', 'is_active', 'is_present', 'unit_price'])
    .where('connector_id', '=', connectorId)
    .where('psa_id', 'in', ids)
    .execute();
  return rows.map((r) => ({
    id: r.psa_id,
    name: r.name,
    description: r.description,
    isActive: fromFlag(r.is_active),
    isPresent: fromFlag(r.is_present),
    unitPrice: r.unit_price,
  }));
}

/** Present, active companies no workspace is mapped to: the candidates for suggestions. */
export async function listUnmappedCompanies(
  db: Kysely<DB>,
  connectorId: string,
): Promise<{ id: string; name: string; matchName: string }[]> {
  const rows = await db
    .selectFrom('psa_companies as c')
    .leftJoin('workspace_mappings as m', (join) =>
      join.onRef('m.connector_id', '=', 'c.connector_id').onRef('m.psa_company_id', '=', 'c.psa_id'),
    )
    .select(['c.psa_id', 'c.name', 'c.match_name'])
    .where('c.connector_id', '=', connectorId)
    .where('c.is_present', '=', 1)
    // An inactive PSA company is never suggested (the search still finds it, marked inactive).
    .where('c.is_active', '=', 1)
    .where('m.id', 'is', null)
    .execute();
  return rows.map((r) => ({ id: r.psa_id, name: r.name, matchName: r.match_name }));
}

export async function countCompanies(
  db: Kysely<DB>,
  connectorId: string,
): Promise<{ present: number; active: number }> {
  const row = await db
    .selectFrom('psa_companies')
    .select((eb) => [
      eb.fn.count<number>(eb.case().when('is_present', '=', 1).then(1).end()).as('present'),
      eb.fn.count<number>(eb.case().when('is_active', '=', 1).then(1).end()).as('active'),
    ])
    .where('connector_id', '=', connectorId)
    .executeTakeFirstOrThrow();
  return { present: row.present, active: row.active };
}

/**
 * Changes whenever the suggestable companies may have changed (a refresh, a company gone or
 * deactivated): the suggestion index is rebuilt only then.
 */
export async function companiesFingerprint(db: Kysely<DB>, connectorId: string): Promise<string> {
  const row = await db
    .selectFrom('psa_companies')
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      eb.fn.count<number>(eb.case().when('is_present', '=', 1).then(1).end()).as('present'),
      eb.fn.count<number>(eb.case().when('is_active', '=', 1).then(1).end()).as('active'),
      eb.fn.max<string | null>('refreshed_at').as('refreshed'),
    ])
    .where('connector_id', '=', connectorId)
    .executeTakeFirstOrThrow();
  return `${row.total}/${row.present}/${row.active}/${row.refreshed ?? ''}`;
}

/** The companies suggestions may offer, mapped or not (the caller filters mapped ones out). */
export async function listSuggestableCompanies(
  db: Kysely<DB>,
  connectorId: string,
): Promise<{ id: string; name: string }[]> {
  const rows = await db
    .selectFrom('psa_companies')
    .select(['psa_id', 'name'])
    .where('connector_id', '=', connectorId)
    .where('is_present', '=', 1)
    // An inactive PSA company is never suggested (the search still finds it, marked inactive).
    .where('is_active', '=', 1)
    .orderBy('psa_id')
    .execute();
  return rows.map((r) => ({ id: r.psa_id, name: r.name }));
}
