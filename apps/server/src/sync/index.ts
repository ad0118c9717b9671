/**
 * Public entry points of the billing sync, for jobs (scheduled and manual runs), HTTP routes and
 * the CLI.
 *
 * @example
 *   const summary = await runSync(ctx, { connectorId, mode: 'apply', trigger: 'schedule' });
 *   await approveHeldLines(ctx, summary.runId, [lineId], actor);
 */
import { recordAudit, type AuditActor } from '../audit/audit.repository.js';
import { markConnectorError, openConnection } from '../connectors/connector.service.js';
import type { AppContext } from '../app/app-context.js';
import { AppError } from '../app/app-error.js';
import { approveLines, type ApprovalResult } from './sync-approval.js';
import { RunAborted } from './sync-environment.js';
import { executeUndo, loadUndoSource, previewUndo, type UndoRequest } from './undo.executor.js';
import type { UndoPreview } from '@coro/contracts';
import type { SyncProgressEvent } from './sync-progress.js';
import { newId } from '../db/ids.js';
import {
  executeSync,
  type RunSyncOptions,
  type SyncEnvironment,
  type SyncRunSummary,
  type SyncTuning,
} from './sync.executor.js';
import { createQueuedSyncRun } from './sync-run.repository.js';

export { syncProgressHub, renderProgressLine, type SyncProgressEvent } from './sync-progress.js';
export { getSyncSettings, listSyncSchedules, putSyncSettings } from './sync-settings.repository.js';
export type { RunSyncOptions, SyncRunSummary, SyncTuning } from './sync-environment.js';
export type { ApprovalResult } from './sync-approval.js';

export function syncEnvironment(ctx: AppContext): SyncEnvironment {
  return {
    db: ctx.database.db,
    clock: ctx.clock,
    logger: ctx.logger,
    openConnection: async (connectorId, onCall, onPace) =>
      (await openConnection(ctx, connectorId, { onCall, ...(onPace ? { onPace } : {}) })).connection,
    onCredentialFailure: (connectorId, error) => markConnectorError(ctx, connectorId, error),
    onFinished: async (summary) => {
      await ctx.database.db
        .updateTable('psa_connectors')
        .set({ last_sync_at: summary.finishedAt })
        .where('id', '=', summary.connectorId)
        .execute();
    },
  };
}

/**
 * Runs one sync of a connector: `dry-run` plans and records the lines without writing to the PSA;
 * `apply` also writes the adjustments through the ledger. Never throws for PSA failures (they are
 * line results or a `failed` run); throws AppError only when the run cannot be recorded at all.
 */
export async function runSync(ctx: AppContext, options: RunSyncOptions): Promise<SyncRunSummary> {
  return executeSync(syncEnvironment(ctx), options);
}

/** Applies held lines of a run after re-reading the PSA; audited on the connector's channel. */
export async function approveHeldLines(
  ctx: AppContext,
  runId: string,
  lineIds: readonly string[],
  actor: AuditActor,
  tuning: Partial<SyncTuning> = {},
): Promise<{ runId: string; results: ApprovalResult[] }> {
  let outcome: Awaited<ReturnType<typeof approveLines>>;
  try {
    outcome = await approveLines(
      syncEnvironment(ctx),
      runId,
      lineIds,
      { id: actor.id, label: actor.label },
      tuning,
    );
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'not_found') throw new AppError('not_found', 'No such sync run.');
    if (code === 'conflict') throw new AppError('conflict', (error as Error).message);
    throw error;
  }
  const connector = await ctx.database.db
    .selectFrom('psa_connectors')
    .select('channel_id')
    .where('id', '=', outcome.connectorId)
    .executeTakeFirst();
  if (connector) {
    await recordAudit(ctx.database.db, {
      actor,
      workspaceId: connector.channel_id,
      action: 'sync.lines_approved',
      entity: 'sync_run',
      entityId: runId,
      after: { results: outcome.results.map((r) => ({ lineId: r.lineId, status: r.status })) },
      at: ctx.clock().toISOString(),
    });
  }
  return { runId, results: outcome.results };
}

/** The executor's refusals (no such run, already undone, …) as API errors. */
function asAppError(error: unknown): unknown {
  if (!(error instanceof RunAborted)) return error;
  if (error.code === 'not_found' || error.code === 'conflict' || error.code === 'validation_failed')
    return new AppError(error.code, error.message);
  return error;
}

/** What undoing the run (or some of its lines) would write now; writes nothing. */
export async function previewRunUndo(ctx: AppContext, request: UndoRequest): Promise<UndoPreview> {
  try {
    return await previewUndo(syncEnvironment(ctx), request);
  } catch (error) {
    throw asAppError(error);
  }
}

/**
 * Starts an undo run of an applied run: refused at once (AppError) when there is nothing to undo,
 * audited on the connector's channel, then run in this process; `done` settles when it finishes
 * (it never rejects for PSA failures: they are line results or a failed run).
 */
export async function startRunUndo(
  ctx: AppContext,
  request: UndoRequest & {
    actor: AuditActor;
    trigger: 'manual' | 'cli';
    tuning?: Partial<SyncTuning>;
    onProgress?: (event: SyncProgressEvent) => void;
  },
): Promise<{ runId: string; done: Promise<SyncRunSummary> }> {
  const env = syncEnvironment(ctx);
  let source: Awaited<ReturnType<typeof loadUndoSource>>;
  try {
    source = await loadUndoSource(env, request);
  } catch (error) {
    throw asAppError(error);
  }
  const runId = newId();
  const now = ctx.clock().toISOString();
  const connectorId = source.run.connector_id;
  await createQueuedSyncRun(ctx.database.db, {
    ...{ id: runId, connectorId, mode: 'undo', trigger: request.trigger },
    ...{ requestedBy: request.actor.label, now, undoOfRunId: source.run.id },
  });
  const connector = await ctx.database.db
    .selectFrom('psa_connectors')
    .select('channel_id')
    .where('id', '=', connectorId)
    .executeTakeFirst();
  if (connector)
    await recordAudit(ctx.database.db, {
      actor: request.actor,
      workspaceId: connector.channel_id,
      action: 'sync.run_undo_started',
      entity: 'sync_run',
      entityId: source.run.id,
      after: {
        undoRunId: runId,
        lineIds: request.lineIds ?? 'all',
        includeConflicts: request.includeConflicts ?? [],
      },
      at: now,
    });
  const done = executeUndo(env, {
    ...request,
    undoRunId: runId,
    requestedBy: request.actor.label,
  });
  return { runId, done };
}
