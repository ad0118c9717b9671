import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import { emptyCounters, type RunCounters } from './sync-run.repository.js';

/**
 * A run interrupted by a shutdown (ADR 0010) is the same run when it resumes: one line per
 * (workspace, service) and counters for the whole run. What the first attempt(s) wrote to the PSA
 * stays as their `applied` lines; everything else is planned again by the resumed attempt.
 */

/** `error_code` of a run handed back at a safe point; its status is `queued` until it resumes. */
export const INTERRUPTED_BY_SHUTDOWN = 'interrupted_by_shutdown';

export const interruptedMessage = (at: string): string =>
  `Interrupted by a shutdown at ${at}; it resumes in the next worker (or after the restart).`;

/** Thrown inside a run when its stop signal fired: writes in flight finished, nothing new starts. */
export class RunInterrupted extends Error {
  constructor() {
    super('the run stopped at a safe point for a shutdown');
    this.name = 'RunInterrupted';
  }
}

/** The connector's run waiting to resume, for jobs that carry no run id (scheduled runs). */
export async function findInterruptedRun(db: Kysely<DB>, connectorId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('sync_runs')
    .select('id')
    .where('connector_id', '=', connectorId)
    .where('status', '=', 'queued')
    .where('mode', '=', 'apply')
    .where('error_code', '=', INTERRUPTED_BY_SHUTDOWN)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row?.id;
}

export const lineKey = (workspaceId: string, serviceKey: string): string =>
  `${workspaceId}\u0000${serviceKey}`;

export interface ResumePoint {
  /** (workspace, service) pairs whose adjustment landed before the interruption: not planned again. */
  readonly kept: ReadonlySet<string>;
  /** Counters of the kept lines plus the PSA calls already spent: the resumed attempt adds to them. */
  readonly counters: RunCounters;
  readonly nextSeq: number;
}

/**
 * Call after the ledger reconciled the interrupted attempt's writes (so each of its lines is
 * `applied` or not): drops every other line of the run, and returns what the resumed attempt
 * starts from.
 */
export async function prepareResume(
  db: Kysely<DB>,
  runId: string,
  resumedAt: string,
  /** The PSA calls the interrupted attempt(s) made, as the run row held them before this one began. */
  spent: { readonly psa_reads: number; readonly psa_writes: number },
): Promise<ResumePoint> {
  await db
    .deleteFrom('sync_run_lines')
    .where('run_id', '=', runId)
    .where('status', '!=', 'applied')
    .execute();
  const kept = await db
    .selectFrom('sync_run_lines')
    .select(['workspace_id', 'service_key', 'delta', 'seq'])
    .where('run_id', '=', runId)
    .execute();
  await db
    .updateTable('sync_run_lines')
    .set({
      detail: `Applied before the interruption; the run resumed at ${resumedAt}.`,
      updated_at: resumedAt,
    })
    .where('run_id', '=', runId)
    .where('detail', 'is', null)
    .execute();
  const counters = emptyCounters();
  counters.psa_reads = spent.psa_reads;
  counters.psa_writes = spent.psa_writes;
  for (const line of kept) {
    counters.lines_total++;
    counters.adjusted++;
    const delta = line.delta ?? 0;
    if (delta > 0) counters.units_added += delta;
    else counters.units_removed -= delta;
  }
  return {
    kept: new Set(kept.map((l) => lineKey(l.workspace_id, l.service_key))),
    counters,
    nextSeq: kept.reduce((max, l) => Math.max(max, l.seq + 1), 0),
  };
}
