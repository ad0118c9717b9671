import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createTestDatabase,
  isDatabaseUnavailable,
  testDialect,
  type TestDatabase,
} from '../../test/test-database.js';
import { createMigrator } from './migrator.js';

describe.skipIf(isDatabaseUnavailable())(`database (${testDialect()})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('runs every migration and reports none pending', async () => {
    const migrations = await createMigrator(database.db, database.dialect).getMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.filter((m) => m.executedAt === undefined)).toStrictEqual([]);
  });

  it('answers a query on the expected dialect', async () => {
    const result = await sql<{ one: number }>`select 1 as one`.execute(database.db);
    expect(result.rows[0]?.one).toBe(1);
    expect(database.dialect).toBe(testDialect());
  });
});
