import type { Kysely } from 'kysely';

import type { DB } from '../../db/schema.js';
import type { AppJobCatalog } from '../job-catalog.js';
import type { JobLogger } from '../job-logger.js';
import type { JobQueue } from '../job-queue.port.js';
import { dueConnectors, type ConnectorSchedule } from './daily-schedule.js';

export interface DailyFanoutDeps {
  readonly db: Kysely<DB>;
  readonly queue: Pick<JobQueue<AppJobCatalog>, 'enqueue'>;
  /** Every connector with its schedule (the sync settings, defaults for connectors without a row). */
  readonly listSchedules: () => Promise<readonly ConnectorSchedule[]>;
  readonly clock: () => Date;
  readonly logger: JobLogger;
  readonly windowMs?: number;
  readonly catchUpMs?: number;
}

export interface DailyFanoutResult {
  readonly enqueued: string[];
  /** Due, but a sync of the connector was already queued or running (e.g. a manual one). */
  readonly alreadyPending: string[];
}

const markKey = (connectorId: string): string => `sync.connector:${connectorId}`;

/**
 * The `sync.daily-fanout` job: enqueues `sync.connector` for each connector whose daily local time
 * (plus its jitter) has come and that was not fanned out for that run yet. Each run is claimed in
 * `job_schedule_marks` with a conditional upsert before enqueueing, so two schedulers (or a retried
 * fan-out) never enqueue the same day's sync twice.
 */
export async function runDailyFanout(deps: DailyFanoutDeps): Promise<DailyFanoutResult> {
  const now = deps.clock();
  const schedules = await deps.listSchedules();
  const rows = await deps.db
    .selectFrom('job_schedule_marks')
    .select(['key', 'occurrence_at'])
    .where('key', 'like', 'sync.connector:%')
    .execute();
  const marks = new Map(rows.map((r) => [r.key.slice('sync.connector:'.length), r.occurrence_at]));
  const due = dueConnectors(schedules, marks, now, {
    ...(deps.windowMs === undefined ? {} : { windowMs: deps.windowMs }),
    ...(deps.catchUpMs === undefined ? {} : { catchUpMs: deps.catchUpMs }),
  });
  const result: DailyFanoutResult = { enqueued: [], alreadyPending: [] };
  for (const { connectorId, dueAt } of due) {
    const occurrence = dueAt.toISOString();
    if (!(await claimOccurrence(deps.db, markKey(connectorId), occurrence, now.toISOString()))) continue;
    try {
      const id = await deps.queue.enqueue('sync.connector', { connectorId, trigger: 'schedule' });
      (id === null ? result.alreadyPending : result.enqueued).push(connectorId);
    } catch (error) {
      deps.logger.error({ connectorId, occurrence, err: String(error) }, 'scheduled sync not enqueued');
    }
  }
  if (due.length > 0)
    deps.logger.info(
      { enqueued: result.enqueued.length, alreadyPending: result.alreadyPending.length },
      'daily sync fan-out',
    );
  return result;
}

/** True when this call moved the mark to `occurrence` (nobody fanned this run out before). */
async function claimOccurrence(
  db: Kysely<DB>,
  key: string,
  occurrence: string,
  now: string,
): Promise<boolean> {
  const row = await db
    .insertInto('job_schedule_marks')
    .values({ key, occurrence_at: occurrence, updated_at: now })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ occurrence_at: occurrence, updated_at: now })
        .where('job_schedule_marks.occurrence_at', '<', occurrence),
    )
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}
