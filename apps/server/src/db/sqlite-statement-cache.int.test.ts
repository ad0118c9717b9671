import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { describe, expect, it } from 'vitest';

import { withStatementCache } from './sqlite-statement-cache.js';

// SQLite in memory in both int projects: the cache sits under the SQLite dialect only.
describe('withStatementCache', () => {
  const open = (max?: number) => {
    const sqlite = new SqliteDatabase(':memory:');
    const prepared: string[] = [];
    const original = sqlite.prepare.bind(sqlite);
    sqlite.prepare = (text: string) => {
      prepared.push(text);
      return original(text);
    };
    const db = new Kysely<{ t: { n: number } }>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite, max) }),
    });
    return { db, prepared };
  };

  it('prepares a SQL text once and reuses it with other parameters', async () => {
    const { db, prepared } = open();
    await sql`create table t (n integer)`.execute(db);
    for (const n of [1, 2, 3]) await db.insertInto('t').values({ n }).execute();
    const rows = await db.selectFrom('t').select('n').where('n', '>', 1).orderBy('n').execute();
    expect(rows).toStrictEqual([{ n: 2 }, { n: 3 }]);
    expect(prepared.filter((text) => text.startsWith('insert'))).toHaveLength(1);
    await db.destroy();
  });

  it('gives a second reader of a statement still being iterated its own statement', () => {
    // Kysely holds its one SQLite connection for the whole of a stream, so this happens only to a
    // caller of the wrapper itself; it must still never answer "This statement is busy".
    const sqlite = new SqliteDatabase(':memory:');
    sqlite.exec('create table t (n integer); insert into t values (1), (2);');
    const cached = withStatementCache(sqlite);
    const text = 'select n from t order by n';
    const first = cached.prepare(text);
    const iterator = first.iterate([]);
    expect(iterator.next().value).toStrictEqual({ n: 1 });
    const second = cached.prepare(text);
    expect(second).not.toBe(first);
    expect(second.all([])).toStrictEqual([{ n: 1 }, { n: 2 }]);
    expect(iterator.next().value).toStrictEqual({ n: 2 });
    iterator.return?.();
    expect(cached.prepare(text)).toBe(first);
    cached.close();
  });

  it('keeps at most the given number of statements, dropping the least recently used', async () => {
    const { db, prepared } = open(2);
    await sql`create table t (n integer)`.execute(db);
    const select = (n: number) =>
      db
        .selectFrom('t')
        .select(sql<number>`${sql.lit(n)}`.as('k'))
        .execute();
    await select(1);
    await select(2);
    await select(1); // 1 is now the most recent
    await select(3); // evicts 2
    await select(1);
    await select(2); // prepared again
    expect(prepared.filter((text) => text.startsWith('select'))).toHaveLength(4);
    await db.destroy();
  });
});
