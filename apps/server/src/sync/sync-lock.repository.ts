/** The connector's apply lease (one run or approval writes at a time), as rows of `sync_locks`. */
import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';

/**
 * Take (or renew) the connector's apply lease. A row whose lease expired belongs to a crashed
 * worker and is taken over; a live one makes this return false.
 */
export async function acquireSyncLock(
  db: Kysely<DB>,
  connectorId: string,
  runId: string,
  now: string,
  expiresAt: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('sync_locks')
      .select(['run_id', 'expires_at'])
      .where('connector_id', '=', connectorId)
      .executeTakeFirst();
    if (row && row.run_id !== runId && row.expires_at > now) return false;
    if (row) {
      const result = await trx
        .updateTable('sync_locks')
        .set({ run_id: runId, expires_at: expiresAt })
        .where('connector_id', '=', connectorId)
        .where('run_id', '=', row.run_id)
        .where('expires_at', '=', row.expires_at)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    }
    try {
      await trx
        .insertInto('sync_locks')
        .values({ connector_id: connectorId, run_id: runId, expires_at: expiresAt })
        .execute();
      return true;
    } catch {
      return false;
    }
  });
}

export async function renewSyncLock(
  db: Kysely<DB>,
  connectorId: string,
  runId: string,
  expiresAt: string,
): Promise<boolean> {
  const result = await db
    .updateTable('sync_locks')
    .set({ expires_at: expiresAt })
    .where('connector_id', '=', connectorId)
    .where('run_id', '=', runId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseSyncLock(db: Kysely<DB>, connectorId: string, runId: string): Promise<void> {
  await db
    .deleteFrom('sync_locks')
    .where('connector_id', '=', connectorId)
    .where('run_id', '=', runId)
    .execute();
}
