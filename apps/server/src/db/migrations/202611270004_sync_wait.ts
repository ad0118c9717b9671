import type { Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// sync_runs.wait_json: the budget wait of a running run (SyncWait as JSON text, null when requests
// flow), so a console following a run that another worker process executes sees the pause too.
export async function up(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await db.schema.alterTable('sync_runs').addColumn('wait_json', 'text').execute();
}
