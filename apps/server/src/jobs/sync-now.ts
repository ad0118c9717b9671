import type { Kysely } from 'kysely';

import { newId } from '../db/ids.js';
import type { DB } from '../db/schema.js';
import type { AppJobQueue } from './job-catalog.js';

export interface SyncNowResult {
  readonly jobId: string;
  /** The run the UI can follow: new, or the one already queued or running. Null only when a
   * scheduled job is still waiting and has no run row yet. */
  readonly runId: string | null;
  /** True when a sync of this connector was already queued or running: nothing new was started. */
  readonly isExisting: boolean;
}

/**
 * "Sync now": enqueue `sync.connector` with trigger manual, or answer with the sync already queued or
 * running for the connector (the catalog's singleton key makes a second one impossible anyway).
 * The run id is chosen here and carried in the payload, so the API can answer with it at once.
 */
export async function requestSyncNow(
  db: Kysely<DB>,
  queue: AppJobQueue,
  connectorId: string,
  previewRunId?: string,
): Promise<SyncNowResult> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const runId = newId();
    const jobId = await queue.enqueue('sync.connector', {
      connectorId,
      trigger: 'manual',
      runId,
      ...(previewRunId === undefined ? {} : { previewRunId }),
    });
    if (jobId !== null) return { jobId, runId, isExisting: false };
    const pending = await queue.findPending('sync.connector', connectorId);
    // Finished between our enqueue and this look-up: try again.
    if (!pending) continue;
    const payload = pending.payload as { runId?: unknown };
    const fromPayload = typeof payload.runId === 'string' ? payload.runId : null;
    const running = fromPayload
      ? null
      : await db
          .selectFrom('sync_runs')
          .select('id')
          .where('connector_id', '=', connectorId)
          .where('status', 'in', ['queued', 'running'])
          .orderBy('created_at', 'desc')
          .executeTakeFirst();
    return { jobId: pending.id, runId: fromPayload ?? running?.id ?? null, isExisting: true };
  }
  throw new Error(`Could not enqueue a sync of connector ${connectorId}: it kept finishing and restarting`);
}
