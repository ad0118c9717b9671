import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

import { migrateToLatest } from '../src/db/migrator.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Name of a migrated template database, or '' when PostgreSQL is unavailable. */
    pgTemplate: string;
    pgAdminUrl: string;
  }
}

export const defaultAdminUrl = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Builds one migrated template database per test run; each test file then clones it
 * (CREATE DATABASE … TEMPLATE), which takes milliseconds and isolates files from each other.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const adminUrl = process.env.TEST_DATABASE_URL ?? defaultAdminUrl;
  project.provide('pgAdminUrl', adminUrl);
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    const message = `PostgreSQL is not reachable at ${adminUrl.replace(/\/\/[^@]*@/, '//***@')}: ${String(error)}`;
    if (process.env.CI === 'true')
      throw new Error(`${message}. CI must run the PostgreSQL suites.`, { cause: error });
    console.warn(
      `\n\n!!! ${message}\n!!! SKIPPING every int-postgres test. Start PostgreSQL to run them.\n\n`,
    );
    project.provide('pgTemplate', '');
    return () => Promise.resolve();
  }
  const template = `coro_tpl_${process.pid}_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE ${template}`);
  const templateUrl = withDatabase(adminUrl, template);
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: templateUrl, max: 1 }) }),
  });
  try {
    await migrateToLatest(db, 'postgres');
  } finally {
    await db.destroy();
  }
  project.provide('pgTemplate', template);

  return async () => {
    // Clean up databases left by crashed files too.
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
      [`coro_t_${process.pid}_%`, template],
    );
    for (const row of rows) await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
    await admin.end();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
