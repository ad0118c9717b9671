import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/**
 * better-sqlite3 behind Kysely with its prepared statements kept by SQL text. Kysely prepares
 * every query afresh; `prepare` was the largest of our own costs in the read-endpoints profile,
 * and caching halved a small read's CPU (GET /api/auth/me p50 2.1–2.3 → 1.0 ms, connector list
 * 2.8–3.6 → 1.5 ms, same run, 2 shared cores). A statement is reused only by synchronous `all`/`run`
 * (we never stream), so one statement is never busy twice. Bounded: SQL with long `in (…)` lists
 * varies in length and would otherwise grow the cache without end.
 */
export function withStatementCache(
  sqlite: SqliteDatabase.Database,
  maxStatements = 500,
): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare: (sql: string) => {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = sqlite.prepare(sql);
        if (statements.size >= maxStatements) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      } else {
        // Most recently used last, so the first key is always the one to evict.
        statements.delete(sql);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
