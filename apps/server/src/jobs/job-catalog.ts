import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { SyncRunTrigger } from '@coro/contracts';

import { JobPayloadError, type JobQueue } from './job-queue.port.js';
import type { BackoffPolicy } from './job-retry.js';

/**
 * One entry per job: what it carries, how it retries, how long it may run and what makes two of
 * them "the same". Queues read everything from here; call sites only name the job.
 *
 * Payloads carry ids only. Secrets are looked up by the handler through the connector id, so a
 * job row (ours or pg-boss's) never holds anything worth stealing; `job-catalog.unit.test.ts`
 * walks every schema to keep it that way. Keep a renamed job's old entry until its in-flight jobs
 * have drained, or they fail as unknown.
 */
export interface JobDefinition<S extends TSchema = TSchema> {
  readonly description: string;
  readonly payload: S;
  /** Runs in total, the first included: 3 means two retries. */
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  /** The handler's signal aborts after this; the job then fails (and may retry). */
  readonly timeoutMs: number;
  /**
   * Jobs with equal keys (per job name) never run or wait twice at once: enqueue returns null
   * while one is queued or active. Method syntax on purpose, so entries stay assignable to the
   * catalog's index type.
   */
  singletonKey?(payload: Static<S>): string;
  /** A cron that only enqueues this job (registered by `startJobs`). */
  readonly cron?: { readonly pattern: string; readonly tz: string; readonly payload: Static<S> };
}

export type JobCatalog = Readonly<Record<string, JobDefinition>>;

const defineJob = <S extends TSchema>(definition: JobDefinition<S>): JobDefinition<S> => definition;

const ConnectorId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

/** The sync's triggers a job can carry (the CLI runs syncs directly, not through the queue). */
export const SYNC_JOB_TRIGGERS = ['manual', 'schedule'] as const satisfies readonly SyncRunTrigger[];
export type SyncJobTrigger = (typeof SYNC_JOB_TRIGGERS)[number];

const MINUTE_MS = 60_000;

export const jobCatalog = {
  'sync.connector': defineJob({
    description: 'Sync one connector: counts → plan → adjustments, recorded as a sync run',
    payload: Type.Object(
      {
        connectorId: ConnectorId,
        trigger: Type.Union([Type.Literal('manual'), Type.Literal('schedule')]),
        /** Set when the API created the run row before enqueueing ("Sync now"). */
        runId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      },
      { additionalProperties: false },
    ),
    maxAttempts: 3,
    backoff: { initialMs: 2 * MINUTE_MS, maxMs: 30 * MINUTE_MS },
    timeoutMs: 30 * MINUTE_MS,
    singletonKey: (p) => p.connectorId,
  }),
  'sync.daily-fanout': defineJob({
    description: 'Enqueue sync.connector for every connector whose local daily time (+ jitter) has come',
    payload: Type.Object({}, { additionalProperties: false }),
    maxAttempts: 2,
    backoff: { initialMs: 30_000, maxMs: 2 * MINUTE_MS },
    timeoutMs: 5 * MINUTE_MS,
    singletonKey: () => 'fanout',
    // Each connector has its own local time, so the fanout ticks often and asks who is due.
    cron: { pattern: '*/5 * * * *', tz: 'UTC', payload: {} },
  }),
  'lookups.refresh': defineJob({
    description: 'Refresh the cached PSA companies and services of one connector',
    payload: Type.Object({ connectorId: ConnectorId }, { additionalProperties: false }),
    maxAttempts: 3,
    backoff: { initialMs: MINUTE_MS, maxMs: 10 * MINUTE_MS },
    timeoutMs: 10 * MINUTE_MS,
    singletonKey: (p) => p.connectorId,
  }),
  'connection.check': defineJob({
    description: 'Verify a connector credentials and zone, and record its status',
    payload: Type.Object({ connectorId: ConnectorId }, { additionalProperties: false }),
    maxAttempts: 2,
    backoff: { initialMs: 30_000, maxMs: 2 * MINUTE_MS },
    timeoutMs: 2 * MINUTE_MS,
    singletonKey: (p) => p.connectorId,
  }),
} as const satisfies JobCatalog;

export type AppJobCatalog = typeof jobCatalog;
export type AppJobName = keyof AppJobCatalog;
export type AppJobPayload<N extends AppJobName> = Static<AppJobCatalog[N]['payload']>;

/**
 * What both adapters do before inserting: schema check, then the singleton key (explicit option
 * first, then the catalog's). Throws `JobPayloadError` for an unknown job or a bad payload.
 */
export function prepareJob(
  catalog: JobCatalog,
  name: string,
  payload: unknown,
  singletonKeyOverride?: string,
): { definition: JobDefinition; singletonKey: string | null } {
  const definition = catalog[name];
  if (!definition) throw new JobPayloadError(name, ['unknown job name']);
  if (!Value.Check(definition.payload, payload)) {
    const problems = Value.Errors(definition.payload, payload).map(
      (e) => `${e.instancePath || '/'} ${e.message}`,
    );
    throw new JobPayloadError(name, problems.length > 0 ? problems : ['does not match the schema']);
  }
  const singletonKey = singletonKeyOverride ?? definition.singletonKey?.(payload) ?? null;
  return { definition, singletonKey };
}

export function definitionOf(catalog: JobCatalog, name: string): JobDefinition {
  const definition = catalog[name];
  if (!definition) throw new JobPayloadError(name, ['unknown job name']);
  return definition;
}

/** The queue of this application's jobs, as handlers, routes and the CLI see it. */
export type AppJobQueue = JobQueue<AppJobCatalog>;
