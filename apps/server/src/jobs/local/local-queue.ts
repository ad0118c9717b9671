import { Cron } from 'croner';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';

import type { Database } from '../../db/database.js';
import type { DB } from '../../db/schema.js';
import { definitionOf, prepareJob, type JobCatalog } from '../job-definition.js';
import type {
  EnqueueOptions,
  JobFinishedListener,
  JobHandler,
  JobInfo,
  JobNameOf,
  JobPayloadOf,
  JobQueue,
  ScheduleOptions,
  StopOptions,
  WorkOptions,
} from '../job-queue.port.js';
import {
  describeJobError,
  isJobRelease,
  jobRetryDecision,
  JobStopRequested,
  PermanentJobError,
} from '../job-retry.js';
import { silentJobLogger, type JobLogger } from '../job-logger.js';
import {
  claimNextJob,
  completeJob,
  failJob,
  findPendingJob,
  getJobInfo,
  handBackJobs,
  insertJob,
  purgeFinishedJobs,
  reclaimExpiredJobs,
  releaseJob,
  renewLeases,
  type JobRow,
} from './local-jobs.repository.js';

export interface LocalQueueOptions<C extends JobCatalog> {
  readonly database: Database;
  readonly catalog: C;
  readonly logger?: JobLogger;
  /** How often an idle queue looks for due jobs (default 1 s). Enqueues in this process wake it at once. */
  readonly pollIntervalMs?: number;
  /** A claimed job belongs to this instance until then; renewed every third of it (default 60 s). */
  readonly leaseMs?: number;
  /** How often expired leases are reclaimed and old finished rows purged (default = leaseMs). */
  readonly reapIntervalMs?: number;
  /** Finished rows are deleted after this (default 14 days). */
  readonly retentionMs?: number;
  /** How long a handler may keep running after its signal aborted before it is abandoned (default 10 s). */
  readonly abortGraceMs?: number;
  readonly clock?: () => Date;
  readonly onJobFinished?: JobFinishedListener;
}

interface Registration {
  readonly handler: JobHandler<unknown>;
  readonly concurrency: number;
  active: number;
}

interface RunningJob {
  readonly id: string;
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

/**
 * The embedded queue: a `jobs` table in the app's own database, polled by this process. The
 * statements on that table are `local-jobs.repository.ts`; this class is the in-process side
 * (timers, crons, registrations, running handlers, leases held).
 *
 * - Claim: one `UPDATE … WHERE id = (SELECT … LIMIT 1) RETURNING`. SQLite runs a statement as one
 *   write transaction and serialises writers, so two instances never claim the same row; on
 *   PostgreSQL the sub-select adds `FOR UPDATE SKIP LOCKED`.
 * - Singleton: the partial unique index `jobs_singleton_uq` allows one queued-or-active row per
 *   (name, key); enqueue is `INSERT … ON CONFLICT DO NOTHING`, so a duplicate returns null.
 * - Crash recovery: a claim takes a lease that a heartbeat renews; the reaper (any instance)
 *   requeues or fails rows whose lease expired.
 * - Cron: croner (`protect: true`) only enqueues; the singleton key dedupes ticks of several instances.
 *
 * Production runs it on SQLite in one process; it works on PostgreSQL too (plain table), which
 * the contract suite checks.
 */
export class LocalQueue<C extends JobCatalog> implements JobQueue<C> {
  private readonly db: Kysely<DB>;
  private readonly catalog: C;
  private readonly logger: JobLogger;
  private readonly owner = `local-${randomUUID()}`;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly reapIntervalMs: number;
  private readonly retentionMs: number;
  private readonly abortGraceMs: number;
  private readonly clock: () => Date;
  private readonly registrations = new Map<string, Registration>();
  private readonly running = new Map<string, RunningJob>();
  private readonly crons: Cron[] = [];
  private timers: NodeJS.Timeout[] = [];
  private isStarted = false;
  private isStopping = false;
  private isPolling = false;
  private isPollRequested = false;

  constructor(private readonly options: LocalQueueOptions<C>) {
    this.db = options.database.db;
    this.catalog = options.catalog;
    this.logger = options.logger ?? silentJobLogger;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.reapIntervalMs = options.reapIntervalMs ?? this.leaseMs;
    this.retentionMs = options.retentionMs ?? 14 * 86_400_000;
    this.abortGraceMs = options.abortGraceMs ?? 10_000;
    this.clock = options.clock ?? (() => new Date());
  }

  async enqueue<N extends JobNameOf<C>>(
    name: N,
    payload: JobPayloadOf<C, N>,
    options: EnqueueOptions = {},
  ): Promise<string | null> {
    const { definition, singletonKey } = prepareJob(this.catalog, name, payload, options.singletonKey);
    const now = this.nowIso();
    const runAfter =
      options.startAfter && options.startAfter.getTime() > this.clock().getTime()
        ? options.startAfter.toISOString()
        : now;
    const id = await insertJob(this.db, {
      name,
      payload,
      maxAttempts: definition.maxAttempts,
      runAfter,
      singletonKey,
      now,
    });
    if (id !== null && runAfter === now) this.requestPoll();
    return id;
  }

  findPending(name: JobNameOf<C>, singletonKey: string): Promise<JobInfo | null> {
    return findPendingJob(this.db, name, singletonKey);
  }

  getJob(id: string): Promise<JobInfo | null> {
    return getJobInfo(this.db, id);
  }

  schedule<N extends JobNameOf<C>>(
    name: N,
    cron: string,
    options: ScheduleOptions<JobPayloadOf<C, N>>,
  ): Promise<void> {
    return settle(() => this.addCron(name, cron, options));
  }

  private addCron<N extends JobNameOf<C>>(
    name: N,
    cron: string,
    options: ScheduleOptions<JobPayloadOf<C, N>>,
  ): void {
    prepareJob(this.catalog, name, options.payload);
    const job = new Cron(
      cron,
      { timezone: options.tz ?? 'UTC', protect: true, paused: !this.isStarted, name: `${name}@${cron}` },
      async () => {
        try {
          await this.enqueue(name, options.payload);
        } catch (error) {
          this.logger.error({ job: name, err: describeJobError(error) }, 'cron enqueue failed');
        }
      },
    );
    this.crons.push(job);
  }

  work<N extends JobNameOf<C>>(
    name: N,
    handler: JobHandler<JobPayloadOf<C, N>>,
    options: WorkOptions = {},
  ): Promise<void> {
    return settle(() => {
      definitionOf(this.catalog, name);
      const concurrency = Math.max(1, options.concurrency ?? 1);
      this.registrations.set(name, { handler: handler as JobHandler<unknown>, concurrency, active: 0 });
      if (this.isStarted) this.requestPoll();
    });
  }

  async start(): Promise<void> {
    if (this.isStarted) return;
    this.isStarted = true;
    this.isStopping = false;
    await this.reap();
    for (const cron of this.crons) cron.resume();
    this.timers = [
      setInterval(() => this.requestPoll(), this.pollIntervalMs),
      setInterval(() => void this.heartbeat(), Math.max(50, Math.floor(this.leaseMs / 3))),
      setInterval(() => void this.reap(), this.reapIntervalMs),
    ];
    for (const timer of this.timers) timer.unref();
    this.requestPoll();
  }

  async stop(options: StopOptions = {}): Promise<void> {
    if (!this.isStarted) return;
    this.isStopping = true;
    for (const cron of this.crons) cron.pause();
    const isGraceful = options.graceful ?? true;
    const waitMs = isGraceful ? (options.timeoutMs ?? 30_000) : 0;
    if (options.interrupt === true)
      for (const run of this.running.values()) run.controller.abort(new JobStopRequested());
    const pending = [...this.running.values()];
    if (pending.length > 0) {
      const allDone = Promise.allSettled(pending.map((r) => r.done));
      if (!(await settlesWithin(allDone, waitMs))) {
        for (const run of this.running.values()) run.controller.abort(new Error('queue stopping'));
        await settlesWithin(
          Promise.allSettled([...this.running.values()].map((r) => r.done)),
          this.abortGraceMs,
        );
      }
    }
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    // Whatever still runs is abandoned: hand its rows back now rather than after the lease.
    const abandoned = [...this.running.keys()];
    if (abandoned.length > 0) {
      await handBackJobs(this.db, abandoned, this.owner, this.nowIso());
      this.running.clear();
    }
    this.isStarted = false;
  }

  /** Requeues (or fails) active rows whose lease expired: their worker crashed or stalled. */
  async reap(): Promise<number> {
    const now = this.nowIso();
    try {
      const expired = await reclaimExpiredJobs(this.db, now);
      for (const row of expired)
        this.logger.warn({ jobId: row.id, job: row.name }, 'job lease expired; reclaimed');
      const purgeBefore = new Date(this.clock().getTime() - this.retentionMs).toISOString();
      await purgeFinishedJobs(this.db, purgeBefore);
      if (expired.length > 0) this.requestPoll();
      return expired.length;
    } catch (error) {
      this.logger.error({ err: describeJobError(error) }, 'job reaper failed');
      return 0;
    }
  }

  private requestPoll(): void {
    if (!this.isStarted || this.isStopping) return;
    if (this.isPolling) {
      this.isPollRequested = true;
      return;
    }
    this.isPolling = true;
    void this.poll()
      .catch((error: unknown) => this.logger.error({ err: describeJobError(error) }, 'job poll failed'))
      .finally(() => {
        this.isPolling = false;
        if (this.isPollRequested) {
          this.isPollRequested = false;
          this.requestPoll();
        }
      });
  }

  private async poll(): Promise<void> {
    for (;;) {
      if (this.isStopping) return;
      const names = [...this.registrations].filter(([, r]) => r.active < r.concurrency).map(([name]) => name);
      if (names.length === 0) return;
      const row = await claimNextJob(this.db, this.options.database.dialect, {
        names,
        now: this.clock(),
        leaseMs: this.leaseMs,
        owner: this.owner,
      });
      if (!row) return;
      this.run(row);
    }
  }

  private run(row: JobRow): void {
    const registration = this.registrations.get(row.name);
    if (!registration) return;
    const definition = definitionOf(this.catalog, row.name);
    registration.active += 1;
    const controller = new AbortController();
    const timeout = setTimeout(
      () => controller.abort(new Error(`job timed out after ${definition.timeoutMs} ms`)),
      definition.timeoutMs,
    );
    const log = { jobId: row.id, job: row.name, attempt: row.attempts };
    const execute = async (): Promise<void> => {
      let failure: unknown = null;
      try {
        const handling = registration.handler({
          id: row.id,
          name: row.name,
          payload: JSON.parse(row.payload) as unknown,
          attempt: row.attempts,
          maxAttempts: row.max_attempts,
          isFinalAttempt: row.attempts >= row.max_attempts,
          signal: controller.signal,
        });
        // A handler that ignores its aborted signal is abandoned after the grace period.
        const abandoned = new Promise<never>((_, reject) => {
          const onAbort = (): void => {
            setTimeout(() => reject(controller.signal.reason as Error), this.abortGraceMs).unref();
          };
          if (controller.signal.aborted) onAbort();
          else controller.signal.addEventListener('abort', onAbort, { once: true });
        });
        abandoned.catch(() => undefined);
        await Promise.race([handling, abandoned]);
        // A handler that finished its work despite a stop request completed: handing it back
        // would run it twice. Other aborts (timeout, forced stop) still fail it.
        if (controller.signal.aborted && !(controller.signal.reason instanceof JobStopRequested))
          failure = controller.signal.reason;
      } catch (error) {
        failure = error;
      } finally {
        clearTimeout(timeout);
      }
      if (failure !== null && isJobRelease(failure)) {
        await this.release(row);
      } else if (failure === null) {
        await this.complete(row.id);
        this.logger.info(log, 'job completed');
        this.options.onJobFinished?.({ job: row.name, outcome: 'completed' });
      } else {
        await this.fail(row, definition.backoff, failure);
      }
    };
    const done = execute()
      .catch((error: unknown) =>
        this.logger.error({ ...log, err: describeJobError(error) }, 'job bookkeeping failed'),
      )
      .finally(() => {
        registration.active -= 1;
        this.running.delete(row.id);
        this.requestPoll();
      });
    this.running.set(row.id, { id: row.id, controller, done });
  }

  /** Hands a job back after a shutdown at a safe point: queued now, this attempt not counted. */
  private async release(row: JobRow): Promise<void> {
    await releaseJob(this.db, row.id, this.owner, this.nowIso());
    this.logger.info(
      { jobId: row.id, job: row.name, attempt: row.attempts },
      'job handed back at a safe point',
    );
  }

  private async complete(id: string): Promise<void> {
    const isCompleted = await completeJob(this.db, id, this.owner, this.nowIso());
    if (!isCompleted) this.logger.warn({ jobId: id }, 'job finished after its lease was lost');
  }

  private async fail(
    row: JobRow,
    backoff: { initialMs: number; maxMs: number },
    error: unknown,
  ): Promise<void> {
    const decision = jobRetryDecision({
      attempt: row.attempts,
      maxAttempts: row.max_attempts,
      backoff,
      isPermanent: error instanceof PermanentJobError,
    });
    const now = this.clock();
    const lastError = describeJobError(error);
    await failJob(this.db, row.id, this.owner, {
      retry: decision.retry,
      waitMs: decision.waitMs,
      lastError,
      now,
    });
    this.logger.warn(
      {
        jobId: row.id,
        job: row.name,
        attempt: row.attempts,
        reason: decision.reason,
        waitMs: decision.waitMs,
        err: lastError,
      },
      decision.retry ? 'job failed; will retry' : 'job failed',
    );
    this.options.onJobFinished?.({ job: row.name, outcome: decision.retry ? 'retried' : 'failed' });
  }

  private async heartbeat(): Promise<void> {
    const ids = [...this.running.keys()];
    if (ids.length === 0) return;
    const now = this.clock();
    try {
      const kept = await renewLeases(this.db, ids, this.owner, { now, leaseMs: this.leaseMs });
      for (const id of ids) {
        // Reaped by another instance (we stalled past the lease): stop, someone else may run it now.
        if (!kept.has(id)) this.running.get(id)?.controller.abort(new Error('job lease lost'));
      }
    } catch (error) {
      this.logger.error({ err: describeJobError(error) }, 'job heartbeat failed');
    }
  }

  private nowIso(): string {
    return this.clock().toISOString();
  }
}

/** Runs synchronous work behind a promise-returning port method, so its errors reject. */
function settle(work: () => void): Promise<void> {
  try {
    work();
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
