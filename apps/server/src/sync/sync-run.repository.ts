import type { SyncLineStatus, SyncRunMode, SyncRunStatusName } from '@coro/contracts';
import type { Kysely, Selectable } from 'kysely';

import type { DB } from '../db/schema.js';
import type { SyncRunLinesTable, SyncRunsTable } from '../db/tables/sync.tables.js';
import type { ImpactLine } from '../domain/money-impact.js';
import type { PlannedLine } from '../domain/sync-plan.js';

export type SyncRunRow = Selectable<SyncRunsTable>;
export type SyncLineRow = Selectable<SyncRunLinesTable>;

export const runCounterColumns = [
  'lines_total',
  'unchanged',
  'adjusted',
  'held',
  'skipped',
  'problems',
  'failed',
  'units_added',
  'units_removed',
  'psa_reads',
  'psa_writes',
] as const;
export type RunCounters = Record<(typeof runCounterColumns)[number], number>;

export const emptyCounters = (): RunCounters => ({
  lines_total: 0,
  unchanged: 0,
  adjusted: 0,
  held: 0,
  skipped: 0,
  problems: 0,
  failed: 0,
  units_added: 0,
  units_removed: 0,
  psa_reads: 0,
  psa_writes: 0,
});

const runColumns = [
  'id',
  'connector_id',
  'mode',
  'trigger',
  'status',
  'effective_date',
  'time_zone',
  'requested_by',
  'phase',
  'progress_done',
  'progress_total',
  ...runCounterColumns,
  'error_code',
  'error_message',
  'created_at',
  'started_at',
  'finished_at',
  'updated_at',
  'wait_json',
  'resumed_at',
  'preview_run_id',
  'undo_of_run_id',
  'undo_state',
] as const;

const lineColumns = [
  'id',
  'run_id',
  'seq',
  'workspace_id',
  'workspace_name',
  'service_key',
  'service_name',
  'psa_service_id',
  'company_id',
  'contract_id',
  'contract_name',
  'contract_service_id',
  'kind',
  'problem',
  'hold_reason',
  'skip_reason',
  'current_units',
  'target_units',
  'delta',
  'last_confirmed_units',
  'effective_date',
  'is_deferred',
  'is_unmapped',
  'status',
  'message',
  'advice',
  'detail',
  'ledger_key',
  'approved_by',
  'approved_at',
  'updated_at',
  'unit_price',
  'reverses_line_id',
] as const;

/** What a preview's line must still be for the preview to be applied as reviewed. */
export interface PlanKeyRow {
  readonly workspace_id: string;
  readonly service_key: string;
  readonly workspace_name: string;
  readonly service_name: string;
  readonly kind: string;
  readonly contract_id: string | null;
  readonly psa_service_id: string | null;
  readonly current_units: number | null;
  readonly target_units: number | null;
}

export function initialLineStatus(line: PlannedLine, mode: SyncRunMode): SyncLineStatus {
  switch (line.kind) {
    case 'adjust':
      return mode === 'apply' ? 'planned' : 'not_applied';
    case 'held':
      return 'held';
    case 'unchanged':
    case 'skipped':
    case 'problem':
      return 'none';
  }
}

export async function createSyncRun(
  db: Kysely<DB>,
  run: {
    id: string;
    connectorId: string;
    mode: string;
    trigger: string;
    status: SyncRunStatusName;
    requestedBy: string | null;
    now: string;
    previewRunId?: string | null;
  },
): Promise<void> {
  await db
    .insertInto('sync_runs')
    .values({
      id: run.id,
      connector_id: run.connectorId,
      mode: run.mode,
      trigger: run.trigger,
      status: run.status,
      requested_by: run.requestedBy,
      preview_run_id: run.previewRunId ?? null,
      created_at: run.now,
      updated_at: run.now,
      started_at: run.status === 'running' ? run.now : null,
    })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({ status: run.status, started_at: run.now, updated_at: run.now }),
    )
    .execute();
}

/** A run row announced before its worker starts (idempotent: the worker may have begun). */
export async function createQueuedSyncRun(
  db: Kysely<DB>,
  run: {
    id: string;
    connectorId: string;
    mode: string;
    trigger: string;
    requestedBy: string | null;
    now: string;
    previewRunId?: string | null;
    undoOfRunId?: string;
  },
): Promise<void> {
  await db
    .insertInto('sync_runs')
    .values({
      id: run.id,
      connector_id: run.connectorId,
      mode: run.mode,
      trigger: run.trigger,
      status: 'queued',
      requested_by: run.requestedBy,
      preview_run_id: run.previewRunId ?? null,
      created_at: run.now,
      updated_at: run.now,
      started_at: null,
      undo_of_run_id: run.undoOfRunId ?? null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function getSyncRun(db: Kysely<DB>, runId: string): Promise<SyncRunRow | undefined> {
  return db.selectFrom('sync_runs').select(runColumns).where('id', '=', runId).executeTakeFirst();
}

export async function updateSyncRun(
  db: Kysely<DB>,
  runId: string,
  patch: Partial<Omit<SyncRunRow, 'id' | 'connector_id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('sync_runs').set(patch).where('id', '=', runId).execute();
}

export async function listSyncRuns(
  db: Kysely<DB>,
  connectorId: string,
  limit: number,
  offset: number,
): Promise<{ items: SyncRunRow[]; total: number }> {
  const items = await db
    .selectFrom('sync_runs')
    .select(runColumns)
    .where('connector_id', '=', connectorId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
  const count = await db
    .selectFrom('sync_runs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('connector_id', '=', connectorId)
    .executeTakeFirstOrThrow();
  return { items, total: count.n };
}

export async function insertSyncLines(
  db: Kysely<DB>,
  runId: string,
  startSeq: number,
  lines: readonly {
    id: string;
    line: PlannedLine;
    status: SyncLineStatus;
    detail?: string | null;
    reversesLineId?: string;
  }[],
  now: string,
): Promise<void> {
  const rows = lines.map(({ id, line, status, detail, reversesLineId }, i) => ({
    id,
    run_id: runId,
    seq: startSeq + i,
    workspace_id: line.workspaceId,
    workspace_name: line.workspaceName,
    service_key: line.serviceKey,
    service_name: line.serviceName,
    psa_service_id: line.psaServiceId,
    company_id: line.companyId,
    contract_id: line.contractId,
    contract_name: line.contractName,
    contract_service_id: line.contractServiceId,
    kind: line.kind,
    problem: line.problem,
    hold_reason: line.holdReason,
    skip_reason: line.skipReason,
    current_units: line.currentUnits,
    target_units: line.targetUnits,
    delta: line.delta,
    last_confirmed_units: line.lastConfirmedUnits,
    effective_date: line.effectiveDate,
    is_deferred: line.isDeferred ? 1 : 0,
    is_unmapped: line.isUnmapped ? 1 : 0,
    status,
    message: line.message,
    advice: line.advice,
    detail: detail ?? null,
    ledger_key: null,
    approved_by: null,
    approved_at: null,
    updated_at: now,
    unit_price: line.unitPrice,
    reverses_line_id: reversesLineId ?? null,
  }));
  // 33 columns: 150 rows stay under both drivers' bound-parameter limits.
  for (let i = 0; i < rows.length; i += 150) {
    await db
      .insertInto('sync_run_lines')
      .values(rows.slice(i, i + 150))
      .execute();
  }
}

export async function updateSyncLine(
  db: Kysely<DB>,
  lineId: string,
  patch: Partial<Omit<SyncLineRow, 'id' | 'run_id' | 'seq'>>,
): Promise<void> {
  await db.updateTable('sync_run_lines').set(patch).where('id', '=', lineId).execute();
}

export async function listSyncLines(
  db: Kysely<DB>,
  runId: string,
  filter: { kind?: string; status?: string; limit?: number; offset?: number } = {},
): Promise<SyncLineRow[]> {
  let query = db.selectFrom('sync_run_lines').select(lineColumns).where('run_id', '=', runId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.status) query = query.where('status', '=', filter.status);
  query = query.orderBy('seq');
  if (filter.limit !== undefined) query = query.limit(filter.limit).offset(filter.offset ?? 0);
  return query.execute();
}

/** A page of the run's lines in plan order, after `afterSeq` (keyset: cheap at any depth). */
export async function syncLinesAfter(
  db: Kysely<DB>,
  runId: string,
  afterSeq: number,
  limit: number,
): Promise<SyncLineRow[]> {
  return db
    .selectFrom('sync_run_lines')
    .select(lineColumns)
    .where('run_id', '=', runId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

export async function countSyncLines(
  db: Kysely<DB>,
  runId: string,
  filter: { kind?: string; status?: string } = {},
): Promise<number> {
  let query = db
    .selectFrom('sync_run_lines')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('run_id', '=', runId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.status) query = query.where('status', '=', filter.status);
  const row = await query.executeTakeFirstOrThrow();
  return row.n;
}

/**
 * The lines of one kind (optionally one status) as the money impact reads them; lines without
 * units on both sides (problems) have no impact. Adjust lines are few per run.
 */
export async function impactLinesOfRun(
  db: Kysely<DB>,
  runId: string,
  kind: 'adjust' | 'held',
  status?: SyncLineStatus,
): Promise<ImpactLine[]> {
  let query = db
    .selectFrom('sync_run_lines')
    .select([
      'id',
      'workspace_name',
      'service_name',
      'company_id',
      'current_units',
      'target_units',
      'unit_price',
    ])
    .where('run_id', '=', runId)
    .where('kind', '=', kind);
  if (status) query = query.where('status', '=', status);
  const rows = await query.orderBy('seq').execute();
  return rows.flatMap((r) =>
    r.current_units === null || r.target_units === null
      ? []
      : [
          {
            id: r.id,
            workspaceName: r.workspace_name,
            serviceName: r.service_name,
            companyId: r.company_id,
            currentUnits: r.current_units,
            targetUnits: r.target_units,
            unitPrice: r.unit_price,
          },
        ],
  );
}

/** Every line of a run reduced to what decides a write, to compare a preview with the present. */
export async function planKeysOfRun(db: Kysely<DB>, runId: string): Promise<PlanKeyRow[]> {
  return db
    .selectFrom('sync_run_lines')
    .select([
      'workspace_id',
      'service_key',
      'workspace_name',
      'service_name',
      'kind',
      'contract_id',
      'psa_service_id',
      'current_units',
      'target_units',
    ])
    .where('run_id', '=', runId)
    .orderBy('seq')
    .execute();
}

/** The apply run made from this preview, unless it failed before writing anything. */
export async function applyRunOfPreview(
  db: Kysely<DB>,
  previewRunId: string,
): Promise<SyncRunRow | undefined> {
  return db
    .selectFrom('sync_runs')
    .select(runColumns)
    .where('preview_run_id', '=', previewRunId)
    .where((eb) => eb.or([eb('status', '!=', 'failed'), eb('psa_writes', '>', 0)]))
    .executeTakeFirst();
}

export async function syncLinesByIds(
  db: Kysely<DB>,
  runId: string,
  lineIds: readonly string[],
): Promise<SyncLineRow[]> {
  if (lineIds.length === 0) return [];
  return db
    .selectFrom('sync_run_lines')
    .select(lineColumns)
    .where('run_id', '=', runId)
    .where('id', 'in', lineIds)
    .orderBy('seq')
    .execute();
}

/** Undo runs of a run, newest first. */
export async function undoRunsOf(db: Kysely<DB>, runId: string): Promise<SyncRunRow[]> {
  return db
    .selectFrom('sync_runs')
    .select(runColumns)
    .where('undo_of_run_id', '=', runId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Runs (apply or undo) left `running` by a crashed process, to close them honestly. */
export async function staleRunningRuns(
  db: Kysely<DB>,
  connectorId: string,
  exceptRunId: string,
): Promise<SyncRunRow[]> {
  return db
    .selectFrom('sync_runs')
    .select(runColumns)
    .where('connector_id', '=', connectorId)
    .where('status', '=', 'running')
    .where('mode', 'in', ['apply', 'undo'])
    .where('id', '!=', exceptRunId)
    .execute();
}
