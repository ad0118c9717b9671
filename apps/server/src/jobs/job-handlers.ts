/**
 * The one place where jobs meet the rest of the app: each catalog job's handler calls the owning
 * module's entry point (sync: `runSync`; connectors: `refreshLookups`, `verifyConnector`). Payloads
 * hold ids only; everything else (credentials included) is looked up here, inside the worker.
 */
import { systemActor } from '../audit/audit.repository.js';
import { deleteExpiredSessions } from '../auth/session.repository.js';
import { verifyConnector } from '../connectors/connector.service.js';
import { defaultBillingPolicy } from '../domain/billing-policy.js';
import type { AppContext } from '../app/app-context.js';
import { isAppError } from '../app/app-error.js';
import { refreshLookups } from '../lookups/lookup.service.js';
import { createMailer, notifyRunFinished, type Mailer } from '../notifications/index.js';
import { listSyncSchedules, runSync } from '../sync/index.js';
import { defaultScheduleTime } from '../sync/sync-settings.repository.js';
import type { AppJobQueue } from './job-catalog.js';
import { JobReleasedError, JobStopRequested, PermanentJobError } from './job-retry.js';
import { runDailyFanout } from './schedule/daily-fanout.js';
import type { ConnectorSchedule } from './schedule/daily-schedule.js';

export interface JobConcurrency {
  readonly sync: number;
  readonly lookups: number;
  readonly checks: number;
}

/** Per process. Syncs of different connectors run in parallel; one connector never twice (singleton). */
export const defaultJobConcurrency: JobConcurrency = { sync: 2, lookups: 2, checks: 4 };

/** AppError codes after which retrying the same job cannot help. */
const permanentCodes = new Set([
  'not_found',
  'conflict',
  'psa_bad_username',
  'psa_bad_secret',
  'psa_bad_integration_code',
  'psa_permission_denied',
  'psa_zone_unknown',
]);

function rethrow(error: unknown): never {
  if (isAppError(error) && permanentCodes.has(error.code))
    throw new PermanentJobError(error.code, error.message);
  throw error;
}

export async function registerJobHandlers(
  ctx: AppContext,
  queue: AppJobQueue,
  concurrency: JobConcurrency = defaultJobConcurrency,
): Promise<void> {
  const mailer: Mailer | null = ctx.config.smtpUrl ? createMailer(ctx.config.smtpUrl) : null;
  const logger = ctx.logger.child({ component: 'jobs' });

  await queue.work(
    'sync.connector',
    async (job) => {
      const { connectorId, trigger, runId, previewRunId } = job.payload;
      // Only a shutdown stops a sync early (at a safe point, ADR 0010); a timeout lets it finish
      // its writes through the ledger as before.
      const stop = new AbortController();
      const onAbort = (): void => {
        if (job.signal.reason instanceof JobStopRequested) stop.abort(job.signal.reason);
      };
      if (job.signal.aborted) onAbort();
      else job.signal.addEventListener('abort', onAbort, { once: true });
      // A failed run is a recorded outcome, not a job failure: retrying would start a second run.
      // runSync throws only when it cannot record the run at all; then the job retries.
      const summary = await runSync(ctx, {
        connectorId,
        mode: 'apply',
        trigger,
        stopSignal: stop.signal,
        ...(runId === undefined ? {} : { runId }),
        ...(previewRunId === undefined ? {} : { previewRunId }),
      });
      if (summary.status === 'queued')
        throw new JobReleasedError(`sync run ${summary.runId} stopped for a shutdown`);
      await notifyRunFinished(
        {
          db: ctx.database.db,
          secretBox: ctx.secretBox,
          publicUrl: ctx.config.publicUrl,
          mailer,
          isWebhookPrivateAllowed: ctx.config.isWebhookPrivateAllowed,
          logger,
        },
        summary,
      );
    },
    { concurrency: concurrency.sync },
  );

  await queue.work(
    'lookups.refresh',
    async (job) => {
      await refreshLookups(ctx, job.payload.connectorId).catch(rethrow);
    },
    { concurrency: concurrency.lookups },
  );

  await queue.work(
    'connection.check',
    async (job) => {
      const connector = await ctx.database.db
        .selectFrom('psa_connectors')
        .select('channel_id')
        .where('id', '=', job.payload.connectorId)
        .executeTakeFirst();
      if (!connector) throw new PermanentJobError('not_found', 'No such connector.');
      // verifyConnector records the outcome (connected, or error with the reason) on the connector.
      await verifyConnector(
        ctx,
        systemActor('connection check'),
        connector.channel_id,
        job.payload.connectorId,
      ).catch(rethrow);
    },
    { concurrency: concurrency.checks },
  );

  await queue.work('sessions.cleanup', async () => {
    const deleted = await deleteExpiredSessions(ctx.database.db, ctx.clock().toISOString());
    if (deleted > 0) logger.info({ deleted }, 'expired sessions deleted');
  });

  await queue.work('sync.daily-fanout', async () => {
    await runDailyFanout({
      db: ctx.database.db,
      queue,
      listSchedules: () => listConnectorSchedules(ctx),
      clock: ctx.clock,
      logger,
    });
  });
}

/**
 * Every connected connector with its daily schedule, from the sync settings (connectors without
 * settings get the defaults, as the sync does). Disconnected connectors do not sync by themselves.
 */
export async function listConnectorSchedules(ctx: AppContext): Promise<ConnectorSchedule[]> {
  const connectors = await ctx.database.db
    .selectFrom('psa_connectors')
    .select(['id', 'status'])
    .where('status', '!=', 'disconnected')
    .execute();
  const settings = new Map((await listSyncSchedules(ctx.database.db)).map((s) => [s.connectorId, s]));
  return connectors.map((c) => {
    const s = settings.get(c.id);
    return {
      connectorId: c.id,
      isEnabled: s?.isScheduleEnabled ?? false,
      localTime: s?.scheduleTime ?? defaultScheduleTime,
      timeZone: s?.timeZone ?? defaultBillingPolicy.timeZone,
    };
  });
}
