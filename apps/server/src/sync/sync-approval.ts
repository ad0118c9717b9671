/**
 * Approving held lines: the human gate in front of big changes and manual-edit overwrites. Each
 * approved line is re-read first; if the PSA changed since the plan, the line is `stale` (never
 * applied on an outdated delta). Otherwise it goes through the same ledger path as a run.
 */
import { localDay } from '../domain/billing-policy.js';
import { unitsKey, type PlannedLine } from '../domain/sync-plan.js';
import { addDays } from '../domain/billing-policy.js';
import {
  type SyncLineRow,
  getSyncRun,
  syncLinesByIds,
  updateSyncLine,
  updateSyncRun,
} from './sync-run.repository.js';
import { getSyncSettings } from './sync-settings.repository.js';
import { applyHeld } from './adjustment.writer.js';
import type { SyncEnvironment, SyncTuning } from './sync-environment.js';
import { appliedDatesFrom } from './ledger.repository.js';

export interface ApprovalResult {
  readonly lineId: string;
  readonly status: 'applied' | 'failed' | 'stale' | 'not_held';
  readonly message: string;
}

export function plannedFromRow(
  row: SyncLineRow,
  current: number,
  effectiveDate: string,
  isDeferred: boolean,
): PlannedLine {
  return {
    workspaceId: row.workspace_id,
    workspaceName: row.workspace_name,
    serviceKey: row.service_key,
    serviceName: row.service_name,
    psaServiceId: row.psa_service_id,
    companyId: row.company_id,
    contractId: row.contract_id,
    contractName: row.contract_name,
    contractServiceId: row.contract_service_id,
    kind: 'adjust',
    problem: null,
    holdReason: null,
    skipReason: null,
    currentUnits: current,
    targetUnits: row.target_units,
    delta: (row.target_units ?? 0) - current,
    lastConfirmedUnits: row.last_confirmed_units,
    effectiveDate,
    isDeferred,
    isUnmapped: row.is_unmapped === 1,
    message: row.message,
    advice: null,
    unitPrice: row.unit_price,
  };
}

export async function approveLines(
  env: SyncEnvironment,
  runId: string,
  lineIds: readonly string[],
  actor: { id: string | null; label: string },
  tuning: Partial<SyncTuning> = {},
): Promise<{ runId: string; connectorId: string; results: ApprovalResult[] }> {
  const run = await getSyncRun(env.db, runId);
  if (!run) throw Object.assign(new Error('No such sync run.'), { code: 'not_found' });
  const rows = await syncLinesByIds(env.db, runId, lineIds);
  const results: ApprovalResult[] = lineIds
    .filter((id) => !rows.some((r) => r.id === id && r.kind === 'held' && r.status === 'held'))
    .map((id) => ({
      lineId: id,
      status: 'not_held' as const,
      message: 'Not a held line of this run (already approved, or never held).',
    }));
  const held = rows.filter(
    (r) =>
      r.kind === 'held' &&
      r.status === 'held' &&
      r.contract_id &&
      r.psa_service_id &&
      r.target_units !== null,
  );
  if (held.length === 0) return { runId, connectorId: run.connector_id, results };

  const policy = (await getSyncSettings(env.db, run.connector_id)).policy;
  const outcomes = await applyHeld(env, run.connector_id, runId, tuning, async (ctx) => {
    const today = localDay(env.clock(), policy.timeZone);
    const appliedDates = await appliedDatesFrom(env.db, run.connector_id, today);
    const out: ApprovalResult[] = [];
    // Group by the date whose units we must compare with (today, or a later date already adjusted).
    const byDate = new Map<string, SyncLineRow[]>();
    for (const row of held) {
      const applied = appliedDates.get(unitsKey(row.contract_id ?? '', row.psa_service_id ?? ''));
      const refDate = applied !== undefined && applied >= today ? applied : today;
      byDate.set(refDate, [...(byDate.get(refDate) ?? []), row]);
    }
    for (const [refDate, group] of byDate) {
      const read = await ctx.readUnits([...new Set(group.map((r) => r.contract_id ?? ''))], refDate);
      for (const row of group) {
        const now = env.clock().toISOString();
        if (!read.ok) {
          out.push({
            lineId: row.id,
            status: 'failed',
            message: `${ctx.psaName} could not be read: ${read.error.message}`,
          });
          continue;
        }
        const window = read.map.get(unitsKey(row.contract_id ?? '', row.psa_service_id ?? ''));
        const current = window?.units ?? (row.contract_service_id === null ? 0 : undefined);
        if (current === undefined || current !== row.current_units) {
          const message = `${ctx.psaName} now holds ${current ?? 'no units'} (the plan saw ${row.current_units ?? 0}); run the sync again to plan from the new value.`;
          await updateSyncLine(env.db, row.id, { status: 'stale', detail: message, updated_at: now });
          out.push({ lineId: row.id, status: 'stale', message });
          continue;
        }
        const applied = appliedDates.get(unitsKey(row.contract_id ?? '', row.psa_service_id ?? ''));
        const isDeferred = applied !== undefined && applied >= today;
        const line = plannedFromRow(row, current, isDeferred ? addDays(refDate, 1) : today, isDeferred);
        if (line.delta === 0) {
          await updateSyncLine(env.db, row.id, {
            status: 'approved',
            detail: 'Already at the target; nothing sent.',
            approved_by: actor.label,
            approved_at: now,
            updated_at: now,
          });
          out.push({ lineId: row.id, status: 'applied', message: 'Already at the target.' });
          continue;
        }
        const outcome = await ctx.apply(row.id, line, { approvedBy: actor.label, approvedAt: now });
        out.push({
          lineId: row.id,
          status: outcome.status,
          message: outcome.message ?? `Applied ${line.currentUnits ?? 0} → ${line.targetUnits ?? 0}.`,
        });
      }
    }
    return out;
  });
  const appliedCount = outcomes.filter((o) => o.status === 'applied').length;
  const run2 = await getSyncRun(env.db, runId);
  if (run2 && appliedCount > 0) {
    await updateSyncRun(env.db, runId, {
      held: Math.max(0, run2.held - appliedCount),
      adjusted: run2.adjusted + appliedCount,
      updated_at: env.clock().toISOString(),
    });
  }
  return { runId, connectorId: run.connector_id, results: [...results, ...outcomes] };
}
