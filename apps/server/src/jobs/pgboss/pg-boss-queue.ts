import pg from 'pg';
import PgBoss from 'pg-boss';

import { definitionOf, prepareJob, type JobCatalog, type JobDefinition } from '../job-definition.js';
import type {
  EnqueueOptions,
  JobFinishedListener,
  JobHandler,
  JobInfo,
  JobNameOf,
  JobPayloadOf,
  JobQueue,
  JobState,
  ScheduleOptions,
  StopOptions,
  WorkOptions,
} from '../job-queue.port.js';
import { silentJobLogger, type JobLogger } from '../job-logger.js';
import { describeJobError, isJobRelease, JobStopRequested, PermanentJobError } from '../job-retry.js';

export interface PgBossQueueOptions<C extends JobCatalog> {
  readonly connectionString: string;
  readonly catalog: C;
  readonly logger?: JobLogger;
  /** PostgreSQL schema pg-boss owns (default `pgboss`). Tests use one per queue for isolation. */
  readonly schema?: string;
  /** Idle poll of each worker loop (pg-boss minimum 0.5 s; default 2 s). Local enqueues wake it. */
  readonly pollingIntervalSeconds?: number;
  /** How often the cron monitor and the cron worker run (default pg-boss's 30 s / 5 s). */
  readonly cronMonitorIntervalSeconds?: number;
  readonly cronWorkerIntervalSeconds?: number;
  /** Connections for pg-boss itself (default 4); the adapter keeps 2 more for enqueue and lookups. */
  readonly poolSize?: number;
  /** How long a handler may run on after its signal aborted before the job is failed (default 10 s). */
  readonly abortGraceMs?: number;
  readonly onJobFinished?: JobFinishedListener;
}

interface Registration {
  readonly name: string;
  readonly handler: JobHandler<unknown>;
  readonly concurrency: number;
}

interface RunningJob {
  readonly controller: AbortController;
  readonly done: Promise<unknown>;
}

interface BossJobRow {
  id: string;
  name: string;
  data: unknown;
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  retry_count: number;
  retry_limit: number;
  singleton_key: string | null;
  output: { message?: unknown; name?: unknown } | null;
  start_after: Date;
  started_on: Date | null;
  created_on: Date;
  completed_on: Date | null;
}

const bossStates: Readonly<Record<BossJobRow['state'], JobState>> = {
  created: 'queued',
  retry: 'retry',
  active: 'active',
  completed: 'completed',
  cancelled: 'cancelled',
  failed: 'failed',
};

/**
 * The PostgreSQL adapter: pg-boss 10.4.2 (11+ needs Node 22). Any number of `worker` processes
 * share the jobs; pg-boss claims with `FOR UPDATE SKIP LOCKED`.
 *
 * Singleton semantics, matched to LocalQueue ("one queued-or-active job per key"):
 * - Queues with a catalog singleton key use policy `stately`: the database allows one job per
 *   state up to active for a key, so never two active. (A `standard` queue with a singletonKey does
 *   NOT dedupe: both sends return ids.)
 * - `enqueue` additionally checks for a queued-or-active job under a transaction-scoped advisory
 *   lock, so a second job never waits behind a running one. That matters beyond dedupe: pg-boss 10
 *   claims the oldest jobs first and a claim that collides with the active-unique index fails the
 *   whole fetch, so a queued duplicate would stall other connectors until the running one ends.
 *
 * Timeouts: the handler's signal aborts at the catalog timeout; pg-boss's own expiry (crash
 * recovery, there is no heartbeat in v10) is set to the timeout plus the abort grace, so pg-boss
 * never fails a job whose handler we still await.
 */
export class PgBossQueue<C extends JobCatalog> implements JobQueue<C> {
  private readonly boss: PgBoss;
  private readonly pool: pg.Pool;
  private readonly catalog: C;
  private readonly logger: JobLogger;
  private readonly schema: string;
  private readonly abortGraceMs: number;
  private readonly registrations: Registration[] = [];
  private readonly schedules: { name: string; cron: string; tz: string; payload: unknown }[] = [];
  private readonly workerIds = new Map<string, string[]>();
  private readonly running = new Set<RunningJob>();
  private ready: Promise<void> | null = null;
  private isStarted = false;
  private isStopped = false;

  constructor(private readonly options: PgBossQueueOptions<C>) {
    this.catalog = options.catalog;
    this.logger = options.logger ?? silentJobLogger;
    this.schema = options.schema ?? 'pgboss';
    if (!/^[a-z_][a-z0-9_]*$/.test(this.schema))
      throw new Error(`Invalid pg-boss schema name: ${this.schema}`);
    this.abortGraceMs = options.abortGraceMs ?? 10_000;
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      schema: this.schema,
      max: options.poolSize ?? 4,
      application_name: 'coro-psa-jobs',
      ...(options.cronMonitorIntervalSeconds === undefined
        ? {}
        : { cronMonitorIntervalSeconds: options.cronMonitorIntervalSeconds }),
      ...(options.cronWorkerIntervalSeconds === undefined
        ? {}
        : { cronWorkerIntervalSeconds: options.cronWorkerIntervalSeconds }),
    });
    // pg-boss emits 'error' for background failures; an EventEmitter without a listener would crash.
    this.boss.on('error', (error) => this.logger.error({ err: describeJobError(error) }, 'pg-boss error'));
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: 2,
      application_name: 'coro-psa-jobs',
    });
  }

  async enqueue<N extends JobNameOf<C>>(
    name: N,
    payload: JobPayloadOf<C, N>,
    options: EnqueueOptions = {},
  ): Promise<string | null> {
    const { definition, singletonKey } = prepareJob(this.catalog, name, payload, options.singletonKey);
    await this.ensureReady();
    const sendOptions: PgBoss.SendOptions = {
      ...retryOptions(definition, this.abortGraceMs),
      ...(singletonKey === null ? {} : { singletonKey }),
      ...(options.startAfter ? { startAfter: options.startAfter } : {}),
    };
    let id: string | null;
    if (singletonKey === null) {
      id = await this.boss.send(name, payload as object, sendOptions);
    } else {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
          `${this.schema}:${name}:${singletonKey}`,
        ]);
        const pending = await client.query(
          `SELECT id FROM ${this.schema}.job WHERE name = $1 AND singleton_key = $2 AND state < 'completed' LIMIT 1`,
          [name, singletonKey],
        );
        id =
          pending.rowCount === 0
            ? await this.boss.send(name, payload as object, {
                ...sendOptions,
                db: {
                  executeSql: async (text, values) => ({ rows: (await client.query(text, values)).rows }),
                },
              })
            : null;
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }
    if (id !== null && !options.startAfter)
      for (const workerId of this.workerIds.get(name) ?? []) this.boss.notifyWorker(workerId);
    return id;
  }

  async findPending(name: JobNameOf<C>, singletonKey: string): Promise<JobInfo | null> {
    await this.ensureReady();
    const { rows } = await this.pool.query<BossJobRow>(
      `SELECT ${jobColumns} FROM ${this.schema}.job
       WHERE name = $1 AND singleton_key = $2 AND state < 'completed' ORDER BY created_on LIMIT 1`,
      [name, singletonKey],
    );
    return rows[0] ? toJobInfo(rows[0]) : null;
  }

  async getJob(id: string): Promise<JobInfo | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    await this.ensureReady();
    const { rows } = await this.pool.query<BossJobRow>(
      `SELECT ${jobColumns} FROM ${this.schema}.job WHERE id = $1
       UNION ALL SELECT ${jobColumns} FROM ${this.schema}.archive WHERE id = $1 LIMIT 1`,
      [id],
    );
    return rows[0] ? toJobInfo(rows[0]) : null;
  }

  async schedule<N extends JobNameOf<C>>(
    name: N,
    cron: string,
    options: ScheduleOptions<JobPayloadOf<C, N>>,
  ): Promise<void> {
    prepareJob(this.catalog, name, options.payload);
    const entry = { name, cron, tz: options.tz ?? 'UTC', payload: options.payload };
    this.schedules.push(entry);
    if (this.isStarted) await this.registerSchedule(entry);
  }

  async work<N extends JobNameOf<C>>(
    name: N,
    handler: JobHandler<JobPayloadOf<C, N>>,
    options: WorkOptions = {},
  ): Promise<void> {
    definitionOf(this.catalog, name);
    const registration = {
      name,
      handler: handler as JobHandler<unknown>,
      concurrency: Math.max(1, options.concurrency ?? 1),
    };
    this.registrations.push(registration);
    if (this.isStarted) await this.registerWorker(registration);
  }

  async start(): Promise<void> {
    if (this.isStarted) return;
    await this.ensureReady();
    this.isStarted = true;
    for (const registration of this.registrations) await this.registerWorker(registration);
    for (const entry of this.schedules) await this.registerSchedule(entry);
  }

  async stop(options: StopOptions = {}): Promise<void> {
    if (this.isStopped) return;
    this.isStopped = true;
    const isGraceful = options.graceful ?? true;
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (this.ready) {
      await this.ready.catch(() => undefined);
      if (!isGraceful) for (const run of this.running) run.controller.abort(new Error('queue stopping'));
      if (options.interrupt === true)
        for (const run of this.running) run.controller.abort(new JobStopRequested());
      // Aborts what outlives the graceful wait, so handlers see the stop before pg-boss fails their jobs.
      const abortLate = setTimeout(
        () => {
          for (const run of this.running) run.controller.abort(new Error('queue stopping'));
        },
        Math.max(0, timeoutMs - 500),
      );
      try {
        await this.boss.stop({
          graceful: isGraceful,
          wait: true,
          timeout: Math.max(1000, timeoutMs),
          close: true,
        });
      } finally {
        clearTimeout(abortLate);
      }
    }
    await this.pool.end();
  }

  private ensureReady(): Promise<void> {
    if (this.isStopped) return Promise.reject(new Error('The job queue is stopped'));
    this.ready ??= (async () => {
      await this.boss.start();
      for (const [name, definition] of Object.entries(this.catalog)) {
        const queue = {
          name,
          policy: definition.singletonKey ? 'stately' : 'standard',
          ...retryOptions(definition, this.abortGraceMs),
        } as const;
        await this.boss.createQueue(name, queue);
        // createQueue keeps an existing queue as is: bring its retry and expiry in line with the catalog.
        await this.boss.updateQueue(name, queue);
      }
    })();
    return this.ready;
  }

  private async registerSchedule(entry: {
    name: string;
    cron: string;
    tz: string;
    payload: unknown;
  }): Promise<void> {
    const { definition, singletonKey } = prepareJob(this.catalog, entry.name, entry.payload);
    await this.boss.schedule(entry.name, entry.cron, entry.payload as object, {
      tz: entry.tz,
      ...retryOptions(definition, this.abortGraceMs),
      ...(singletonKey === null ? {} : { singletonKey }),
    });
  }

  private async registerWorker(registration: Registration): Promise<void> {
    const definition = definitionOf(this.catalog, registration.name);
    const ids: string[] = [];
    // One pg-boss worker loop per slot, one job per fetch: a slow sync never holds a batch hostage.
    for (let slot = 0; slot < registration.concurrency; slot += 1) {
      // Filled once work() answers; the first job can finish before that only in theory.
      const slotWorker: { id?: string } = {};
      slotWorker.id = await this.boss.work<unknown>(
        registration.name,
        {
          batchSize: 1,
          includeMetadata: true,
          pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2,
        },
        async (jobs) => {
          for (const job of jobs) await this.execute(registration, definition, job);
          // pg-boss waits out the polling interval after every fetch, even one that found work: a
          // slot then ran at most one job per interval (291 syncs/min for 10 slots at 2 s, the
          // fleet bench's ceiling). A slot that just finished a job asks again at once; only an
          // empty fetch waits.
          if (jobs.length > 0 && slotWorker.id !== undefined) this.boss.notifyWorker(slotWorker.id);
        },
      );
      ids.push(slotWorker.id);
    }
    this.workerIds.set(registration.name, [...(this.workerIds.get(registration.name) ?? []), ...ids]);
  }

  private async execute(
    registration: Registration,
    definition: JobDefinition,
    job: PgBoss.JobWithMetadata<unknown>,
  ): Promise<void> {
    const controller = new AbortController();
    const timeout = setTimeout(
      () => controller.abort(new Error(`job timed out after ${definition.timeoutMs} ms`)),
      definition.timeoutMs,
    );
    const attempt = job.retryCount + 1;
    const handling = registration.handler({
      id: job.id,
      name: job.name,
      payload: job.data,
      attempt,
      maxAttempts: job.retryLimit + 1,
      isFinalAttempt: attempt >= job.retryLimit + 1,
      signal: controller.signal,
    });
    const run: RunningJob = { controller, done: handling.catch(() => undefined) };
    this.running.add(run);
    const abandoned = new Promise<never>((_, reject) => {
      const onAbort = (): void => {
        setTimeout(() => reject(controller.signal.reason as Error), this.abortGraceMs).unref();
      };
      if (controller.signal.aborted) onAbort();
      else controller.signal.addEventListener('abort', onAbort, { once: true });
    });
    abandoned.catch(() => undefined);
    try {
      await Promise.race([handling, abandoned]);
      // Finished despite a stop request: completed (handing it back would run it twice).
      if (controller.signal.aborted && !(controller.signal.reason instanceof JobStopRequested))
        throw controller.signal.reason;
      this.logger.info({ jobId: job.id, job: job.name, attempt }, 'job completed');
      this.options.onJobFinished?.({ job: job.name, outcome: 'completed' });
    } catch (error) {
      if (isJobRelease(error)) {
        // Handed back: 'retry' now, started_on cleared so the next fetch does not count an attempt.
        // pg-boss then finds the job no longer active and its own completion changes nothing.
        await this.pool.query(
          `UPDATE ${this.schema}.job SET state = 'retry', start_after = now(), started_on = NULL
            WHERE name = $1 AND id = $2 AND state = 'active'`,
          [job.name, job.id],
        );
        this.logger.info({ jobId: job.id, job: job.name, attempt }, 'job handed back at a safe point');
        return;
      }
      if (error instanceof PermanentJobError) {
        // pg-boss 10 has no "fail without retry": spend the remaining attempts so this failure is final.
        await this.pool.query(
          `UPDATE ${this.schema}.job SET retry_limit = retry_count WHERE name = $1 AND id = $2`,
          [job.name, job.id],
        );
      }
      this.logger.warn({ jobId: job.id, job: job.name, attempt, err: describeJobError(error) }, 'job failed');
      const isFinal = attempt >= job.retryLimit + 1 || error instanceof PermanentJobError;
      this.options.onJobFinished?.({ job: job.name, outcome: isFinal ? 'failed' : 'retried' });
      throw new Error(describeJobError(error), { cause: error });
    } finally {
      clearTimeout(timeout);
      this.running.delete(run);
    }
  }
}

function retryOptions(
  definition: JobDefinition,
  abortGraceMs: number,
): PgBoss.RetryOptions & PgBoss.ExpirationOptions {
  return {
    retryLimit: definition.maxAttempts - 1,
    // pg-boss takes whole seconds and doubles them with random jitter (no cap): the catalog's
    // initial delay is kept, its cap is not (see docs/adr/0004-job-queue.md).
    retryDelay: Math.max(1, Math.ceil(definition.backoff.initialMs / 1000)),
    retryBackoff: true,
    expireInSeconds: Math.ceil((definition.timeoutMs + abortGraceMs) / 1000) + 30,
  };
}

const jobColumns =
  'id, name, data, state, retry_count, retry_limit, singleton_key, output, start_after, started_on, created_on, completed_on';

function toJobInfo(row: BossJobRow): JobInfo {
  const message = row.output && typeof row.output.message === 'string' ? row.output.message : null;
  return {
    id: row.id,
    name: row.name,
    state: bossStates[row.state],
    attempts: row.started_on === null ? 0 : row.retry_count + 1,
    maxAttempts: row.retry_limit + 1,
    singletonKey: row.singleton_key,
    payload: row.data,
    lastError: row.state === 'completed' ? null : message,
    runAfter: row.start_after.toISOString(),
    createdAt: row.created_on.toISOString(),
    finishedAt: row.completed_on?.toISOString() ?? null,
  };
}
