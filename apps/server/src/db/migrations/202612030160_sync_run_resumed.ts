import type { Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// sync_runs.resumed_at: when a run interrupted by a shutdown was resumed (the last time, if more
// than once), so the history and the run page say so; null for runs that ran in one go.
export async function up(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await db.schema.alterTable('sync_runs').addColumn('resumed_at', 'text').execute();
}
