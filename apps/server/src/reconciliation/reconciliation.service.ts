/**
 * Gathers a reconciliation month: the mapped lines of a connector (from our database), Coro's
 * counts, the adjustments our ledger wrote, how the month's latest run left each line, and the
 * units windows the PSA reports for the month (read live, a few reads per sub-period boundary).
 * The arithmetic is in domain/reconciliation.ts.
 */
import type { AppContext } from '../app/app-context.js';
import { openConnection } from '../connectors/connector.service.js';
import { AppError, appErrorFromPsa } from '../app/app-error.js';
import { addDays } from '../domain/member-intervals.js';
import {
  compareMonths,
  monthEnd,
  monthStart,
  previousMonth,
  reconcileMonth,
  type LineState,
  type MonthComparison,
  type Reconciliation,
  type ReconciliationLineInput,
  type UnitsPeriod,
  type WrittenAdjustment,
} from '../domain/reconciliation.js';
import type { PsaConnection, PsaUnitsWindow } from '../psa/psa-provider.port.js';
import { loadSyncSource } from '../sync/sync-source.js';

export interface ReconciliationReport extends Reconciliation {
  readonly connectorId: string;
  readonly comparison: MonthComparison;
}

interface LineKey {
  readonly workspaceId: string;
  readonly serviceKey: string;
}
const keyOf = (l: LineKey): string => `${l.workspaceId}|${l.serviceKey}`;

interface RunLineFacts {
  readonly state: LineState;
  readonly detail: string | null;
  readonly contractId: string | null;
}

function stateOf(row: {
  kind: string;
  problem: string | null;
  hold_reason: string | null;
  message: string;
  status: string;
}): { state: LineState; detail: string | null } {
  if (row.kind === 'held' || row.status === 'held') return { state: 'held', detail: row.message };
  if (row.kind === 'problem') {
    if (row.problem === 'no_contract') return { state: 'no_contract', detail: null };
    if (row.problem === 'service_not_on_contract') return { state: 'service_not_on_contract', detail: null };
    return { state: 'problem', detail: row.message };
  }
  if (row.kind === 'adjust')
    return { state: row.status === 'applied' ? 'adjusted' : 'problem', detail: row.message };
  if (row.kind === 'skipped') return { state: 'not_synced', detail: row.message };
  return { state: 'in_sync', detail: null };
}

/**
 * Every units window of these contracts that overlaps the month. A read on a date returns the
 * windows in force on it; the next read is at the earliest window end (an adjustment's window
 * starts on the old window's last day), or the day after when the read was on that end already.
 * Each read moves the date forward, so a month takes at most two reads per sub-period.
 */
async function readMonthWindows(
  connection: PsaConnection,
  contractIds: readonly string[],
  month: string,
): Promise<PsaUnitsWindow[]> {
  const found = new Map<string, PsaUnitsWindow>();
  const last = monthEnd(month);
  let pending = new Map<string, string>(contractIds.map((id) => [id, monthStart(month)]));
  for (let guard = 0; pending.size > 0 && guard < 64; guard += 1) {
    const byDate = new Map<string, string[]>();
    for (const [contractId, day] of pending) byDate.set(day, [...(byDate.get(day) ?? []), contractId]);
    const next = new Map<string, string>();
    for (const [day, ids] of byDate) {
      const read = await connection.readUnits(ids, day);
      if (!read.ok) throw appErrorFromPsa(read.error);
      for (const id of ids) {
        const windows = read.value.filter((w) => w.contractId === id);
        let nextDay: string | null = null;
        for (const w of windows) {
          found.set(w.id, w);
          const candidate = w.endDate > day ? w.endDate : addDays(day, 1);
          if (nextDay === null || candidate < nextDay) nextDay = candidate;
        }
        if (nextDay !== null && nextDay <= last) next.set(id, nextDay);
      }
    }
    pending = next;
  }
  return [...found.values()];
}

/** Windows of one contract service as sub-periods: each ends the day before the next one starts. */
function toPeriods(windows: readonly PsaUnitsWindow[]): UnitsPeriod[] {
  const sorted = [...windows].sort((a, b) => a.startDate.localeCompare(b.startDate));
  return sorted.map((w, i) => {
    const following = sorted[i + 1];
    const endDate =
      following && following.startDate <= w.endDate ? addDays(following.startDate, -1) : w.endDate;
    // units × price overstates a period with included (unbilled) units: report it unpriced instead.
    const unitPrice = (w.includedUnits ?? 0) > 0 ? null : (w.unitPrice ?? null);
    return { startDate: w.startDate, endDate, units: w.units, unitPrice };
  });
}

async function loadMonth(
  ctx: AppContext,
  connection: PsaConnection,
  connectorId: string,
  channelId: string,
  month: string,
  today: string,
): Promise<Reconciliation> {
  const db = ctx.database.db;
  const first = monthStart(month);
  const last = monthEnd(month);
  const source = await loadSyncSource(db, connectorId, channelId);
  const mapped = source.workspaces.filter((w) => w.companyId !== null);
  const workspaceIds = mapped.map((w) => w.id);

  const lastRun = await db
    .selectFrom('sync_runs')
    .select(['id', 'effective_date'])
    .where('connector_id', '=', connectorId)
    .where('mode', '=', 'apply')
    .where('effective_date', '>=', first)
    .where('effective_date', '<=', last)
    .orderBy('effective_date', 'desc')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  const billingDate = lastRun?.effective_date ?? (today < last ? today : last);

  const facts = new Map<string, RunLineFacts>();
  if (lastRun) {
    const rows = await db
      .selectFrom('sync_run_lines')
      .select([
        'workspace_id',
        'service_key',
        'kind',
        'problem',
        'hold_reason',
        'message',
        'status',
        'contract_id',
      ])
      .where('run_id', '=', lastRun.id)
      .execute();
    for (const row of rows)
      facts.set(keyOf({ workspaceId: row.workspace_id, serviceKey: row.service_key }), {
        ...stateOf(row),
        contractId: row.contract_id,
      });
  }
  const confirmed = await db
    .selectFrom('sync_confirmed_units')
    .select(['workspace_id', 'service_key', 'contract_id'])
    .where('connector_id', '=', connectorId)
    .execute();
  const contractOf = new Map(
    confirmed.map((r) => [keyOf({ workspaceId: r.workspace_id, serviceKey: r.service_key }), r.contract_id]),
  );

  const counts = new Map<string, { day: string; devices: number; users: number }[]>();
  if (workspaceIds.length > 0) {
    for (let i = 0; i < workspaceIds.length; i += 500) {
      const rows = await db
        .selectFrom('usage_daily')
        .select(['workspace_id', 'service_key', 'day', 'devices', 'users'])
        .where('workspace_id', 'in', workspaceIds.slice(i, i + 500))
        .where('day', '>=', first)
        .where('day', '<=', last)
        .orderBy('day')
        .execute();
      for (const r of rows) {
        const key = keyOf({ workspaceId: r.workspace_id, serviceKey: r.service_key });
        counts.set(key, [...(counts.get(key) ?? []), { day: r.day, devices: r.devices, users: r.users }]);
      }
    }
  }

  const ledger = await db
    .selectFrom('sync_ledger as l')
    .innerJoin('sync_run_lines as rl', 'rl.id', 'l.line_id')
    .select([
      'rl.workspace_id',
      'rl.service_key',
      'l.effective_date',
      'l.from_units',
      'l.to_units',
      'l.run_id',
      'l.created_at',
      'l.state',
    ])
    .where('l.connector_id', '=', connectorId)
    .where('l.effective_date', '>=', first)
    .where('l.effective_date', '<=', last)
    .orderBy('l.effective_date')
    .execute();
  const adjustments = new Map<string, WrittenAdjustment[]>();
  for (const r of ledger) {
    const key = keyOf({ workspaceId: r.workspace_id, serviceKey: r.service_key });
    adjustments.set(key, [
      ...(adjustments.get(key) ?? []),
      {
        effectiveDate: r.effective_date,
        fromUnits: r.from_units,
        toUnits: r.to_units,
        runId: r.run_id,
        at: r.created_at,
        state: r.state,
      },
    ]);
  }

  const contractIds = new Set<string>();
  for (const w of mapped)
    for (const s of source.services) {
      const key = keyOf({ workspaceId: w.id, serviceKey: s.serviceKey });
      const contractId = facts.get(key)?.contractId ?? contractOf.get(key) ?? null;
      if (contractId !== null) contractIds.add(contractId);
    }
  const windows = contractIds.size === 0 ? [] : await readMonthWindows(connection, [...contractIds], month);

  const lines: ReconciliationLineInput[] = [];
  for (const w of mapped)
    for (const s of source.services) {
      const key = keyOf({ workspaceId: w.id, serviceKey: s.serviceKey });
      const fact = facts.get(key);
      const contractId = fact?.contractId ?? contractOf.get(key) ?? null;
      lines.push({
        companyId: w.companyId,
        companyName: w.companyName ?? w.name,
        workspaceId: w.id,
        serviceKey: s.serviceKey,
        serviceName: s.serviceName,
        counts: (counts.get(key) ?? []).map((c) => ({
          day: c.day,
          count: s.basis === 'users' ? c.users : c.devices,
        })),
        periods: toPeriods(
          windows.filter((x) => x.contractId === contractId && x.serviceId === s.psaServiceId),
        ),
        adjustments: adjustments.get(key) ?? [],
        state: fact?.state ?? 'not_synced',
        stateDetail: fact?.detail ?? null,
      });
    }
  return reconcileMonth(month, billingDate, lines);
}

/** The month's reconciliation of one connector, with the previous month for comparison. */
export async function buildReconciliation(
  ctx: AppContext,
  connectorId: string,
  channelId: string,
  month: string,
): Promise<ReconciliationReport> {
  const today = ctx.clock().toISOString().slice(0, 10);
  if (monthStart(month) > today)
    throw new AppError('validation_failed', `Month ${month} has not started yet.`);
  const { connection } = await openConnection(ctx, connectorId, { allowDisconnected: true });
  try {
    const current = await loadMonth(ctx, connection, connectorId, channelId, month, today);
    const previous = await loadMonth(ctx, connection, connectorId, channelId, previousMonth(month), today);
    return { ...current, connectorId, comparison: compareMonths(current, previous) };
  } finally {
    await connection.close();
  }
}
