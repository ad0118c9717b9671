/**
 * The `jobs` table of the embedded queue: every row transition as one statement. A transition
 * out of `active` only applies while this instance still holds the lease (`lease_owner`), so a
 * row reaped and re-claimed elsewhere is never overwritten by its late first worker.
 * The scheduling and worker loop that calls these lives in `local-queue.ts`.
 */
import { sql, type Kysely, type Selectable } from 'kysely';

import type { DbDialect } from '../../db/database.js';
import { newId } from '../../db/ids.js';
import type { DB } from '../../db/schema.js';
import type { JobsTable } from '../../db/tables/sync.tables.js';
import type { JobInfo, JobState } from '../job-queue.port.js';

/** States of a `jobs` row. A retry waits as `queued` with attempts > 0 (shown as `retry`). */
export const LOCAL_JOB_STATES = ['queued', 'active', 'completed', 'failed', 'cancelled'] as const;
export type LocalJobState = (typeof LOCAL_JOB_STATES)[number];

const jobColumns = [
  'id',
  'name',
  'payload',
  'state',
  'attempts',
  'max_attempts',
  'run_after',
  'singleton_key',
  'last_error',
  'created_at',
  'finished_at',
] as const;
export type JobRow = Pick<Selectable<JobsTable>, (typeof jobColumns)[number]>;

/** `INSERT … ON CONFLICT DO NOTHING`: a duplicate singleton returns null (`jobs_singleton_uq`). */
export async function insertJob(
  db: Kysely<DB>,
  job: {
    readonly name: string;
    readonly payload: unknown;
    readonly maxAttempts: number;
    readonly runAfter: string;
    readonly singletonKey: string | null;
    readonly now: string;
  },
): Promise<string | null> {
  const row = await db
    .insertInto('jobs')
    .values({
      id: newId(),
      name: job.name,
      payload: JSON.stringify(job.payload),
      state: 'queued',
      attempts: 0,
      max_attempts: job.maxAttempts,
      run_after: job.runAfter,
      lease_until: null,
      lease_owner: null,
      singleton_key: job.singletonKey,
      last_error: null,
      created_at: job.now,
      updated_at: job.now,
      finished_at: null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function findPendingJob(
  db: Kysely<DB>,
  name: string,
  singletonKey: string,
): Promise<JobInfo | null> {
  const row = await db
    .selectFrom('jobs')
    .select(jobColumns)
    .where('name', '=', name)
    .where('singleton_key', '=', singletonKey)
    .where('state', 'in', ['queued', 'active'])
    .executeTakeFirst();
  return row ? toJobInfo(row) : null;
}

export async function getJobInfo(db: Kysely<DB>, id: string): Promise<JobInfo | null> {
  const row = await db.selectFrom('jobs').select(jobColumns).where('id', '=', id).executeTakeFirst();
  return row ? toJobInfo(row) : null;
}

/** Active rows this instance abandons at stop: queued now rather than after the lease. */
export async function handBackJobs(
  db: Kysely<DB>,
  ids: readonly string[],
  owner: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      state: 'queued',
      lease_until: null,
      lease_owner: null,
      run_after: now,
      updated_at: now,
    })
    .where('id', 'in', ids)
    .where('lease_owner', '=', owner)
    .where('state', '=', 'active')
    .execute();
}

/** Requeues (or fails, when out of attempts) active rows whose lease expired, whoever held them. */
export function reclaimExpiredJobs(
  db: Kysely<DB>,
  now: string,
): Promise<{ readonly id: string; readonly name: string }[]> {
  return db
    .updateTable('jobs')
    .set({
      state: sql<string>`case when attempts >= max_attempts then 'failed' else 'queued' end`,
      finished_at: sql<string | null>`case when attempts >= max_attempts then ${now} else null end`,
      run_after: now,
      lease_until: null,
      lease_owner: null,
      last_error: 'lease expired: the worker crashed or stalled',
      updated_at: now,
    })
    .where('state', '=', 'active')
    .where('lease_until', '<', now)
    .returning(['id', 'name'])
    .execute();
}

export async function purgeFinishedJobs(db: Kysely<DB>, finishedBefore: string): Promise<void> {
  await db
    .deleteFrom('jobs')
    .where('state', 'in', ['completed', 'failed', 'cancelled'])
    .where('finished_at', '<', finishedBefore)
    .execute();
}

/**
 * One `UPDATE … WHERE id = (SELECT … LIMIT 1) RETURNING`. SQLite runs a statement as one write
 * transaction and serialises writers, so two instances never claim the same row; on PostgreSQL
 * the sub-select adds `FOR UPDATE SKIP LOCKED`.
 */
export function claimNextJob(
  db: Kysely<DB>,
  dialect: DbDialect,
  claim: {
    readonly names: readonly string[];
    readonly now: Date;
    readonly leaseMs: number;
    readonly owner: string;
  },
): Promise<JobRow | undefined> {
  const { names, now, leaseMs, owner } = claim;
  const nowIso = now.toISOString();
  let next = db
    .selectFrom('jobs')
    .select('id')
    .where('state', '=', 'queued')
    .where('run_after', '<=', nowIso)
    .where('name', 'in', names)
    .orderBy('run_after')
    .orderBy('id')
    .limit(1);
  if (dialect === 'postgres') next = next.forUpdate().skipLocked();
  return (
    db
      .updateTable('jobs')
      .set({
        state: 'active',
        attempts: sql<number>`attempts + 1`,
        lease_until: new Date(now.getTime() + leaseMs).toISOString(),
        lease_owner: owner,
        updated_at: nowIso,
      })
      .where('id', '=', next)
      // Re-checked after a lock wait on PostgreSQL, so a row claimed meanwhile is skipped, not re-run.
      .where('state', '=', 'queued')
      .returning(jobColumns)
      .executeTakeFirst()
  );
}

/** Hands a job back after a shutdown at a safe point: queued now, this attempt not counted. */
export async function releaseJob(db: Kysely<DB>, id: string, owner: string, now: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      state: 'queued',
      attempts: sql<number>`attempts - 1`,
      run_after: now,
      lease_until: null,
      lease_owner: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('state', '=', 'active')
    .where('lease_owner', '=', owner)
    .execute();
}

/** False when the lease was lost meanwhile (the row is no longer ours to complete). */
export async function completeJob(db: Kysely<DB>, id: string, owner: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ state: 'completed', finished_at: now, lease_until: null, lease_owner: null, updated_at: now })
    .where('id', '=', id)
    .where('state', '=', 'active')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return result.numUpdatedRows !== 0n;
}

/** A failed attempt: queued again after `waitMs`, or failed for good. */
export async function failJob(
  db: Kysely<DB>,
  id: string,
  owner: string,
  failure: {
    readonly retry: boolean;
    readonly waitMs: number;
    readonly lastError: string;
    readonly now: Date;
  },
): Promise<void> {
  const { retry, waitMs, lastError, now } = failure;
  await db
    .updateTable('jobs')
    .set({
      state: retry ? 'queued' : 'failed',
      run_after: new Date(now.getTime() + waitMs).toISOString(),
      finished_at: retry ? null : now.toISOString(),
      lease_until: null,
      lease_owner: null,
      last_error: lastError,
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .where('state', '=', 'active')
    .where('lease_owner', '=', owner)
    .execute();
}

/** Extends the leases this instance still holds; returns the ids renewed. */
export async function renewLeases(
  db: Kysely<DB>,
  ids: readonly string[],
  owner: string,
  lease: { readonly now: Date; readonly leaseMs: number },
): Promise<Set<string>> {
  const renewed = await db
    .updateTable('jobs')
    .set({
      lease_until: new Date(lease.now.getTime() + lease.leaseMs).toISOString(),
      updated_at: lease.now.toISOString(),
    })
    .where('id', 'in', ids)
    .where('state', '=', 'active')
    .where('lease_owner', '=', owner)
    .returning('id')
    .execute();
  return new Set(renewed.map((r) => r.id));
}

function toJobInfo(row: JobRow): JobInfo {
  const state = row.state as LocalJobState;
  const shown: JobState = state === 'queued' && row.attempts > 0 ? 'retry' : state;
  return {
    id: row.id,
    name: row.name,
    state: shown,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    singletonKey: row.singleton_key,
    payload: JSON.parse(row.payload) as unknown,
    lastError: row.last_error,
    runAfter: row.run_after,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}
