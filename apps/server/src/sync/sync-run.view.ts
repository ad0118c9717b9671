import type { SyncLine, SyncProgress, SyncRun } from '@coro/contracts';

import type { SyncLineRow, SyncRunRow } from './sync-run.repository.js';
import { parseSyncWait } from './sync-wait.js';
import type { SyncProgressEvent } from './sync-progress.js';

/** Sync run and line rows as the HTTP API shows them (one place, used by routes, SSE and tests). */
export function toSyncRun(row: SyncRunRow): SyncRun {
  // Only a running run waits; a row left with a wait by a crashed process must not show one.
  const wait = row.status === 'running' ? parseSyncWait(row.wait_json) : undefined;
  return {
    id: row.id,
    connectorId: row.connector_id,
    mode: row.mode === 'dry-run' || row.mode === 'undo' ? row.mode : 'apply',
    trigger: row.trigger,
    status: row.status as SyncRun['status'],
    effectiveDate: row.effective_date,
    timeZone: row.time_zone,
    phase: row.phase,
    progress: { done: row.progress_done, total: row.progress_total },
    counters: {
      lines: row.lines_total,
      unchanged: row.unchanged,
      adjusted: row.adjusted,
      held: row.held,
      skipped: row.skipped,
      problems: row.problems,
      failed: row.failed,
      unitsAdded: row.units_added,
      unitsRemoved: row.units_removed,
      psaReads: row.psa_reads,
      psaWrites: row.psa_writes,
    },
    error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
    requestedBy: row.requested_by,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    ...(wait ? { wait } : {}),
    ...(row.resumed_at ? { resumedAt: row.resumed_at } : {}),
    ...(row.preview_run_id ? { previewRunId: row.preview_run_id } : {}),
    ...(row.undo_of_run_id ? { undoOfRunId: row.undo_of_run_id } : {}),
    ...(row.undo_state === 'undone' || row.undo_state === 'partially_undone'
      ? { undoState: row.undo_state }
      : {}),
  };
}

export function toSyncLine(row: SyncLineRow): SyncLine {
  return {
    id: row.id,
    seq: row.seq,
    workspaceId: row.workspace_id,
    workspaceName: row.workspace_name,
    serviceKey: row.service_key,
    serviceName: row.service_name,
    companyId: row.company_id,
    contractId: row.contract_id,
    contractName: row.contract_name,
    kind: row.kind as SyncLine['kind'],
    problem: row.problem as SyncLine['problem'],
    holdReason: row.hold_reason,
    skipReason: row.skip_reason,
    currentUnits: row.current_units,
    targetUnits: row.target_units,
    delta: row.delta,
    lastConfirmedUnits: row.last_confirmed_units,
    effectiveDate: row.effective_date,
    isDeferred: row.is_deferred === 1,
    status: row.status as SyncLine['status'],
    message: row.message,
    advice: row.advice,
    detail: row.detail,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    unitPrice: row.unit_price,
  };
}

/** A run executed by another process: its row carries progress and the budget wait. */
export function toSyncProgress(row: SyncRunRow): SyncProgress {
  const run = toSyncRun(row);
  return {
    runId: row.id,
    connectorId: row.connector_id,
    phase: (row.phase ?? 'starting') as SyncProgressEvent['phase'],
    done: row.progress_done,
    total: row.progress_total,
    counters: run.counters,
    status: row.status,
    ...(run.wait ? { wait: run.wait } : {}),
  };
}
