import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import type { DB } from './schema.js';
import { withStatementCache } from './sqlite-statement-cache.js';

export type DbDialect = 'sqlite' | 'postgres';

export type DatabaseConfig =
  | { readonly driver: 'sqlite'; readonly file: string }
  | { readonly driver: 'postgres'; readonly url: string; readonly poolSize?: number };

export interface Database {
  readonly db: Kysely<DB>;
  readonly dialect: DbDialect;
  close(): Promise<void>;
}

// pg returns int8 (count(*), bigint) as strings; our counts fit in a double, so parse them once here
// rather than sprinkling Number() over every repository.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export function createDatabase(config: DatabaseConfig): Database {
  if (config.driver === 'sqlite') {
    if (config.file !== ':memory:') mkdirSync(dirname(config.file), { recursive: true });
    const sqlite = new SqliteDatabase(config.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize ?? 10 });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

export function databaseConfigFromUrl(databaseUrl: string | undefined, sqliteFile: string): DatabaseConfig {
  if (databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl)) return { driver: 'postgres', url: databaseUrl };
  // `sqlite:/path/to/file.sqlite`: a SQLite file elsewhere than DATA_DIR (tests run a server on
  // the test's own database file).
  if (databaseUrl?.startsWith('sqlite:'))
    return { driver: 'sqlite', file: databaseUrl.slice('sqlite:'.length) };
  return { driver: 'sqlite', file: sqliteFile };
}

export async function ping(database: Database): Promise<boolean> {
  try {
    await sql`select 1`.execute(database.db);
    return true;
  } catch {
    return false;
  }
}
