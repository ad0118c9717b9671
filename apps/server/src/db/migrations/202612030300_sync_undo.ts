import type { Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// Undo of a run (issue 10): the undo run names the run it reverses; the original carries whether it
// was undone (in full or in part) so the history shows both without a join; each reversal line
// names the line it reverses. The ledger is searched by run to find a run's writes.
export async function up(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  await db.schema.alterTable('sync_runs').addColumn('undo_of_run_id', 'text').execute();
  await db.schema.alterTable('sync_runs').addColumn('undo_state', 'text').execute();
  await db.schema.alterTable('sync_run_lines').addColumn('reverses_line_id', 'text').execute();
  await db.schema.createIndex('sync_ledger_run_idx').on('sync_ledger').column('run_id').execute();
  await db.schema.createIndex('sync_runs_undo_of_idx').on('sync_runs').column('undo_of_run_id').execute();
}
