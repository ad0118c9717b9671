/**
 * The daily billing sync, top to bottom: load the run → read the PSA view → plan → persist the
 * lines → apply the adjustments → confirm → finish. The parts live beside it:
 *   - run-tracker.ts: counters, progress events, budget waits;
 *   - psa-view.reader.ts: a chunk's contracts → contract services → units, batched;
 *   - adjustment.writer.ts: the ledger (begin / apply / confirm / reconcile pending, ADR 0005);
 *   - write-retry.ts: what to do after a failed or ambiguous write (pure, table-tested);
 *   - sync-lease.ts: one apply per connector at a time.
 * Chunks of ≤ 500 companies are read one after another while a pool of writers applies the previous
 * chunk's adjustments. A failure of one company (or chunk) becomes problem lines; the others carry on.
 */
import type { SyncLineStatus, SyncRunStatusName } from '@coro/contracts';
import PQueue from 'p-queue';
import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import { newId } from '../db/ids.js';
import { yieldToLoop } from '../lib/event-loop.js';
import { localDay } from '../domain/billing-policy.js';
import { planSync, type ConfirmedUnits, type PlannedLine, type PlanWorkspace } from '../domain/sync-plan.js';
import { isCredentialFailure, type PsaConnection } from '../psa/psa-provider.port.js';
import {
  applyAdjustment,
  confirmUnwritten,
  reconcilePending,
  type WriteContext,
} from './adjustment.writer.js';
import { chunkByCompany, companiesToRead, readPsaView } from './psa-view.reader.js';
import { openTrackedConnection, RunTracker } from './run-tracker.js';
import {
  defaultSyncTuning,
  errorCodeOf,
  errorMessageOf,
  RunAborted,
  type RunSyncOptions,
  type SyncEnvironment,
  type SyncRunSummary,
  type SyncTuning,
} from './sync-environment.js';
import { withLease } from './sync-lease.js';
import { loadSyncSource, loadUsage } from './sync-source.js';
import {
  initialLineStatus,
  runCounterColumns,
  type PlanKeyRow,
  createSyncRun,
  getSyncRun,
  insertSyncLines,
  planKeysOfRun,
  staleRunningRuns,
  updateSyncRun,
} from './sync-run.repository.js';
import {
  findInterruptedRun,
  INTERRUPTED_BY_SHUTDOWN,
  interruptedMessage,
  lineKey,
  prepareResume,
  RunInterrupted,
  type ResumePoint,
} from './sync-resume.js';
import { armSchedule, getSyncSettings } from './sync-settings.repository.js';
import { syncDurationSeconds, syncRunsTotal } from '../observability/metrics.js';
import { appliedDatesFrom } from './ledger.repository.js';
import { confirmedUnitsFor, confirmedUnitsOfOrphans } from './confirmed-units.repository.js';

export type { RunSyncOptions, SyncEnvironment, SyncRunSummary, SyncTuning } from './sync-environment.js';

/**
 * Lines persisted (and confirmed) per turn of the event loop: ~5 ms of work on a slow core, so a
 * sync never holds the loop that serves the console for long (issue 12: nothing over 50 ms).
 */
const linesPerSlice = 250;

export async function executeSync(env: SyncEnvironment, options: RunSyncOptions): Promise<SyncRunSummary> {
  const tuning: SyncTuning = { ...defaultSyncTuning, ...options.tuning };
  const { connectorId, mode } = options;
  const { db } = env;
  const { policy } = await getSyncSettings(db, connectorId);

  // 1. Load: the run row (created now, or queued when the job was enqueued).
  const startedAt = env.clock().toISOString();
  const { runId, existing, isResume, previewRunId } = await startRun(db, options, startedAt);
  // Applying a reviewed preview: only its adjust lines that a plan made now decides the same way.
  const reviewed = mode === 'apply' && previewRunId ? await reviewedWrites(db, previewRunId) : null;
  const tracker = new RunTracker(env, db, runId, connectorId, options.onProgress);
  const { counters } = tracker;
  let effectiveDate: string | null = null;
  let connection: PsaConnection | undefined;
  let psaName = 'PSA';
  let resumePoint: ResumePoint | null = null;
  // Shutdown (ADR 0010): stop at the next safe point. A run waiting (the PSA's hourly budget, a slow
  // read) reaches none by itself: after stopWaitMs its connection closes, which ends the wait; the
  // ledger settles any cut write.
  const { stopSignal } = options;
  const isStopping = (): boolean => stopSignal?.aborted === true;
  let stopTimer: NodeJS.Timeout | undefined;
  const onStop = (): void => {
    stopTimer = setTimeout(() => void connection?.close().catch(() => undefined), tuning.stopWaitMs);
  };
  if (stopSignal?.aborted) onStop();
  else stopSignal?.addEventListener('abort', onStop, { once: true });

  const body = async (isLost: () => boolean): Promise<void> => {
    const conn = await openTrackedConnection(env, connectorId, tracker);
    connection = conn;
    psaName = conn.guide.psaName;
    const today = localDay(env.clock(), policy.timeZone);
    effectiveDate = today;
    await updateSyncRun(db, runId, {
      effective_date: today,
      time_zone: policy.timeZone,
      updated_at: env.clock().toISOString(),
    });
    const writeContext: WriteContext = {
      env,
      connection: conn,
      connectorId,
      runId,
      tuning,
      isLost,
      countWrite: () => counters.psa_writes++,
    };

    if (mode === 'apply') {
      await failStaleRuns(env, connectorId, runId);
      tracker.setPhase('reconciling');
      const tally = await reconcilePending(writeContext);
      if (tally.applied + tally.notApplied + tally.unresolved > 0)
        env.logger?.info({ runId, ...tally }, 'reconciled pending adjustments');
      if (isResume && existing) {
        resumePoint = await prepareResume(db, runId, startedAt, existing);
        for (const column of runCounterColumns) counters[column] += resumePoint.counters[column];
        env.logger?.info({ runId, kept: resumePoint.kept.size }, 'sync run resumed after an interruption');
      }
    }

    // Workspaces and services once; counts and confirmed units per chunk below, so a run's memory
    // stays flat however many customers the channel has.
    const channelId = await connectorChannel(db, connectorId);
    const source = await loadSyncSource(db, connectorId, channelId);
    const orphans = await confirmedUnitsOfOrphans(db, connectorId, channelId);
    const appliedDates = await appliedDatesFrom(db, connectorId, today);
    // One line per (workspace, service) and per orphan; a chunk that also plans lines for contract
    // services no longer mapped here adds them to the total when it finds them.
    tracker.total = source.workspaces.length * source.services.length + orphans.length;
    tracker.setPhase('reading');

    const writers = new PQueue({ concurrency: tuning.writeConcurrency });
    let seq = resumePoint?.nextSeq ?? 0;
    const processChunk = async (
      workspaces: PlanWorkspace[],
      chunkConfirmed: ConfirmedUnits[],
      expectedLines: number,
    ): Promise<void> => {
      // 2. Read the PSA view.
      const ids = workspaces.map((w) => w.id);
      const usage = await loadUsage(db, ids, today);
      const companyIds = companiesToRead(workspaces, policy);
      const view = await readPsaView(conn, companyIds, chunkConfirmed, policy, today, appliedDates);
      const first = [...view.companyErrors.values()][0];
      if (first && isCredentialFailure(first)) await env.onCredentialFailure?.(connectorId, first);
      // 3. Plan (whole, per chunk: workspaces sharing a contract service are decided together), in a
      // turn of the event loop of its own: the last read's page was parsed in this one.
      await yieldToLoop();
      const { services } = source;
      const guide = conn.guide;
      const lines = planSync({
        ...{ effectiveDate: today, policy, workspaces, services, usage, psa: view },
        ...{ confirmed: chunkConfirmed, appliedDates, guide },
      });
      tracker.total += Math.max(0, lines.length - expectedLines);
      // 4. Persist the lines.
      const now = env.clock().toISOString();
      // Resumed run: what the interrupted attempt already applied keeps its line.
      const kept = resumePoint?.kept;
      const fresh = kept ? lines.filter((l) => !kept.has(lineKey(l.workspaceId, l.serviceKey))) : lines;
      tracker.done += lines.length - fresh.length;
      const works = await persistLines(db, { runId, mode, reviewed, firstSeq: seq, now }, fresh);
      seq += works.length;
      counters.lines_total += fresh.length;
      // 5. Apply: adjustments go to the writers; the rest is counted as planned.
      for (const { id, line, status } of works) {
        if (status === 'stale') {
          tracker.countStale();
          continue;
        }
        tracker.countPlanned(line, mode);
        if (mode === 'apply' && line.kind === 'adjust')
          void writers.add(async () => {
            // Not started before the stop: stays `planned`; the resumed run plans it again.
            if (isStopping()) return;
            const outcome = await applyAdjustment(writeContext, id, line);
            tracker.countWritten(line, outcome.status);
          });
      }
      // 6. Confirm what needed no write (a slice at a time too).
      if (mode === 'apply')
        for (let start = 0; start < lines.length; start += linesPerSlice) {
          await yieldToLoop();
          const slice = lines.slice(start, start + linesPerSlice);
          await db
            .transaction()
            .execute((trx) => confirmUnwritten(trx, connectorId, runId, slice, today, now));
        }
      tracker.emit();
    };

    const stopSafely = async (): Promise<never> => {
      writers.clear();
      await writers.onIdle();
      throw new RunInterrupted();
    };
    for (const chunk of chunkByCompany(source.workspaces, tuning.companiesPerChunk)) {
      if (isStopping()) await stopSafely();
      const chunkIds = chunk.map((w) => w.id);
      await processChunk(
        chunk,
        await confirmedUnitsFor(db, connectorId, chunkIds),
        chunk.length * source.services.length,
      );
      // Keep reads at most one chunk ahead of the writers: bounded memory for very large channels.
      if (writers.size > tuning.companiesPerChunk * source.services.length)
        await writers.onSizeLessThan(tuning.companiesPerChunk);
    }
    if (orphans.length > 0) await processChunk([], orphans, orphans.length);
    tracker.setPhase(mode === 'apply' ? 'applying' : 'finished');
    await writers.onIdle();
    if (isStopping()) await stopSafely();
  };

  // 7. Finish.
  let status: SyncRunStatusName;
  let errorCode: string | null = null;
  let errorMessage: string | null = null;
  try {
    if (mode === 'apply') await withLease(db, env, connectorId, runId, tuning, body);
    else await body(() => false);
    status = counters.failed > 0 ? 'partial' : 'succeeded';
  } catch (error) {
    if (isStopping() && mode === 'apply') {
      // Whatever stopped it (RunInterrupted, or a PSA call cut by the closing connection), every
      // write went through the ledger: the run is safe to resume.
      status = 'queued';
      errorCode = INTERRUPTED_BY_SHUTDOWN;
      errorMessage = interruptedMessage(env.clock().toISOString());
      env.logger?.info({ runId, connectorId }, 'sync run stopped at a safe point for a shutdown');
    } else {
      status = 'failed';
      errorCode = errorCodeOf(error);
      errorMessage = errorMessageOf(error);
      env.logger?.error({ runId, connectorId, err: error }, 'sync run failed');
    }
  } finally {
    clearTimeout(stopTimer);
    stopSignal?.removeEventListener('abort', onStop);
    await connection?.close().catch(() => undefined);
  }
  const finishedAt = env.clock().toISOString();
  await tracker.finish(status, errorCode, errorMessage, finishedAt);
  // The first reviewed apply starts the daily schedule: the first sync is never unattended.
  if (previewRunId && (status === 'succeeded' || status === 'partial'))
    await armSchedule(db, connectorId, finishedAt);
  if (status !== 'queued') {
    syncRunsTotal.inc({ trigger: options.trigger, outcome: status });
    syncDurationSeconds.observe((Date.parse(finishedAt) - Date.parse(startedAt)) / 1000);
  }
  const summary: SyncRunSummary = {
    ...{ runId, connectorId, mode, trigger: options.trigger, status, effectiveDate, counters },
    psaName,
    ...{ errorCode, errorMessage, startedAt, finishedAt },
  };
  if (mode === 'apply' && status !== 'queued') await env.onFinished?.(summary).catch(() => undefined);
  return summary;
}

/**
 * The run's row: created now, or the one queued when the job was enqueued. A scheduled job carries
 * no run id: after a shutdown it resumes the connector's interrupted run (the same run, ADR 0010).
 */
async function startRun(db: Kysely<DB>, options: RunSyncOptions, startedAt: string) {
  const { connectorId, mode } = options;
  const givenId = options.runId ?? (mode === 'apply' ? await findInterruptedRun(db, connectorId) : undefined);
  const runId = givenId ?? newId();
  const existing = givenId ? await getSyncRun(db, givenId) : undefined;
  const isResume = existing?.error_code === INTERRUPTED_BY_SHUTDOWN;
  const previewRunId = options.previewRunId ?? existing?.preview_run_id ?? null;
  if (existing)
    await updateSyncRun(db, runId, {
      status: 'running',
      preview_run_id: previewRunId,
      started_at: isResume ? (existing.started_at ?? startedAt) : startedAt,
      ...(isResume ? { resumed_at: startedAt, error_code: null, error_message: null } : {}),
      updated_at: startedAt,
    });
  else
    await createSyncRun(db, {
      id: runId,
      connectorId,
      mode,
      trigger: options.trigger,
      status: 'running',
      requestedBy: options.requestedBy ?? null,
      now: startedAt,
      previewRunId,
    });
  return { runId, existing, isResume, previewRunId };
}

type ReviewedWrites = Awaited<ReturnType<typeof reviewedWrites>>;

/**
 * A chunk's planned lines, stored before anything is written (the ledger's "persist"). A slice at a
 * time, each in one transaction, with a turn of the event loop between slices: a chunk has
 * thousands of lines, and with SQLite every statement runs on this thread.
 */
async function persistLines(
  db: Kysely<DB>,
  run: {
    runId: string;
    mode: RunSyncOptions['mode'];
    reviewed: ReviewedWrites | null;
    firstSeq: number;
    now: string;
  },
  lines: readonly PlannedLine[],
): Promise<{ id: string; line: PlannedLine; status: SyncLineStatus; detail: string | null }[]> {
  const { reviewed } = run;
  const works: { id: string; line: PlannedLine; status: SyncLineStatus; detail: string | null }[] = [];
  for (let start = 0; start < lines.length; start += linesPerSlice) {
    await yieldToLoop();
    const slice = lines.slice(start, start + linesPerSlice).map((line) => {
      const isStale = reviewed !== null && line.kind === 'adjust' && !reviewed.matches(line);
      return {
        id: newId(),
        line,
        status: isStale ? ('stale' as const) : initialLineStatus(line, run.mode),
        detail: isStale ? staleDetail(reviewed.before(line)) : null,
      };
    });
    const seq = run.firstSeq + works.length;
    await db.transaction().execute((trx) => insertSyncLines(trx, run.runId, seq, slice, run.now));
    works.push(...slice);
  }
  return works;
}

/** The adjust lines of a reviewed preview, to write exactly those (issue 10). */
async function reviewedWrites(db: Kysely<DB>, previewRunId: string) {
  const keys = await planKeysOfRun(db, previewRunId);
  const byLine = new Map(keys.map((k) => [lineKey(k.workspace_id, k.service_key), k]));
  const before = (line: PlannedLine) => byLine.get(lineKey(line.workspaceId, line.serviceKey));
  return {
    before,
    matches: (line: PlannedLine): boolean => {
      const k = before(line);
      return (
        k !== undefined &&
        k.kind === 'adjust' &&
        k.contract_id === line.contractId &&
        k.psa_service_id === line.psaServiceId &&
        k.current_units === line.currentUnits &&
        k.target_units === line.targetUnits
      );
    },
  };
}

function staleDetail(before: PlanKeyRow | undefined): string {
  const was =
    before && before.kind === 'adjust'
      ? `the preview said ${before.current_units ?? '?'} → ${before.target_units ?? '?'}`
      : 'the preview had no change on this line';
  return `Not written: this line changed since the preview you applied (${was}). Preview again to review it.`;
}

/** Runs of this connector left `running` by a process that ended: their writes are reconciled next. */
export async function failStaleRuns(env: SyncEnvironment, connectorId: string, runId: string): Promise<void> {
  for (const stale of await staleRunningRuns(env.db, connectorId, runId)) {
    await updateSyncRun(env.db, stale.id, {
      status: 'failed',
      error_code: 'interrupted',
      error_message: 'The run stopped before finishing (process ended); the next run reconciled its writes.',
      finished_at: env.clock().toISOString(),
      updated_at: env.clock().toISOString(),
    });
  }
}

async function connectorChannel(db: Kysely<DB>, connectorId: string): Promise<string> {
  const row = await db
    .selectFrom('psa_connectors')
    .select('channel_id')
    .where('id', '=', connectorId)
    .executeTakeFirst();
  if (!row) throw new RunAborted('not_found', 'No such connector.');
  return row.channel_id;
}
