import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../../test/test-database.js';
import { runCompiledOnce } from './compiled-once.js';

interface ProbeDb {
  compiled_probe: { id: string; owner: string; n: number };
}

describe.skipIf(isDatabaseUnavailable())(`runCompiledOnce (${testDialect()})`, () => {
  let database: TestDatabase;
  let db: Kysely<ProbeDb>;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db as unknown as Kysely<ProbeDb>;
    await sql`create table compiled_probe (id text primary key, owner text not null, n integer not null)`.execute(
      db,
    );
    await db
      .insertInto('compiled_probe')
      .values([
        { id: 'a', owner: 'ann', n: 1 },
        { id: 'b', owner: 'ann', n: 5 },
        { id: 'c', owner: 'bob', n: 9 },
      ])
      .execute();
  });
  afterAll(async () => {
    await database.close();
  });

  const byOwner = (values: { owner: string; min: number }) =>
    runCompiledOnce(
      db,
      'probe-by-owner',
      (v: { owner: string; min: number }) =>
        db
          .selectFrom('compiled_probe')
          .select('id')
          .where('owner', '=', v.owner)
          .where('n', '>=', v.min)
          .orderBy('id'),
      values,
    );

  it('compiles once and answers each call with its own values', async () => {
    expect(await byOwner({ owner: 'ann', min: 0 })).toStrictEqual([{ id: 'a' }, { id: 'b' }]);
    expect(await byOwner({ owner: 'ann', min: 2 })).toStrictEqual([{ id: 'b' }]);
    expect(await byOwner({ owner: 'bob', min: 0 })).toStrictEqual([{ id: 'c' }]);
    expect(await byOwner({ owner: 'eve', min: 0 })).toStrictEqual([]);
  });

  it('keeps constants the query builds in, and a value per key', async () => {
    const limited = (limit: number) =>
      runCompiledOnce(
        db,
        `probe-first|${limit}`,
        (v: { owner: string }) =>
          db
            .selectFrom('compiled_probe')
            .select('id')
            .where('owner', '=', v.owner)
            .where('n', '<', 100)
            .orderBy('id')
            .limit(limit),
        { owner: 'ann' },
      );
    expect(await limited(1)).toStrictEqual([{ id: 'a' }]);
    expect(await limited(2)).toStrictEqual([{ id: 'a' }, { id: 'b' }]);
  });

  it('refuses a build that uses a value as anything but a parameter', async () => {
    await expect(
      runCompiledOnce(
        db,
        'probe-mapped',
        (v: { ids: string[] }) =>
          db
            .selectFrom('compiled_probe')
            .select('id')
            .where(
              'id',
              'in',
              v.ids.map((id) => id),
            ),
        { ids: ['a'] },
      ),
    ).rejects.toThrow();
    await expect(
      runCompiledOnce(
        db,
        'probe-in-text',
        (v: { column: string }) => db.selectFrom('compiled_probe').select(sql.raw<string>(v.column).as('x')),
        { column: 'id' },
      ),
    ).rejects.toThrow(/reached the SQL text/);
  });

  it('names a value the call forgot', async () => {
    await expect(
      runCompiledOnce(
        db,
        'probe-by-owner',
        (v: { owner: string; min: number }) =>
          db.selectFrom('compiled_probe').select('id').where('owner', '=', v.owner).where('n', '>=', v.min),
        { owner: 'ann' } as { owner: string; min: number },
      ),
    ).rejects.toThrow(/no value for min/);
  });
});
