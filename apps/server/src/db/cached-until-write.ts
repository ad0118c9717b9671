import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Aggregates the console reads on every page (a connector's mapping counts: 2.3 ms of a 3.3 ms
 * mapping page at 5,000 workspaces, issue 12) are kept until the database changes, instead of
 * until some list of writers remembers to invalidate them. The stamp moves with every committed
 * write, by this process or any other (a PostgreSQL worker, a CLI on the SQLite file), to any
 * table, so a cached value can be early to expire but never stale:
 * - SQLite: total_changes() of our one connection (every insert, update or delete it ran, rolled
 *   back or not; a cascade always comes with its direct change) and data_version, which moves
 *   when another connection commits.
 * - PostgreSQL: the current snapshot (xmin:xmax:in-progress). Two equal snapshots see exactly
 *   the same committed transactions, so the same data; any write's commit changes it.
 * The stamp is read before computing, so a write landing in between leaves the value under the
 * older stamp, which the next read no longer matches.
 */
const stampSql = {
  sqlite: sql<{
    stamp: string;
  }>`select total_changes() || ':' || (select data_version from pragma_data_version) as stamp`,
  postgres: sql<{ stamp: string }>`select pg_current_snapshot()::text as stamp`,
};

const MAX_ENTRIES = 1000;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any schema: the stamp reads none of it
type AnyKysely = Kysely<any>;
const cachesByDatabase = new WeakMap<AnyKysely, Map<string, { stamp: string; value: unknown }>>();

/** A value that changes whenever a write may have changed what any query reads. */
export async function databaseStamp(db: AnyKysely): Promise<string> {
  const query = db.getExecutor().adapter instanceof PostgresAdapter ? stampSql.postgres : stampSql.sqlite;
  const { rows } = await query.execute(db);
  const stamp = rows[0]?.stamp;
  if (stamp === undefined) throw new Error('The database returned no change stamp.');
  return stamp;
}

/**
 * `compute()` once per `key` until the database changes. Inside a transaction it always computes:
 * the transaction sees its own uncommitted writes, which a rollback would take back without
 * moving the stamp. Callers must treat the value as read-only: later callers get the same one.
 */
export async function cachedUntilWrite<T>(db: AnyKysely, key: string, compute: () => Promise<T>): Promise<T> {
  if (db.isTransaction) return compute();
  const stamp = await databaseStamp(db);
  let cache = cachesByDatabase.get(db);
  if (cache === undefined) {
    cache = new Map();
    cachesByDatabase.set(db, cache);
  }
  const hit = cache.get(key);
  if (hit !== undefined && hit.stamp === stamp) return hit.value as T;
  const value = await compute();
  // Map keeps insertion order: re-inserting makes this the most recently computed.
  cache.delete(key);
  cache.set(key, { stamp, value });
  if (cache.size > MAX_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return value;
}
