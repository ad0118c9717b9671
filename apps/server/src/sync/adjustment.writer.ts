/**
 * Writes adjustments through the ledger (ADR 0005): begin (persist) → apply → confirm, re-reading
 * before any retry of a write that may have landed; and settles rows a crash or an ambiguous
 * failure left pending. Shared by runs (sync.executor.ts) and approvals (sync-approval.ts).
 */
import { newId } from '../db/ids.js';
import { addDays } from '../domain/billing-policy.js';
import { unitsKey, type PlannedLine, type UnitsOnDate } from '../domain/sync-plan.js';
import type { PsaConnection } from '../psa/psa-provider.port.js';
import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import {
  confirmManyUnits,
  confirmUnits,
  forgetConfirmedUnits,
  type ConfirmInput,
} from './confirmed-units.repository.js';
import {
  beginLedgerWrite,
  countLedgerAttempt,
  ledgerKey,
  markLedgerApplied,
  markLedgerFailed,
  pendingLedgerRows,
  type LedgerRow,
} from './ledger.repository.js';
import { readUnitsMap, type UnitsMapResult } from './psa-view.reader.js';
import { defaultSyncTuning, type SyncEnvironment, type SyncTuning } from './sync-environment.js';
import { withLease } from './sync-lease.js';
import { syncLinesByIds, updateSyncLine } from './sync-run.repository.js';
import { decideAfterWriteFailure, type RereadOutcome } from './write-retry.js';

/** What the PSA holds for a ledger row's contract service on its date, compared with the row. */
function outcomeOf(
  row: Pick<LedgerRow, 'from_units' | 'to_units'>,
  window: UnitsOnDate | undefined,
): RereadOutcome {
  const units = window?.units ?? (row.from_units === 0 ? 0 : undefined);
  if (units === undefined) return 'unknown';
  if (units === row.to_units) return 'applied';
  if (units === row.from_units) return 'not_applied';
  return 'conflict';
}

export interface WriteContext {
  readonly env: SyncEnvironment;
  readonly connection: PsaConnection;
  readonly connectorId: string;
  readonly runId: string;
  readonly tuning: SyncTuning;
  readonly isLost: () => boolean;
  readonly countWrite: () => void;
}

export type WriteOutcome = { status: 'applied' | 'failed'; message?: string };

/** Sends one adjustment through the ledger. */
export async function applyAdjustment(
  ctx: WriteContext,
  lineId: string,
  line: PlannedLine,
  options: {
    approval?: { approvedBy: string; approvedAt: string };
    isMoved?: boolean;
    movedNote?: string;
    /** A reversal (undo) is recorded under its own key (`undoLedgerKey`), not the date's. */
    ledgerKey?: string;
  } = {},
): Promise<WriteOutcome> {
  const { env, connection, connectorId, runId, tuning } = ctx;
  const { psaName } = connection.guide;
  const now = (): string => env.clock().toISOString();
  const contractId = line.contractId ?? '';
  const psaServiceId = line.psaServiceId ?? '';
  const date = line.effectiveDate ?? '';
  const from = line.currentUnits ?? 0;
  const to = line.targetUnits ?? 0;
  const key = options.ledgerKey ?? ledgerKey(connectorId, contractId, psaServiceId, date);
  const approval = options.approval
    ? { approved_by: options.approval.approvedBy, approved_at: options.approval.approvedAt }
    : {};

  const fail = async (
    message: string,
    detail: string | null,
    advice: string | null,
  ): Promise<WriteOutcome> => {
    await updateSyncLine(env.db, lineId, {
      status: 'failed',
      detail: message + (detail ? ` (${detail})` : ''),
      advice,
      ledger_key: key,
      updated_at: now(),
      ...approval,
    });
    return { status: 'failed', message };
  };
  const succeed = async (adjustmentId: string | null, note: string | null): Promise<WriteOutcome> => {
    await markLedgerApplied(env.db, key, adjustmentId, now(), note);
    if (line.isUnmapped) await forgetConfirmedUnits(env.db, connectorId, line.workspaceId, line.serviceKey);
    else await confirmUnits(env.db, confirmedOf(connectorId, runId, line, to, date), now());
    await updateSyncLine(env.db, lineId, {
      status: 'applied',
      detail: note,
      ledger_key: key,
      effective_date: date,
      is_deferred: line.isDeferred ? 1 : 0,
      updated_at: now(),
      ...approval,
    });
    return { status: 'applied' };
  };

  if (ctx.isLost())
    return fail(
      'Not sent: the sync lost its lease on this connector (another run took over).',
      null,
      'Run the sync again.',
    );
  const began = await beginLedgerWrite(
    env.db,
    {
      key,
      connector_id: connectorId,
      contract_id: contractId,
      psa_service_id: psaServiceId,
      contract_service_id: line.contractServiceId,
      effective_date: date,
      run_id: runId,
      line_id: lineId,
      from_units: from,
      to_units: to,
      unit_change: to - from,
    },
    now(),
  );
  if (!began)
    return fail(
      `Not sent: an adjustment for this service dated ${date} is already recorded (applied or awaiting confirmation).`,
      null,
      `The next run re-reads ${psaName} and settles it; nothing was sent twice.`,
    );

  const reread = async (): Promise<RereadOutcome> => {
    const read = await readUnitsMap(connection, [contractId], date);
    if (!read.ok) return 'unknown';
    return outcomeOf({ from_units: from, to_units: to }, read.map.get(unitsKey(contractId, psaServiceId)));
  };

  for (let attempt = 1; ; attempt++) {
    if (attempt > 1) await countLedgerAttempt(env.db, key, now());
    const result = await connection.createUnitAdjustment({
      contractId,
      serviceId: psaServiceId,
      ...(line.contractServiceId ? { contractServiceId: line.contractServiceId } : {}),
      unitChange: to - from,
      effectiveDate: date,
    });
    ctx.countWrite();
    if (result.ok) {
      const note =
        options.movedNote ??
        (line.isDeferred
          ? `Dated ${date}: an adjustment for this service already existed for the earlier date.`
          : null);
      return succeed(result.value.id, note);
    }
    const error = result.error;
    const failure = { error, attempt, isMoved: options.isMoved === true, isLost: ctx.isLost() };
    let decision = decideAfterWriteFailure(failure, tuning.writeRetry);
    if (decision.action === 'reread')
      decision = decideAfterWriteFailure({ ...failure, reread: await reread() }, tuning.writeRetry);
    switch (decision.action) {
      case 'reread':
        throw new Error('bug: a write failure was decided without its re-read');
      case 'confirm':
        return succeed(null, `Confirmed by re-reading ${psaName} after: ${error.message}`);
      case 'leave_pending':
        // Stays `pending` in the ledger: the next run reconciles it before anything is retried.
        return fail(
          `Outcome unknown: ${psaName} could not be re-read after an ambiguous failure.`,
          error.message,
          'The next run re-reads and settles this line; nothing is sent again before that.',
        );
      case 'move_date': {
        // Not applied and refused: most often because the date already holds an adjustment made
        // outside the sync (the PSA allows one per service and date). Move to the next day, once,
        // and say so; any other refusal fails again there and is reported as such.
        await markLedgerFailed(env.db, key, `refused for ${date}: ${error.message}`, now());
        const next = addDays(date, 1);
        return applyAdjustment(
          ctx,
          lineId,
          { ...line, effectiveDate: next, isDeferred: true },
          {
            ...options,
            isMoved: true,
            movedNote: `${psaName} refused ${date} (${error.message}); dated ${next} instead.`,
          },
        );
      }
      case 'retry':
        if (decision.waitMs > 0) await tuning.sleep(decision.waitMs);
        continue;
      case 'fail':
        if (decision.failure === 'conflict') {
          await markLedgerFailed(env.db, key, `units changed concurrently: ${error.message}`, now());
          return fail(
            `Not applied: the units changed in ${psaName} while the sync was writing.`,
            error.message,
            'The next run compares again (and reports a manual edit if there was one).',
          );
        }
        await markLedgerFailed(env.db, key, error.message, now());
        if (decision.isCredentialFailure) await env.onCredentialFailure?.(connectorId, error);
        return fail(
          `${psaName} refused the adjustment: ${error.message}`,
          error.detail ?? null,
          error.advice,
        );
    }
  }
}

function confirmedOf(
  connectorId: string,
  runId: string,
  line: PlannedLine,
  units: number,
  asOfDate: string,
): ConfirmInput {
  return {
    connectorId,
    workspaceId: line.workspaceId,
    workspaceName: line.workspaceName,
    serviceKey: line.serviceKey,
    serviceName: line.serviceName,
    companyId: line.companyId ?? '',
    contractId: line.contractId ?? '',
    psaServiceId: line.psaServiceId ?? '',
    units,
    asOfDate,
    runId,
  };
}

/**
 * Records in the ledger what a run found without writing: unchanged lines confirm their units,
 * unmapped lines that need nothing are forgotten.
 */
export async function confirmUnwritten(
  db: Kysely<DB>,
  connectorId: string,
  runId: string,
  lines: readonly PlannedLine[],
  today: string,
  now: string,
): Promise<void> {
  const toConfirm = [];
  for (const line of lines) {
    if (line.kind === 'unchanged' && line.contractId && line.psaServiceId) {
      if (line.isUnmapped) await forgetConfirmedUnits(db, connectorId, line.workspaceId, line.serviceKey);
      else toConfirm.push(confirmedOf(connectorId, runId, line, line.currentUnits ?? 0, today));
    } else if (line.kind === 'skipped' && line.isUnmapped)
      await forgetConfirmedUnits(db, connectorId, line.workspaceId, line.serviceKey);
  }
  if (toConfirm.length > 0) await confirmManyUnits(db, toConfirm, now);
}

/** Settles ledger rows whose outcome is unknown (crash, ambiguous failure) by re-reading units. */
export async function reconcilePending(
  ctx: Pick<WriteContext, 'env' | 'connection' | 'connectorId' | 'runId'>,
): Promise<{ applied: number; notApplied: number; unresolved: number }> {
  const { env, connection, connectorId, runId } = ctx;
  const pending = await pendingLedgerRows(env.db, connectorId);
  const tally = { applied: 0, notApplied: 0, unresolved: 0 };
  const byDate = new Map<string, LedgerRow[]>();
  for (const row of pending) byDate.set(row.effective_date, [...(byDate.get(row.effective_date) ?? []), row]);
  for (const [date, rows] of byDate) {
    const read = await readUnitsMap(connection, [...new Set(rows.map((r) => r.contract_id))], date);
    for (const row of rows) {
      const now = env.clock().toISOString();
      const outcome = read.ok
        ? outcomeOf(row, read.map.get(unitsKey(row.contract_id, row.psa_service_id)))
        : 'unknown';
      const [line] = await syncLinesByIds(env.db, row.run_id, [row.line_id]);
      if (outcome === 'applied') {
        tally.applied++;
        await markLedgerApplied(
          env.db,
          row.key,
          row.psa_adjustment_id,
          now,
          `reconciled by run ${runId}: ${connection.guide.psaName} holds ${row.to_units}`,
        );
        if (line && line.is_unmapped === 1)
          await forgetConfirmedUnits(env.db, connectorId, line.workspace_id, line.service_key);
        else if (line) {
          await confirmUnits(
            env.db,
            {
              connectorId,
              workspaceId: line.workspace_id,
              workspaceName: line.workspace_name,
              serviceKey: line.service_key,
              serviceName: line.service_name,
              companyId: line.company_id ?? '',
              contractId: row.contract_id,
              psaServiceId: row.psa_service_id,
              units: row.to_units,
              asOfDate: row.effective_date,
              runId,
            },
            now,
          );
        }
        if (line)
          await updateSyncLine(env.db, line.id, {
            status: 'applied',
            detail: `Confirmed later by run ${runId} (re-read after an interruption).`,
            updated_at: now,
          });
      } else if (outcome === 'unknown') {
        tally.unresolved++;
      } else {
        tally.notApplied++;
        await markLedgerFailed(
          env.db,
          row.key,
          outcome === 'conflict'
            ? 'reconciled: units differ from both before and after'
            : 'reconciled: not applied',
          now,
        );
        if (line)
          await updateSyncLine(env.db, line.id, {
            status: 'failed',
            detail: `Not applied (found by run ${runId} after an interruption); planned again.`,
            updated_at: now,
          });
      }
    }
  }
  return tally;
}

/** Lease + connection + ledger writer for approvals (see sync-approval.ts). */
export async function applyHeld<T>(
  env: SyncEnvironment,
  connectorId: string,
  runId: string,
  tuningOverrides: Partial<SyncTuning>,
  work: (ctx: {
    /** The PSA's name, for the approval's own messages. */
    readonly psaName: string;
    readUnits(contractIds: readonly string[], onDate: string): Promise<UnitsMapResult>;
    apply(
      lineId: string,
      line: PlannedLine,
      approval: { approvedBy: string; approvedAt: string },
    ): Promise<WriteOutcome>;
  }) => Promise<T>,
): Promise<T> {
  const tuning: SyncTuning = { ...defaultSyncTuning, ...tuningOverrides };
  return withLease(env.db, env, connectorId, `approve:${newId()}`, tuning, async (isLost) => {
    const connection = await env.openConnection(connectorId, () => undefined);
    const ctx: WriteContext = {
      env,
      connection,
      connectorId,
      runId,
      tuning,
      isLost,
      countWrite: () => undefined,
    };
    try {
      return await work({
        psaName: connection.guide.psaName,
        readUnits: (contractIds, onDate) => readUnitsMap(connection, contractIds, onDate),
        apply: (lineId, line, approval) => applyAdjustment(ctx, lineId, line, { approval }),
      });
    } finally {
      await connection.close().catch(() => undefined);
    }
  });
}
