import type { Kysely } from 'kysely';

import type { DbDialect } from '../database.js';

// The problem code for a failed PSA read is PSA-neutral now (`psa_error`, was `autotask_error`):
// stored lines are rewritten so old runs read the same as new ones through the API.
export async function up(db: Kysely<unknown>, _dialect: DbDialect): Promise<void> {
  const lines = db as unknown as Kysely<{ sync_run_lines: { problem: string | null } }>;
  await lines
    .updateTable('sync_run_lines')
    .set({ problem: 'psa_error' })
    .where('problem', '=', 'autotask_error')
    .execute();
}
