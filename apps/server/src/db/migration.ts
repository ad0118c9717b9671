import type { Kysely } from 'kysely';

import type { DbDialect } from './database.js';

/**
 * Migrations receive the dialect so the few DDL differences (none so far, by design: ISO-text
 * timestamps, 0/1 flags, app-generated ids) stay inside the migration that needs them.
 * Its own file so the migration list and the migrator do not import each other.
 */
export interface DialectMigration {
  readonly up: (db: Kysely<unknown>, dialect: DbDialect) => Promise<void>;
  readonly down?: (db: Kysely<unknown>, dialect: DbDialect) => Promise<void>;
}
