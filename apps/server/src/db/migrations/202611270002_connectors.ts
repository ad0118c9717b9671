import type { Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// Tables: connectors, lookup caches, mappings, contract pins.
export async function up(_db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  // filled in by the owner of this area
}
