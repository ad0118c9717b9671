import pg from 'pg';
import { inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createDatabase, type Database, type DbDialect } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrator.js';
import { dropDatabaseWhenIdle } from './pg-scratch.js';

export interface TestDatabase extends Database {
  /** The URL or file, for code under test that opens its own connection (workers, CLI). */
  readonly location: { driver: 'sqlite'; file: string } | { driver: 'postgres'; url: string };
}

/** The dialect of the current Vitest project (int-sqlite or int-postgres). */
export function testDialect(): DbDialect {
  return process.env.DB_DRIVER === 'postgres' ? 'postgres' : 'sqlite';
}

/**
 * True when this project's database is unavailable and its tests must skip. Only the local
 * developer case: the global setup already failed the run when CI=true.
 */
export function isDatabaseUnavailable(): boolean {
  return testDialect() === 'postgres' && inject('pgTemplate') === '';
}

/**
 * A fresh, migrated database for one test file: a temp SQLite file, or a PostgreSQL database
 * cloned from the run's migrated template. Always real, never mocked.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDialect() === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'coro-test-'));
    const file = join(dir, 'test.sqlite');
    const database = createDatabase({ driver: 'sqlite', file });
    await migrateToLatest(database.db, 'sqlite');
    return {
      ...database,
      location: { driver: 'sqlite', file },
      close: async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const template = inject('pgTemplate');
  if (!template) throw new Error('PostgreSQL unavailable: guard the suite with isDatabaseUnavailable()');
  const adminUrl = inject('pgAdminUrl');
  const name = `coro_t_${process.ppid}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = createDatabase({ driver: 'postgres', url: url.toString(), poolSize: 5 });
  return {
    ...database,
    location: { driver: 'postgres', url: url.toString() },
    close: async () => {
      await database.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      try {
        await dropDatabaseWhenIdle(cleanup, name);
      } finally {
        await cleanup.end();
      }
    },
  };
}
