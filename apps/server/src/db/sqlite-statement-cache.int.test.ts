import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';

import { testDialect } from '../../test/test-database.js';
import { withStatementCache } from './sqlite-statement-cache.js';

// SQLite only: the cache sits between Kysely and better-sqlite3 (PostgreSQL has no such layer).
describe.runIf(testDialect() === 'sqlite')('SQLite statement cache', () => {
  const open = (max: number) => {
    const sqlite = new SqliteDatabase(':memory:');
    const prepared: string[] = [];
    const counting = Object.assign(Object.create(sqlite) as SqliteDatabase.Database, {
      prepare: (text: string) => {
        prepared.push(text);
        return sqlite.prepare(text);
      },
      close: () => sqlite.close(),
    });
    const db = new Kysely<{ t: { id: number; name: string } }>({
      dialect: new SqliteDialect({ database: withStatementCache(counting, max) }),
    });
    return { db, prepared };
  };

  it('prepares a query once, reuses it with other parameters, and keeps writes and reads right', async () => {
    const { db, prepared } = open(10);
    await sql`create table t (id integer primary key, name text)`.execute(db);
    for (const [id, name] of [
      [1, 'a'],
      [2, 'b'],
    ] as const)
      await db.insertInto('t').values({ id, name }).execute();
    const byId = (id: number) => db.selectFrom('t').select('name').where('id', '=', id).executeTakeFirst();
    expect(await byId(1)).toStrictEqual({ name: 'a' });
    expect(await byId(2)).toStrictEqual({ name: 'b' });
    expect(await byId(3)).toBeUndefined();
    expect(prepared.filter((p) => p.startsWith('insert'))).toHaveLength(1);
    expect(prepared.filter((p) => p.startsWith('select'))).toHaveLength(1);
    await db.destroy();
  });

  it('evicts the least recently used statement beyond its bound', async () => {
    const { db, prepared } = open(2);
    const q = (n: number) => sql`select ${sql.lit(n)} as n`.execute(db);
    await q(1);
    await q(2);
    await q(1); // 1 is now the most recent: 2 goes when 3 arrives
    await q(3);
    await q(1);
    await q(2);
    expect(prepared).toStrictEqual(['select 1 as n', 'select 2 as n', 'select 3 as n', 'select 2 as n']);
    await db.destroy();
  });
});
