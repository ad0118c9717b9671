import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../../test/test-database.js';
import { cachedUntilWrite, databaseStamp } from './cached-until-write.js';
import { createDatabase, type Database } from './database.js';

interface ProbeDb {
  cache_probe: { n: number };
}

describe.skipIf(isDatabaseUnavailable())(`cachedUntilWrite (${testDialect()})`, () => {
  let database: TestDatabase;
  let db: Kysely<ProbeDb>;
  let other: Database;
  let computed = 0;
  let key = 0;
  /** The sum of the probe table, counting how often it is really queried. */
  const total = async (on: Kysely<ProbeDb> = db): Promise<number> => {
    computed += 1;
    const row = await on
      .selectFrom('cache_probe')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>('n'), sql<number | string>`0`).as('total'))
      .executeTakeFirstOrThrow();
    return Number(row.total);
  };
  const cachedTotal = (k: string): Promise<number> => cachedUntilWrite(db, k, () => total());

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db as unknown as Kysely<ProbeDb>;
    await sql`create table cache_probe (n integer not null)`.execute(db);
    // A second connection pool on the same database: another process (a worker, a CLI).
    other = createDatabase(
      database.location.driver === 'sqlite'
        ? { driver: 'sqlite', file: database.location.file }
        : { driver: 'postgres', url: database.location.url, poolSize: 1 },
    );
  });
  afterAll(async () => {
    await other.close();
    await database.close();
  });
  beforeEach(() => {
    computed = 0;
    key += 1;
  });

  it('computes once while nothing writes', async () => {
    expect(await cachedTotal(`k${key}`)).toBe(0);
    expect(await cachedTotal(`k${key}`)).toBe(0);
    expect(await databaseStamp(db)).toBe(await databaseStamp(db));
    expect(computed).toBe(1);
  });

  it('recomputes after a write of this process', async () => {
    const before = await cachedTotal(`k${key}`);
    await db.insertInto('cache_probe').values({ n: 5 }).execute();
    expect(await cachedTotal(`k${key}`)).toBe(before + 5);
    expect(computed).toBe(2);
  });

  it('recomputes after a delete and after an update that changes nothing visible', async () => {
    await db.insertInto('cache_probe').values({ n: 7 }).execute();
    const before = await cachedTotal(`k${key}`);
    await db.deleteFrom('cache_probe').where('n', '=', 7).execute();
    expect(await cachedTotal(`k${key}`)).toBe(before - 7);
    await db.updateTable('cache_probe').set({ n: 5 }).where('n', '=', 5).execute();
    expect(await cachedTotal(`k${key}`)).toBe(before - 7);
    expect(computed).toBe(3);
  });

  it('recomputes after another connection commits', async () => {
    const before = await cachedTotal(`k${key}`);
    const otherDb = other.db as unknown as Kysely<ProbeDb>;
    await otherDb.insertInto('cache_probe').values({ n: 11 }).execute();
    expect(await cachedTotal(`k${key}`)).toBe(before + 11);
    await otherDb.transaction().execute(async (trx) => {
      await trx.insertInto('cache_probe').values({ n: 13 }).execute();
    });
    expect(await cachedTotal(`k${key}`)).toBe(before + 24);
    expect(computed).toBe(3);
  });

  it('never caches inside a transaction, nor keeps what a rollback took back', async () => {
    const before = await cachedTotal(`k${key}`);
    const rollback = new Error('rollback');
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('cache_probe').values({ n: 17 }).execute();
        expect(await cachedUntilWrite(trx, `k${key}`, () => total(trx))).toBe(before + 17);
        expect(await cachedUntilWrite(trx, `k${key}`, () => total(trx))).toBe(before + 17);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(await cachedTotal(`k${key}`)).toBe(before);
    expect(computed).toBe(4);
  });

  it('keeps one value per key', async () => {
    await db.insertInto('cache_probe').values({ n: 1 }).execute();
    const a = await cachedUntilWrite(db, `a${key}`, () => Promise.resolve('a'));
    const b = await cachedUntilWrite(db, `b${key}`, () => Promise.resolve('b'));
    expect([a, b]).toStrictEqual(['a', 'b']);
    expect(await cachedUntilWrite(db, `a${key}`, () => Promise.resolve('not again'))).toBe('a');
  });
});
