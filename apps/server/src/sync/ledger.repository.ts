import type { Kysely, Selectable } from 'kysely';

import type { DB } from '../db/schema.js';
import type { SyncLedgerTable } from '../db/tables/sync.tables.js';
import type { ConfirmedUnits } from '../domain/sync-plan.js';
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

export interface ConfirmInput extends ConfirmedUnits {
  readonly connectorId: string;
  readonly asOfDate: string;
  readonly runId: string;
}

const confirmedColumns = [
  'workspace_id',
  'workspace_name',
  'service_key',
  'service_name',
  'company_id',
  'contract_id',
  'psa_service_id',
  'units',
] as const;

const toConfirmed = (r: {
  workspace_id: string;
  workspace_name: string;
  service_key: string;
  service_name: string;
  company_id: string;
  contract_id: string;
  psa_service_id: string;
  units: number;
}): ConfirmedUnits => ({
  workspaceId: r.workspace_id,
  workspaceName: r.workspace_name,
  serviceKey: r.service_key,
  serviceName: r.service_name,
  companyId: r.company_id,
  contractId: r.contract_id,
  psaServiceId: r.psa_service_id,
  units: r.units,
});

export function createLedgerRepository(db: Kysely<DB>) {
  return {
    async get(key: string): Promise<LedgerRow | undefined> {
      return db.selectFrom('sync_ledger').select(ledgerColumns).where('key', '=', key).executeTakeFirst();
    },

    /** The writes a run made (its applied rows), for undo. */
    async appliedByRun(runId: string): Promise<LedgerRow[]> {
      return db
        .selectFrom('sync_ledger')
        .select(ledgerColumns)
        .where('run_id', '=', runId)
        .where('state', '=', 'applied')
        .execute();
    },

    async getMany(keys: readonly string[]): Promise<LedgerRow[]> {
      const rows: LedgerRow[] = [];
      for (let i = 0; i < keys.length; i += 500) {
        const batch = keys.slice(i, i + 500);
        rows.push(
          ...(await db.selectFrom('sync_ledger').select(ledgerColumns).where('key', 'in', batch).execute()),
        );
      }
      return rows;
    },

    /** Rows whose outcome we do not know: a crash or an ambiguous failure after they were persisted. */
    async pending(connectorId: string): Promise<LedgerRow[]> {
      return db
        .selectFrom('sync_ledger')
        .select(ledgerColumns)
        .where('connector_id', '=', connectorId)
        .where('state', '=', 'pending')
        .orderBy('effective_date')
        .execute();
    },

    /** Latest applied effective date per contract service, for dates on or after `fromDate`. */
    async appliedDatesFrom(connectorId: string, fromDate: string): Promise<Map<string, string>> {
      const rows = await db
        .selectFrom('sync_ledger')
        .select(['contract_id', 'psa_service_id', (eb) => eb.fn.max('effective_date').as('latest')])
        .where('connector_id', '=', connectorId)
        .where('state', '=', 'applied')
        .where('effective_date', '>=', fromDate)
        .groupBy(['contract_id', 'psa_service_id'])
        .execute();
      return new Map(rows.map((r) => [unitsKey(r.contract_id, r.psa_service_id), r.latest]));
    },

    /**
     * Persist the intent before the POST. Returns false when the key is already taken by a pending
     * or applied row: the caller must not send (that would be a second adjustment for the date).
     */
    async begin(
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
    },

    async countAttempt(key: string, now: string): Promise<void> {
      await db
        .updateTable('sync_ledger')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), updated_at: now }))
        .where('key', '=', key)
        .execute();
    },

    async markApplied(
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
    },

    async markFailed(key: string, error: string, now: string): Promise<void> {
      await db
        .updateTable('sync_ledger')
        .set({ state: 'failed', last_error: error, updated_at: now })
        .where('key', '=', key)
        .execute();
    },

    /** What the sync last confirmed for these workspaces (one chunk of a run). */
    async confirmedFor(connectorId: string, workspaceIds: readonly string[]): Promise<ConfirmedUnits[]> {
      if (workspaceIds.length === 0) return [];
      const rows = await db
        .selectFrom('sync_confirmed_units')
        .select(confirmedColumns)
        .where('connector_id', '=', connectorId)
        .where('workspace_id', 'in', workspaceIds)
        .execute();
      return rows.map(toConfirmed);
    },

    /** Confirmed units of workspaces that are no longer children of the channel (deleted, moved). */
    async confirmedOrphans(connectorId: string, channelId: string): Promise<ConfirmedUnits[]> {
      const rows = await db
        .selectFrom('sync_confirmed_units')
        .select(confirmedColumns)
        .where('connector_id', '=', connectorId)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('workspaces as w')
                .select('w.id')
                .whereRef('w.id', '=', 'sync_confirmed_units.workspace_id')
                .where('w.parent_id', '=', channelId)
                .where('w.kind', '=', 'child'),
            ),
          ),
        )
        .execute();
      return rows.map(toConfirmed);
    },

    async confirm(input: ConfirmInput, now: string): Promise<void> {
      const values = {
        workspace_name: input.workspaceName,
        service_name: input.serviceName,
        company_id: input.companyId,
        contract_id: input.contractId,
        psa_service_id: input.psaServiceId,
        units: input.units,
        as_of_date: input.asOfDate,
        run_id: input.runId,
        confirmed_at: now,
      };
      await db
        .insertInto('sync_confirmed_units')
        .values({
          connector_id: input.connectorId,
          workspace_id: input.workspaceId,
          service_key: input.serviceKey,
          ...values,
        })
        .onConflict((oc) => oc.columns(['connector_id', 'workspace_id', 'service_key']).doUpdateSet(values))
        .execute();
    },

    /** Confirms many lines at once (unchanged lines of a big run): one statement per batch. */
    async confirmMany(inputs: readonly ConfirmInput[], now: string): Promise<void> {
      for (let i = 0; i < inputs.length; i += 200) {
        const batch = inputs.slice(i, i + 200);
        await db
          .insertInto('sync_confirmed_units')
          .values(
            batch.map((input) => ({
              connector_id: input.connectorId,
              workspace_id: input.workspaceId,
              service_key: input.serviceKey,
              workspace_name: input.workspaceName,
              service_name: input.serviceName,
              company_id: input.companyId,
              contract_id: input.contractId,
              psa_service_id: input.psaServiceId,
              units: input.units,
              as_of_date: input.asOfDate,
              run_id: input.runId,
              confirmed_at: now,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['connector_id', 'workspace_id', 'service_key']).doUpdateSet((eb) => ({
              workspace_name: eb.ref('excluded.workspace_name'),
              service_name: eb.ref('excluded.service_name'),
              company_id: eb.ref('excluded.company_id'),
              contract_id: eb.ref('excluded.contract_id'),
              psa_service_id: eb.ref('excluded.psa_service_id'),
              units: eb.ref('excluded.units'),
              as_of_date: eb.ref('excluded.as_of_date'),
              run_id: eb.ref('excluded.run_id'),
              confirmed_at: eb.ref('excluded.confirmed_at'),
            })),
          )
          .execute();
      }
    },

    async forget(connectorId: string, workspaceId: string, serviceKey: string): Promise<void> {
      await db
        .deleteFrom('sync_confirmed_units')
        .where('connector_id', '=', connectorId)
        .where('workspace_id', '=', workspaceId)
        .where('service_key', '=', serviceKey)
        .execute();
    },

    /**
     * Take (or renew) the connector's apply lease. A row whose lease expired belongs to a crashed
     * worker and is taken over; a live one makes this return false.
     */
    async acquireLock(connectorId: string, runId: string, now: string, expiresAt: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('sync_locks')
          .select(['run_id', 'expires_at'])
          .where('connector_id', '=', connectorId)
          .executeTakeFirst();
        if (row && row.run_id !== runId && row.expires_at > now) return false;
        if (row) {
          const result = await trx
            .updateTable('sync_locks')
            .set({ run_id: runId, expires_at: expiresAt })
            .where('connector_id', '=', connectorId)
            .where('run_id', '=', row.run_id)
            .where('expires_at', '=', row.expires_at)
            .executeTakeFirst();
          return Number(result.numUpdatedRows) === 1;
        }
        try {
          await trx
            .insertInto('sync_locks')
            .values({ connector_id: connectorId, run_id: runId, expires_at: expiresAt })
            .execute();
          return true;
        } catch {
          return false;
        }
      });
    },

    async renewLock(connectorId: string, runId: string, expiresAt: string): Promise<boolean> {
      const result = await db
        .updateTable('sync_locks')
        .set({ expires_at: expiresAt })
        .where('connector_id', '=', connectorId)
        .where('run_id', '=', runId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async releaseLock(connectorId: string, runId: string): Promise<void> {
      await db
        .deleteFrom('sync_locks')
        .where('connector_id', '=', connectorId)
        .where('run_id', '=', runId)
        .execute();
    },
  };
}
export type LedgerRepository = ReturnType<typeof createLedgerRepository>;
