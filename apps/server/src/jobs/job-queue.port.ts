import type { Static } from 'typebox';

import type { JobCatalog } from './job-definition.js';

/**
 * The queue as the rest of the app sees it. Two adapters implement it: `LocalQueue` (a `jobs` table,
 * embedded mode on SQLite) and `PgBossQueue` (pg-boss 10 on PostgreSQL, any number of workers).
 * One contract suite (`job-queue.contract.ts`) runs against both. Retry, timeout and the singleton
 * key come from the job catalog, never from call sites.
 *
 * @example
 * const queue = createJobQueue(...);
 * await queue.work('sync.connector', async (job) => runSync(ctx, job.payload), { concurrency: 2 });
 * await queue.start();
 * const jobId = await queue.enqueue('sync.connector', { connectorId, trigger: 'manual' });
 * if (jobId === null) {
 *   // one is already queued or running for this connector
 * }
 */
export interface JobQueue<C extends JobCatalog> {
  /**
   * Validates `payload` against the catalog (throws `JobPayloadError`) and queues the job. Returns
   * the job id, or `null` when a job with the same singleton key is already queued or running.
   */
  enqueue<N extends JobNameOf<C>>(
    name: N,
    payload: JobPayloadOf<C, N>,
    options?: EnqueueOptions,
  ): Promise<string | null>;
  /** The queued, retrying or running job holding `singletonKey`, so "Sync now" can answer with it. */
  findPending(name: JobNameOf<C>, singletonKey: string): Promise<JobInfo | null>;
  /** Registers a cron that only enqueues `name` with `payload`; the queue then does the work. */
  schedule<N extends JobNameOf<C>>(
    name: N,
    cron: string,
    options: ScheduleOptions<JobPayloadOf<C, N>>,
  ): Promise<void>;
  /** Registers a handler. Call before `start()`. */
  work<N extends JobNameOf<C>>(
    name: N,
    handler: JobHandler<JobPayloadOf<C, N>>,
    options?: WorkOptions,
  ): Promise<void>;
  start(): Promise<void>;
  /** Stops claiming. `graceful` waits (up to `timeoutMs`) for running handlers before returning. */
  stop(options?: StopOptions): Promise<void>;
  getJob(id: string): Promise<JobInfo | null>;
}

export type JobNameOf<C extends JobCatalog> = keyof C & string;
export type JobPayloadOf<C extends JobCatalog, N extends JobNameOf<C>> = Static<C[N]['payload']>;

/** `retry` = failed at least once and waiting for its next attempt. */
export const JOB_STATES = ['queued', 'retry', 'active', 'completed', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface EnqueueOptions {
  /** Overrides the catalog's key. Jobs with a key are deduplicated while queued or running. */
  readonly singletonKey?: string;
  readonly startAfter?: Date;
}

export interface ScheduleOptions<P> {
  /** IANA zone the cron is read in (default UTC). */
  readonly tz?: string;
  readonly payload: P;
}

export interface WorkOptions {
  /** Jobs of this name run at most this many at once in this process (default 1). */
  readonly concurrency?: number;
}

export interface StopOptions {
  /** Wait for running handlers (default true). */
  readonly graceful?: boolean;
  /** Upper bound of that wait (default 30 s). Handlers still running are then aborted. */
  readonly timeoutMs?: number;
  /**
   * Shutdown: abort running handlers' signals at once with `JobStopRequested`, so long handlers
   * stop at their next safe point and throw `JobReleasedError`; their jobs are handed back
   * (queued again now, the attempt not counted). Default false: let them finish.
   */
  readonly interrupt?: boolean;
}

export interface JobRun<P> {
  readonly id: string;
  readonly name: string;
  readonly payload: P;
  /** 1 for the first run. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** True when a failure now is final: notify on failure only then. */
  readonly isFinalAttempt: boolean;
  /** Aborted on the catalog timeout and on a forced stop. Long handlers must honour it. */
  readonly signal: AbortSignal;
}

/** Resolve = completed. Throw = failed; retried with backoff until `maxAttempts`. */
export type JobHandler<P> = (job: JobRun<P>) => Promise<void>;

export interface JobInfo {
  readonly id: string;
  readonly name: string;
  readonly state: JobState;
  /** Runs started so far (the current one included while active). */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly singletonKey: string | null;
  readonly payload: unknown;
  readonly lastError: string | null;
  /** ISO-8601 UTC. */
  readonly runAfter: string;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

/** Reported by the adapters after each run, for metrics (`jobs_total{job,outcome}`). */
export const JOB_OUTCOMES = ['completed', 'retried', 'failed'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];
export type JobFinishedListener = (event: { readonly job: string; readonly outcome: JobOutcome }) => void;
