import { Type } from 'typebox';
import type { SyncRunTrigger } from '@coro/contracts';

import { defineJob, type JobCatalog } from './job-definition.js';
import type { JobQueue } from './job-queue.port.js';

const ConnectorId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

/** The sync's triggers a job can carry (the CLI runs syncs directly, not through the queue). */
const SYNC_JOB_TRIGGERS = ['manual', 'schedule'] as const satisfies readonly SyncRunTrigger[];

const MINUTE_MS = 60_000;

export const jobCatalog = {
  'sync.connector': defineJob({
    description: 'Sync one connector: counts → plan → adjustments, recorded as a sync run',
    payload: Type.Object(
      {
        connectorId: ConnectorId,
        trigger: Type.Union([Type.Literal(SYNC_JOB_TRIGGERS[0]), Type.Literal(SYNC_JOB_TRIGGERS[1])]),
        /** Set when the API created the run row before enqueueing ("Sync now"). */
        runId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        /** Apply exactly this reviewed preview (its lines that still match; issue 10). */
        previewRunId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
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
  'sessions.cleanup': defineJob({
    description: 'Delete expired console sessions, so the sessions table holds only live ones',
    payload: Type.Object({}, { additionalProperties: false }),
    maxAttempts: 2,
    backoff: { initialMs: MINUTE_MS, maxMs: 10 * MINUTE_MS },
    timeoutMs: 5 * MINUTE_MS,
    singletonKey: () => 'sessions-cleanup',
    // Expired sessions are already refused at lookup; this only keeps the table small.
    cron: { pattern: '17 * * * *', tz: 'UTC', payload: {} },
  }),
} as const satisfies JobCatalog;

export type AppJobCatalog = typeof jobCatalog;
export type AppJobName = keyof AppJobCatalog;

/** The queue of this application's jobs, as handlers, routes and the CLI see it. */
export type AppJobQueue = JobQueue<AppJobCatalog>;
