import type { AppContext } from '../app/app-context.js';
import { jobsTotal } from '../observability/metrics.js';
import { jobCatalog, type AppJobName, type AppJobQueue } from './job-catalog.js';
import { defaultJobConcurrency, registerJobHandlers, type JobConcurrency } from './job-handlers.js';
import type { JobFinishedListener, StopOptions } from './job-queue.port.js';
import { LocalQueue } from './local/local-queue.js';
import { PgBossQueue } from './pgboss/pg-boss-queue.js';

/**
 * `serve` runs the jobs in-process on both dialects (embedded mode on SQLite; on PostgreSQL it is
 * one more pg-boss worker, so a deployment without `worker` processes still syncs). `worker` runs
 * only jobs, to scale out, and needs PostgreSQL.
 */
export const jobsRoles = ['serve', 'worker'] as const;
export type JobsRole = (typeof jobsRoles)[number];

export const WORKER_NEEDS_POSTGRES =
  'The worker command needs PostgreSQL (set DATABASE_URL=postgres://…). With SQLite the jobs run inside `coro-psa serve`: ' +
  "SQLite's file lock covers one host and the embedded queue is built for one process.";

export class JobsUnsupportedError extends Error {
  override readonly name = 'JobsUnsupportedError';
}

export interface JobsRuntime {
  readonly queue: AppJobQueue;
  /** Stops claiming, waits for running jobs (graceful, default 30 s), then releases the rest. */
  stop(options?: StopOptions): Promise<void>;
}

/** The adapter for the configured database: pg-boss on PostgreSQL, LocalQueue on SQLite. */
export function createJobQueue(ctx: AppContext): AppJobQueue {
  const logger = ctx.logger.child({ component: 'jobs' });
  const onJobFinished: JobFinishedListener = (event) =>
    jobsTotal.inc({ job: event.job, outcome: event.outcome });
  if (ctx.config.database.driver === 'postgres') {
    return new PgBossQueue({
      connectionString: ctx.config.database.url,
      catalog: jobCatalog,
      logger,
      onJobFinished,
    });
  }
  return new LocalQueue({ database: ctx.database, catalog: jobCatalog, logger, onJobFinished });
}

/**
 * Creates the queue, registers every handler and every catalog cron, and starts it.
 *
 * @example
 * const jobs = await startJobs(ctx, { role: 'serve' });
 * const app = await buildApp({ ...ctx, jobs: jobs.queue });
 * // on shutdown:
 * await jobs.stop({ graceful: true, timeoutMs: 25_000 });
 */
export async function startJobs(
  ctx: AppContext,
  options: { role: JobsRole; concurrency?: JobConcurrency },
): Promise<JobsRuntime> {
  if (options.role === 'worker' && ctx.config.database.driver !== 'postgres')
    throw new JobsUnsupportedError(WORKER_NEEDS_POSTGRES);
  const queue = createJobQueue(ctx);
  await registerJobHandlers(
    ctx,
    queue,
    options.concurrency ?? { ...defaultJobConcurrency, sync: ctx.config.syncConcurrency },
  );
  for (const [name, definition] of Object.entries(jobCatalog) as [
    AppJobName,
    (typeof jobCatalog)[AppJobName],
  ][]) {
    const cron = definition.cron;
    if (cron) await queue.schedule(name, cron.pattern, { tz: cron.tz, payload: cron.payload });
  }
  await queue.start();
  ctx.logger.info(
    { role: options.role, queue: ctx.config.database.driver === 'postgres' ? 'pg-boss' : 'local' },
    'jobs started',
  );
  return { queue, stop: (stopOptions) => queue.stop(stopOptions) };
}
