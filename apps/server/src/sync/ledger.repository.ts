import type { Kysely, Selectable } from 'kysely';

import type { DB } from '../db/schema.js';
import type { SyncLedgerTable } from '../db/tables/sync.tables.js';
import { unitsKey } from '../domain/sync-plan.js';

export type LedgerRow = Selectable<SyncLedgerTable>;

/** Deterministic: the same connector, contract service and date always give the same key. */
export const ledgerKey = (
  connectorId: string,
  contractId: string,
  psaServiceId: string,
  effectiveDate: string,
): string => `${connectorId}:${contractId}:${psaServiceId}:${effectiveDate}`;

/**
 * A reversal's key (undo of a run): one per original line, whatever day it is written on, so a
 * re-run of the undo finds its own row (pending: reconciled first; applied: never sent again) and
 * never collides with the original write's key on the same contract service.
 */
export const undoLedgerKey = (
  connectorId: string,
  contractId: string,
  psaServiceId: string,
  originalLineId: string,
): string => `${connectorId}:${contractId}:${psaServiceId}:undo:${originalLineId}`;

const ledgerColumns = [
  'key',
  'connector_id',
  'contract_id',
  'psa_service_id',
  'contract_service_id',
  'effective_date',
  'run_id',
  'line_id',
  'from_units',
  'to_units',
  'unit_change',
  'state',
  'attempts',
  'psa_adjustment_id',
  'last_error',
  'created_at',
  'updated_at',
] as const;

/** The writes a run made (its applied rows), for undo. */
export async function ledgerRowsAppliedByRun(db: Kysely<DB>, runId: string): Promise<LedgerRow[]> {
  return db
    .selectFrom('sync_ledger')
    .select(ledgerColumns)
    .where('run_id', '=', runId)
    .where('state', '=', 'applied')
    .execute();
}

export async function getLedgerRows(db: Kysely<DB>, keys: readonly string[]): Promise<LedgerRow[]> {
  const rows: LedgerRow[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    rows.push(
      ...(await db.selectFrom('sync_ledger').select(ledgerColumns).where('key', 'in', batch).execute()),
    );
  }
  return rows;
}

/** Rows whose outcome we do not know: a crash or an ambiguous failure after they were persisted. */
export async function pendingLedgerRows(db: Kysely<DB>, connectorId: string): Promise<LedgerRow[]> {
  return db
    .selectFrom('sync_ledger')
    .select(ledgerColumns)
    .where('connector_id', '=', connectorId)
    .where('state', '=', 'pending')
    .orderBy('effective_date')
    .execute();
}

/** Latest applied effective date per contract service, for dates on or after `fromDate`. */
export async function appliedDatesFrom(
  db: Kysely<DB>,
  connectorId: string,
  fromDate: string,
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('sync_ledger')
    .select(['contract_id', 'psa_service_id', (eb) => eb.fn.max('effective_date').as('latest')])
    .where('connector_id', '=', connectorId)
    .where('state', '=', 'applied')
    .where('effective_date', '>=', fromDate)
    .groupBy(['contract_id', 'psa_service_id'])
    .execute();
  return new Map(rows.map((r) => [unitsKey(r.contract_id, r.psa_service_id), r.latest]));
}

/**
 * Persist the intent before the POST. Returns false when the key is already taken by a pending
 * or applied row: the caller must not send (that would be a second adjustment for the date).
 */
export async function beginLedgerWrite(
  db: Kysely<DB>,
  row: Omit<
    LedgerRow,
    'state' | 'attempts' | 'psa_adjustment_id' | 'last_error' | 'created_at' | 'updated_at'
  >,
  now: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('sync_ledger')
      .select(['state', 'attempts'])
      .where('key', '=', row.key)
      .executeTakeFirst();
    if (existing && existing.state !== 'failed') return false;
    if (existing) {
      await trx
        .updateTable('sync_ledger')
        .set({
          run_id: row.run_id,
          line_id: row.line_id,
          contract_service_id: row.contract_service_id,
          // A reversal's key carries no date: its retry may be on another day.
          effective_date: row.effective_date,
          from_units: row.from_units,
          to_units: row.to_units,
          unit_change: row.unit_change,
          state: 'pending',
          attempts: existing.attempts + 1,
          last_error: null,
          updated_at: now,
        })
        .where('key', '=', row.key)
        .where('state', '=', 'failed')
        .execute();
      return true;
    }
    await trx
      .insertInto('sync_ledger')
      .values({
        ...row,
        state: 'pending',
        attempts: 1,
        psa_adjustment_id: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return true;
  });
}

export async function countLedgerAttempt(db: Kysely<DB>, key: string, now: string): Promise<void> {
  await db
    .updateTable('sync_ledger')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: now }))
    .where('key', '=', key)
    .execute();
}

export async function markLedgerApplied(
  db: Kysely<DB>,
  key: string,
  psaAdjustmentId: string | null,
  now: string,
  note: string | null = null,
): Promise<void> {
  await db
    .updateTable('sync_ledger')
    .set({ state: 'applied', psa_adjustment_id: psaAdjustmentId, last_error: note, updated_at: now })
    .where('key', '=', key)
    .execute();
}

export async function markLedgerFailed(
  db: Kysely<DB>,
  key: string,
  error: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('sync_ledger')
    .set({ state: 'failed', last_error: error, updated_at: now })
    .where('key', '=', key)
    .execute();
}
