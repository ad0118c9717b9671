/**
 * Undo of an applied run, top to bottom: load the run's writes (the ledger) → take the connector's
 * lease → settle pending writes (a crashed undo's reversals included) → re-read the units through
 * the PSA port → plan (domain/undo-plan.ts) → persist the undo run's lines → write each reversal
 * through the ledger (adjustment.writer.ts, under its own key) → finish and mark the original run.
 * The PSA cannot delete an adjustment: a reversal is an opposing one, dated like any second change
 * of the day (ADR 0005: the next free day when one already exists on today).
 */
import type { SyncRunStatusName, UndoLine, UndoPreview } from '@coro/contracts';

import { newId } from '../db/ids.js';
import { addDays, localDay } from '../domain/billing-policy.js';
import { unitsKey, type PlannedLine } from '../domain/sync-plan.js';
import { planUndo, type UndoCandidate, type UndoItem, type UndoSelection } from '../domain/undo-plan.js';
import type { PsaConnection } from '../psa/psa-provider.port.js';
import { applyAdjustment, reconcilePending, type WriteContext } from './adjustment.writer.js';
import {
  undoLedgerKey,
  type LedgerRow,
  appliedDatesFrom,
  getLedgerRows,
  ledgerRowsAppliedByRun,
} from './ledger.repository.js';
import { readUnitsMap } from './psa-view.reader.js';
import { openTrackedConnection, RunTracker } from './run-tracker.js';
import {
  defaultSyncTuning,
  errorCodeOf,
  errorMessageOf,
  RunAborted,
  type SyncEnvironment,
  type SyncRunSummary,
  type SyncTuning,
} from './sync-environment.js';
import { withLease } from './sync-lease.js';
import type { SyncProgressEvent } from './sync-progress.js';
import { failStaleRuns } from './sync.executor.js';
import {
  type SyncLineRow,
  type SyncRunRow,
  createQueuedSyncRun,
  getSyncRun,
  insertSyncLines,
  syncLinesByIds,
  updateSyncRun,
} from './sync-run.repository.js';
import { getSyncSettings } from './sync-settings.repository.js';

export interface UndoRequest {
  readonly originalRunId: string;
  /** Only these lines of the run (all its applied lines when absent). */
  readonly lineIds?: readonly string[];
  /** Conflicting lines the admin chose to reverse anyway. */
  readonly includeConflicts?: readonly string[];
}

export interface UndoOptions extends UndoRequest {
  /** The undo run's row, announced (`queued`) by the caller; created here when absent. */
  readonly undoRunId?: string;
  readonly trigger: 'manual' | 'cli';
  readonly requestedBy?: string | null;
  readonly onProgress?: (event: SyncProgressEvent) => void;
  readonly tuning?: Partial<SyncTuning>;
}

/** One write of the original run: its ledger row and its line. */
interface RunWrite {
  readonly write: LedgerRow;
  readonly line: SyncLineRow;
  readonly undoKey: string;
}

interface UndoSource {
  readonly run: SyncRunRow;
  readonly writes: readonly RunWrite[];
  /** Ledger state of each write's reversal, by undo key. */
  readonly reversals: ReadonlyMap<string, string>;
}

const refuse = (message: string): RunAborted => new RunAborted('conflict', message);

/** The run's applied writes and their reversals so far; refuses runs that cannot be undone. */
export async function loadUndoSource(env: SyncEnvironment, request: UndoRequest): Promise<UndoSource> {
  const run = await getSyncRun(env.db, request.originalRunId);
  if (!run) throw new RunAborted('not_found', 'No such sync run.');
  if (run.mode === 'dry-run') throw refuse('A preview wrote nothing: there is nothing to undo.');
  if (run.mode === 'undo')
    throw refuse('An undo run cannot be undone itself; run the sync to plan again from the counts.');
  if (run.status === 'queued' || run.status === 'running')
    throw refuse('This run has not finished yet; undo it once it has.');
  const rows = await ledgerRowsAppliedByRun(env.db, run.id);
  const lines = new Map<string, SyncLineRow>();
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500).map((r) => r.line_id);
    for (const line of await syncLinesByIds(env.db, run.id, batch)) lines.set(line.id, line);
  }
  const writes: RunWrite[] = [];
  for (const write of rows) {
    const line = lines.get(write.line_id);
    const undoKey = undoLedgerKey(write.connector_id, write.contract_id, write.psa_service_id, write.line_id);
    if (line) writes.push({ write, line, undoKey });
  }
  writes.sort((a, b) => a.line.seq - b.line.seq);
  const reversals = new Map(
    (
      await getLedgerRows(
        env.db,
        writes.map((w) => w.undoKey),
      )
    ).map((r) => [r.key, r.state]),
  );
  const unknown = (request.lineIds ?? []).filter((id) => !lines.has(id));
  if (unknown.length > 0)
    throw new RunAborted(
      'validation_failed',
      `Not an applied line of this run: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}.`,
    );
  if (writes.length === 0) throw refuse('This run wrote no adjustment: there is nothing to undo.');
  const selected = request.lineIds ? new Set(request.lineIds) : undefined;
  const isLeft = writes.some(
    (w) => (!selected || selected.has(w.line.id)) && reversals.get(w.undoKey) !== 'applied',
  );
  if (!isLeft)
    throw refuse(
      selected ? 'These lines are already undone.' : 'This run is already undone: every write was reversed.',
    );
  return { run, writes, reversals };
}

/** What the PSA holds for each write now, and when its reversal would take effect. */
interface LineState {
  readonly units: number | null;
  readonly contractServiceId: string | null;
  readonly reversalDate: string;
  readonly isDeferred: boolean;
}

async function readLineStates(
  env: SyncEnvironment,
  connection: PsaConnection,
  source: UndoSource,
): Promise<Map<string, LineState>> {
  const { policy } = await getSyncSettings(env.db, source.run.connector_id);
  const today = localDay(env.clock(), policy.timeZone);
  const appliedDates = await appliedDatesFrom(env.db, source.run.connector_id, today);
  // The PSA takes one adjustment per service and day: a reversal goes to the day after one already
  // there (ours; a hand edit's refusal moves it in the writer). It is compared with the units in
  // force on its own date, so a change someone already dated there is a conflict, not overwritten.
  const byDate = new Map<string, RunWrite[]>();
  const deferred = new Set<string>();
  for (const w of source.writes) {
    const applied = appliedDates.get(unitsKey(w.write.contract_id, w.write.psa_service_id));
    const isDeferred = applied !== undefined && applied >= today;
    if (isDeferred) deferred.add(w.line.id);
    const date = isDeferred ? addDays(applied, 1) : today;
    byDate.set(date, [...(byDate.get(date) ?? []), w]);
  }
  const states = new Map<string, LineState>();
  for (const [date, group] of byDate) {
    const read = await readUnitsMap(connection, [...new Set(group.map((w) => w.write.contract_id))], date);
    for (const w of group) {
      const window = read.ok
        ? read.map.get(unitsKey(w.write.contract_id, w.write.psa_service_id))
        : undefined;
      states.set(w.line.id, {
        units: window?.units ?? null,
        contractServiceId: window?.contractServiceId ?? w.write.contract_service_id,
        reversalDate: date,
        isDeferred: deferred.has(w.line.id),
      });
    }
  }
  return states;
}

function planFrom(source: UndoSource, states: ReadonlyMap<string, LineState>, request: UndoRequest) {
  const selection: UndoSelection = {
    ...(request.lineIds ? { lineIds: new Set(request.lineIds) } : {}),
    includeConflicts: new Set(request.includeConflicts ?? []),
  };
  const candidates = source.writes.map((w): UndoCandidate => {
    const reversal = source.reversals.get(w.undoKey);
    return {
      lineId: w.line.id,
      isApplied: true,
      fromUnits: w.write.from_units,
      toUnits: w.write.to_units,
      currentUnits: states.get(w.line.id)?.units ?? null,
      reversal: reversal === 'applied' || reversal === 'pending' ? reversal : ('none' as const),
    };
  });
  return planUndo(candidates, selection);
}

function messageOf(item: UndoItem, write: LedgerRow, psaName: string): string {
  const set = `the run set ${item.appliedUnits} on ${write.effective_date}`;
  switch (item.decision) {
    case 'reversal':
      return `Back to ${item.undoUnits} (${set}).`;
    case 'conflict':
      return `Changed since the run: ${set}, ${psaName} now holds ${item.currentUnits ?? '?'}; undo sets ${item.undoUnits} ${item.isIncluded ? '(included by the admin).' : 'only if you include this line.'}`;
    case 'already_reversed':
      return 'Already reversed by an earlier undo.';
    case 'reversal_pending':
      return "An earlier undo's reversal awaits confirmation; undoing settles it first.";
    case 'already_at_prior':
      return `${psaName} already holds ${item.undoUnits}, the units from before the run.`;
    case 'unreadable':
      return `${psaName} could not be read for this line; try again later.`;
  }
}

/** What undo would write now: the PSA re-read, nothing written (no lease needed). */
export async function previewUndo(env: SyncEnvironment, request: UndoRequest): Promise<UndoPreview> {
  const source = await loadUndoSource(env, request);
  const connection = await env.openConnection(source.run.connector_id, () => undefined);
  try {
    const plan = planFrom(source, await readLineStates(env, connection, source), request);
    const writes = new Map(source.writes.map((w) => [w.line.id, w]));
    const psaName = connection.guide.psaName;
    const lines = plan.items.flatMap((item): UndoLine[] => {
      const w = writes.get(item.lineId);
      if (!w) return [];
      return [
        {
          ...item,
          workspaceName: w.line.workspace_name,
          serviceName: w.line.service_name,
          contractName: w.line.contract_name,
          appliedDate: w.write.effective_date,
          message: messageOf(item, w.write, psaName),
        },
      ];
    });
    return { runId: source.run.id, psaName, lines, counts: plan.counts };
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** The undo run's line for one decision: a reversal to write, or what stops it. */
function plannedOf(item: UndoItem, w: RunWrite, state: LineState | undefined, message: string): PlannedLine {
  const l = w.line;
  const kind = item.isIncluded
    ? 'adjust'
    : item.decision === 'conflict'
      ? 'skipped'
      : item.decision === 'unreadable' || item.decision === 'reversal_pending'
        ? 'problem'
        : 'unchanged';
  return {
    workspaceId: l.workspace_id,
    workspaceName: l.workspace_name,
    serviceKey: l.service_key,
    serviceName: l.service_name,
    psaServiceId: w.write.psa_service_id,
    companyId: l.company_id,
    contractId: w.write.contract_id,
    contractName: l.contract_name,
    contractServiceId: state?.contractServiceId ?? w.write.contract_service_id,
    kind,
    problem: kind === 'problem' ? 'psa_error' : null,
    holdReason: null,
    skipReason: kind === 'skipped' ? 'undo_conflict' : null,
    currentUnits: item.currentUnits,
    targetUnits: item.undoUnits,
    delta: item.isIncluded ? item.delta : null,
    lastConfirmedUnits: item.appliedUnits,
    effectiveDate: state?.reversalDate ?? null,
    isDeferred: state?.isDeferred ?? false,
    isUnmapped: l.is_unmapped === 1,
    unitPrice: l.unit_price,
    message,
    advice: null,
  };
}

/** Runs one undo: every reversal through the ledger, exactly once per original line. */
export async function executeUndo(env: SyncEnvironment, options: UndoOptions): Promise<SyncRunSummary> {
  const tuning: SyncTuning = { ...defaultSyncTuning, ...options.tuning };
  const original = await getSyncRun(env.db, options.originalRunId);
  if (!original) throw new RunAborted('not_found', 'No such sync run.');
  const connectorId = original.connector_id;
  const { policy } = await getSyncSettings(env.db, connectorId);
  const startedAt = env.clock().toISOString();
  const runId = options.undoRunId ?? newId();
  await createQueuedSyncRun(env.db, {
    id: runId,
    connectorId,
    mode: 'undo',
    trigger: options.trigger,
    requestedBy: options.requestedBy ?? null,
    now: startedAt,
    undoOfRunId: original.id,
  });
  const today = localDay(env.clock(), policy.timeZone);
  await updateSyncRun(env.db, runId, {
    status: 'running',
    started_at: startedAt,
    effective_date: today,
    time_zone: policy.timeZone,
    updated_at: startedAt,
  });
  const tracker = new RunTracker(env, env.db, runId, connectorId, options.onProgress);
  let connection: PsaConnection | undefined;
  let psaName = 'PSA';

  const body = async (isLost: () => boolean): Promise<void> => {
    const conn = await openTrackedConnection(env, connectorId, tracker);
    connection = conn;
    psaName = conn.guide.psaName;
    const ctx: WriteContext = {
      ...{ env, connection: conn, connectorId, runId, tuning, isLost },
      countWrite: () => tracker.counters.psa_writes++,
    };
    // A crashed undo (or sync) left its writes pending: settle them before deciding anything.
    await failStaleRuns(env, connectorId, runId);
    tracker.setPhase('reconciling');
    await reconcilePending(ctx);
    const source = await loadUndoSource(env, options);
    tracker.setPhase('reading');
    const states = await readLineStates(env, conn, source);
    const plan = planFrom(source, states, options);
    const writes = new Map(source.writes.map((w) => [w.line.id, w]));
    const works = plan.items.flatMap((item) => {
      const w = writes.get(item.lineId);
      if (!w) return [];
      const line = plannedOf(item, w, states.get(item.lineId), messageOf(item, w.write, psaName));
      const status = item.isIncluded ? ('planned' as const) : ('none' as const);
      return [{ id: newId(), line, status, reversesLineId: item.lineId, undoKey: w.undoKey }];
    });
    await insertSyncLines(env.db, runId, 0, works, env.clock().toISOString());
    tracker.total = works.length;
    tracker.counters.lines_total = works.length;
    tracker.setPhase('applying');
    for (const work of works) {
      if (work.status !== 'planned') {
        tracker.countPlanned(work.line, 'undo');
        continue;
      }
      const outcome = await applyAdjustment(ctx, work.id, work.line, { ledgerKey: work.undoKey });
      tracker.countWritten(work.line, outcome.status);
    }
  };

  let status: SyncRunStatusName;
  let errorCode: string | null = null;
  let errorMessage: string | null = null;
  try {
    await withLease(env.db, env, connectorId, runId, tuning, body);
    status = tracker.counters.failed > 0 ? 'partial' : 'succeeded';
  } catch (error) {
    status = 'failed';
    errorCode = errorCodeOf(error);
    errorMessage = errorMessageOf(error);
    if (!(error instanceof RunAborted))
      env.logger?.error({ runId, connectorId, err: error }, 'undo run failed');
  } finally {
    await connection?.close().catch(() => undefined);
  }
  const finishedAt = env.clock().toISOString();
  await tracker.finish(status, errorCode, errorMessage, finishedAt);
  await refreshUndoState(env, original.id);
  return {
    ...{ runId, connectorId, mode: 'undo', trigger: options.trigger, status, effectiveDate: today },
    ...{ counters: tracker.counters, psaName, errorCode, errorMessage, startedAt, finishedAt },
  };
}

/** Marks the original run undone (every write reversed) or partially undone (some). */
async function refreshUndoState(env: SyncEnvironment, originalRunId: string): Promise<void> {
  const writes = await ledgerRowsAppliedByRun(env.db, originalRunId);
  const keys = writes.map((w) => undoLedgerKey(w.connector_id, w.contract_id, w.psa_service_id, w.line_id));
  const reversed = (await getLedgerRows(env.db, keys)).filter((r) => r.state === 'applied').length;
  const state = reversed === 0 ? null : reversed === writes.length ? 'undone' : 'partially_undone';
  await updateSyncRun(env.db, originalRunId, {
    undo_state: state,
    updated_at: env.clock().toISOString(),
  });
}
