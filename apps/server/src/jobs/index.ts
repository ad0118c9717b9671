/**
 * Jobs: the catalog, the JobQueue port and its two adapters, the daily schedule.
 *
 * @example
 * // serve (SQLite or PostgreSQL) and worker (PostgreSQL only):
 * const jobs = await startJobs(ctx, { role: 'serve' });
 * // "Sync now":
 * const { runId, isExisting } = await requestSyncNow(ctx.database.db, jobs.queue, connectorId);
 * // connector list, "next sync" column:
 * nextRunAt(connectorSchedule(settings), new Date());
 */
import type { ConnectorSchedule } from './schedule/daily-schedule.js';

export {
  jobCatalog,
  SYNC_JOB_TRIGGERS,
  type AppJobCatalog,
  type AppJobQueue,
  type AppJobName,
  type AppJobPayload,
  type JobCatalog,
  type JobDefinition,
} from './job-catalog.js';
export { defaultJobConcurrency, listConnectorSchedules, type JobConcurrency } from './job-handlers.js';
export {
  JOB_STATES,
  JobPayloadError,
  isTerminalJobState,
  type JobInfo,
  type JobQueue,
  type JobState,
} from './job-queue.port.js';
export { PermanentJobError } from './job-retry.js';
export {
  createJobQueue,
  JobsUnsupportedError,
  startJobs,
  WORKER_NEEDS_POSTGRES,
  type JobsRole,
  type JobsRuntime,
} from './jobs.runtime.js';
export {
  DEFAULT_JITTER_WINDOW_MS,
  nextRunAt,
  scheduleJitterMs,
  type ConnectorSchedule,
} from './schedule/daily-schedule.js';
export { requestSyncNow, type SyncNowResult } from './sync-now.js';

/** The sync settings' schedule fields as the scheduler reads them. */
export const connectorSchedule = (settings: {
  readonly connectorId: string;
  readonly isScheduleEnabled: boolean;
  readonly scheduleTime: string;
  readonly policy: { readonly timeZone: string };
}): ConnectorSchedule => ({
  connectorId: settings.connectorId,
  isEnabled: settings.isScheduleEnabled,
  localTime: settings.scheduleTime,
  timeZone: settings.policy.timeZone,
});
