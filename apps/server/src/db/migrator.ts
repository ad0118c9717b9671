import {
  Migrator,
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
} from 'kysely';

import type { DbDialect } from './database.js';
import { migrations } from './migrations/index.js';

class DialectMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: DbDialect) {}

  getMigrations(): Promise<Record<string, Migration>> {
    const result: Record<string, Migration> = {};
    for (const [name, migration] of Object.entries(migrations)) {
      const down = migration.down;
      result[name] = {
        up: (db) => migration.up(db, this.dialect),
        ...(down ? { down: (db: Kysely<unknown>) => down(db, this.dialect) } : {}),
      };
    }
    return Promise.resolve(result);
  }
}

// Kysely<any>: the migrator runs on the typed app database as well as on an untyped handle.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createMigrator(db: Kysely<any>, dialect: DbDialect): Migrator {
  return new Migrator({ db, provider: new DialectMigrationProvider(dialect) });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>, dialect: DbDialect): Promise<MigrationResultSet> {
  const resultSet = await createMigrator(db, dialect).migrateToLatest();
  if (resultSet.error) {
    const failed = resultSet.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed`, { cause: resultSet.error });
  }
  return resultSet;
}
