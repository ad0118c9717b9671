/**
 * Reviewed writes (issue 10): a preview is a stored plan (a dry-run run and its lines); applying it
 * writes exactly its lines, or refuses when the present no longer matches it.
 *
 * Applying re-plans once as a fresh preview (the only way to see units edited in the PSA, new usage
 * or a changed mapping) and compares line by line (`domain/preview-diff.ts`). Any difference: 409
 * `preview_stale` with the fresh preview's id and the changes, nothing written. No difference: an
 * apply run bound to the preview starts, and its executor again writes only lines that still match
 * (a change in the seconds between the check and the write is left `stale`, never re-planned).
 */
import type { PreviewStaleDetails, SyncImpact, SyncRunDetail } from '@coro/contracts';

import type { AppContext } from '../app/app-context.js';
import { AppError } from '../app/app-error.js';
import { localDay } from '../domain/billing-policy.js';
import { summarizeImpact } from '../domain/money-impact.js';
import { diffPlans, type PlanKey } from '../domain/preview-diff.js';
import { newId } from '../db/ids.js';
import { findConnectorCurrency } from '../connectors/connector.repository.js';
import { requestSyncNow } from '../jobs/sync-now.js';
import { runSync } from './index.js';
import {
  type PlanKeyRow,
  type SyncRunRow,
  applyRunOfPreview,
  countSyncLines,
  createQueuedSyncRun,
  getSyncRun,
  impactLinesOfRun,
  listSyncLines,
  planKeysOfRun,
} from './sync-run.repository.js';
import { toSyncLine, toSyncRun } from './sync-run.view.js';
import { getSyncSettings } from './sync-settings.repository.js';

const changesShown = 50;

/** The money impact of a run's lines of one kind (a preview's adjust lines, a run's held lines). */
export async function runImpact(
  ctx: AppContext,
  run: SyncRunRow,
  kind: 'adjust' | 'held',
): Promise<SyncImpact> {
  const lines = await impactLinesOfRun(ctx.database.db, run.id, kind);
  return summarizeImpact(lines, await findConnectorCurrency(ctx.database.db, run.connector_id));
}

/** A run, a page of its lines, and the money impact of its changes and of its held lines. */
export async function runDetail(
  ctx: AppContext,
  run: SyncRunRow,
  query: { kind?: string; status?: string; limit: number; offset: number },
): Promise<SyncRunDetail> {
  const filter = {
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.status ? { status: query.status } : {}),
  };
  const lines = await listSyncLines(ctx.database.db, run.id, {
    ...filter,
    limit: query.limit,
    offset: query.offset,
  });
  const total = await countSyncLines(ctx.database.db, run.id, filter);
  return {
    run: toSyncRun(run),
    lines: { items: lines.map(toSyncLine), total, limit: query.limit, offset: query.offset },
    impact: await runImpact(ctx, run, 'adjust'),
    heldImpact: await runImpact(ctx, run, 'held'),
  };
}

/** Plans now without writing: a new preview (a dry-run run with its lines). */
export async function makePreview(
  ctx: AppContext,
  connectorId: string,
  requestedBy: string,
): Promise<SyncRunRow> {
  const summary = await runSync(ctx, { connectorId, mode: 'dry-run', trigger: 'manual', requestedBy });
  const run = await getSyncRun(ctx.database.db, summary.runId);
  if (!run) throw new AppError('internal', 'The preview was not recorded.');
  return run;
}

const toPlanKey = (r: PlanKeyRow): PlanKey => ({
  workspaceId: r.workspace_id,
  serviceKey: r.service_key,
  workspaceName: r.workspace_name,
  serviceName: r.service_name,
  kind: r.kind as PlanKey['kind'],
  contractId: r.contract_id,
  psaServiceId: r.psa_service_id,
  currentUnits: r.current_units,
  targetUnits: r.target_units,
});

/** Applies a reviewed preview exactly, or refuses (409) with what changed and a fresh preview. */
export async function applyPreview(
  ctx: AppContext,
  preview: SyncRunRow,
  requestedBy: string,
): Promise<{ runId: string; isExisting: boolean }> {
  if (preview.mode !== 'dry-run')
    throw new AppError('conflict', 'Only a preview can be applied; this run already wrote to the PSA.');
  if (preview.status !== 'succeeded')
    throw new AppError('conflict', 'This preview did not finish; make a new preview and review it.');
  const applied = await applyRunOfPreview(ctx.database.db, preview.id);
  if (applied) throw new AppError('conflict', 'This preview was already applied.', { runId: applied.id });

  const { policy } = await getSyncSettings(ctx.database.db, preview.connector_id);
  const fresh = await makePreview(ctx, preview.connector_id, requestedBy);
  if (fresh.status !== 'succeeded')
    throw new AppError('conflict', 'A fresh plan could not be made to check the preview; see its run.', {
      freshPreviewRunId: fresh.id,
    });
  const isOtherDay = preview.effective_date !== localDay(ctx.clock(), policy.timeZone);
  const changes = diffPlans(
    (await planKeysOfRun(ctx.database.db, preview.id)).map(toPlanKey),
    (await planKeysOfRun(ctx.database.db, fresh.id)).map(toPlanKey),
  );
  if (isOtherDay || changes.length > 0) {
    const details: PreviewStaleDetails = {
      freshPreviewRunId: fresh.id,
      changes: changes.slice(0, changesShown),
      changeCount: changes.length,
    };
    const why = isOtherDay
      ? `it was made for ${preview.effective_date ?? 'another day'}, and adjustments take effect today`
      : `${changes.length} line${changes.length === 1 ? '' : 's'} changed since (usage, mappings or units in the PSA)`;
    throw new AppError(
      'preview_stale',
      `Nothing was written: this preview is out of date — ${why}. Review the fresh preview and apply that one.`,
      details,
    );
  }
  return startApply(ctx, preview, requestedBy);
}

async function startApply(
  ctx: AppContext,
  preview: SyncRunRow,
  requestedBy: string,
): Promise<{ runId: string; isExisting: boolean }> {
  const connectorId = preview.connector_id;
  const now = ctx.clock().toISOString();
  const queue = ctx.jobs;
  if (queue) {
    const started = await requestSyncNow(ctx.database.db, queue, connectorId, preview.id);
    if (started.isExisting || !started.runId)
      throw new AppError(
        'conflict',
        'A sync of this connector is already running; apply the preview after it.',
        {
          runId: started.runId,
        },
      );
    await createQueuedSyncRun(ctx.database.db, {
      ...{ id: started.runId, connectorId, mode: 'apply', trigger: 'manual', requestedBy, now },
      previewRunId: preview.id,
    });
    return { runId: started.runId, isExisting: false };
  }
  // No queue (tests, single-shot tools): run in this process; the run row is the handle.
  const runId = newId();
  await createQueuedSyncRun(ctx.database.db, {
    ...{ id: runId, connectorId, mode: 'apply', trigger: 'manual', requestedBy, now },
    previewRunId: preview.id,
  });
  void runSync(ctx, {
    connectorId,
    mode: 'apply',
    trigger: 'manual',
    runId,
    requestedBy,
    previewRunId: preview.id,
  }).catch((error: unknown) => ctx.logger.error({ err: error, runId }, 'background sync failed'));
  return { runId, isExisting: false };
}
