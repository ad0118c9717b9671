import type { Kysely } from 'kysely';

import type { DB } from '../db/schema.js';
import {
  childStatuses,
  defaultBillingPolicy,
  isValidTimeZone,
  manualEditActions,
  statusBillingModes,
  unmapActions,
  type BillingPolicy,
  type ChildStatus,
  type StatusBillingMode,
} from '../domain/billing-policy.js';

export interface SyncSettings {
  readonly connectorId: string;
  readonly policy: BillingPolicy;
  readonly isScheduleEnabled: boolean;
  /** Until an admin applies a reviewed preview (or starts the schedule): no unattended run. */
  readonly isAwaitingFirstReviewedSync: boolean;
  /** HH:MM in `policy.timeZone`. */
  readonly scheduleTime: string;
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
}

export const defaultScheduleTime = '06:00';

const oneOf = <T extends string>(values: readonly T[], value: unknown, fallback: T): T =>
  typeof value === 'string' && (values as readonly string[]).includes(value) ? (value as T) : fallback;
const limit = (value: unknown, fallback: number | null): number | null =>
  value === null
    ? null
    : typeof value === 'number' && Number.isFinite(value) && value >= 0
      ? value
      : fallback;

/** Tolerant reader: a field missing from an older row (or a newer one) falls back to the default. */
export function parsePolicy(json: string | null): BillingPolicy {
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = json ? JSON.parse(json) : {};
    if (parsed && typeof parsed === 'object') raw = parsed as Record<string, unknown>;
  } catch {
    raw = {};
  }
  const d = defaultBillingPolicy;
  const statusRaw = (raw.statusBilling ?? {}) as Record<string, unknown>;
  const statusBilling = Object.fromEntries(
    childStatuses.map((s) => [s, oneOf(statusBillingModes, statusRaw[s], d.statusBilling[s])]),
  ) as Record<ChildStatus, StatusBillingMode>;
  const guard = (raw.guardrails ?? {}) as Record<string, unknown>;
  const timeZone =
    typeof raw.timeZone === 'string' && isValidTimeZone(raw.timeZone) ? raw.timeZone : d.timeZone;
  return {
    statusBilling,
    onUnmap: oneOf(unmapActions, raw.onUnmap, d.onUnmap),
    allowCreateContractService:
      typeof raw.allowCreateContractService === 'boolean'
        ? raw.allowCreateContractService
        : d.allowCreateContractService,
    onManualEdit: oneOf(manualEditActions, raw.onManualEdit, d.onManualEdit),
    guardrails: {
      maxUnitChange: limit(guard.maxUnitChange, d.guardrails.maxUnitChange),
      maxPercentChange: limit(guard.maxPercentChange, d.guardrails.maxPercentChange),
      maxPercentDecrease: limit(guard.maxPercentDecrease, d.guardrails.maxPercentDecrease),
    },
    timeZone,
  };
}

export async function getSyncSettings(db: Kysely<DB>, connectorId: string): Promise<SyncSettings> {
  const row = await db
    .selectFrom('sync_settings')
    .select([
      'connector_id',
      'policy_json',
      'is_schedule_enabled',
      'schedule_time',
      'schedule_armed_at',
      'updated_at',
      'updated_by',
    ])
    .where('connector_id', '=', connectorId)
    .executeTakeFirst();
  if (!row) {
    return {
      connectorId,
      policy: defaultBillingPolicy,
      isScheduleEnabled: true,
      isAwaitingFirstReviewedSync: true,
      scheduleTime: defaultScheduleTime,
      updatedAt: null,
      updatedBy: null,
    };
  }
  return {
    connectorId,
    policy: parsePolicy(row.policy_json),
    isScheduleEnabled: row.is_schedule_enabled === 1,
    isAwaitingFirstReviewedSync: row.schedule_armed_at === null,
    scheduleTime: row.schedule_time,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

export async function putSyncSettings(
  db: Kysely<DB>,
  connectorId: string,
  settings: {
    policy: BillingPolicy;
    isScheduleEnabled: boolean;
    scheduleTime: string;
    startScheduleBeforeFirstSync?: boolean;
  },
  actor: string | null,
  now: string,
): Promise<SyncSettings> {
  if (settings.startScheduleBeforeFirstSync === true) await armSchedule(db, connectorId, now);
  const values = {
    policy_json: JSON.stringify(settings.policy),
    is_schedule_enabled: settings.isScheduleEnabled ? 1 : 0,
    schedule_time: settings.scheduleTime,
    updated_by: actor,
    updated_at: now,
  };
  await db
    .insertInto('sync_settings')
    .values({ connector_id: connectorId, created_at: now, ...values })
    .onConflict((oc) => oc.column('connector_id').doUpdateSet(values))
    .execute();
  return getSyncSettings(db, connectorId);
}

/**
 * Lets the daily schedule run from now on (the first reviewed apply, or an admin's explicit start).
 * Idempotent: the first arming's time is kept.
 */
export async function armSchedule(db: Kysely<DB>, connectorId: string, now: string): Promise<void> {
  await db
    .insertInto('sync_settings')
    .values({
      connector_id: connectorId,
      policy_json: '{}',
      is_schedule_enabled: 1,
      schedule_time: defaultScheduleTime,
      schedule_armed_at: now,
      updated_by: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('connector_id').doNothing())
    .execute();
  await db
    .updateTable('sync_settings')
    .set({ schedule_armed_at: now })
    .where('connector_id', '=', connectorId)
    .where('schedule_armed_at', 'is', null)
    .execute();
}

/**
 * Every connector's schedule (or only those of `connectorIds`), for the scheduler and the connector
 * views; connectors without a row use the default.
 */
export async function listSyncSchedules(
  db: Kysely<DB>,
  connectorIds?: readonly string[],
): Promise<
  {
    connectorId: string;
    isScheduleEnabled: boolean;
    isAwaitingFirstReviewedSync: boolean;
    scheduleTime: string;
    timeZone: string;
  }[]
> {
  if (connectorIds?.length === 0) return [];
  let query = db
    .selectFrom('sync_settings')
    .select(['connector_id', 'policy_json', 'is_schedule_enabled', 'schedule_time', 'schedule_armed_at']);
  // A channel has a handful of connectors: well under the 500-value `in` limit of either dialect.
  if (connectorIds !== undefined) query = query.where('connector_id', 'in', [...connectorIds]);
  const rows = await query.execute();
  return rows.map((r) => ({
    connectorId: r.connector_id,
    // Not armed yet: the first sync waits for a reviewed apply (issue 10), whatever the toggle says.
    isScheduleEnabled: r.is_schedule_enabled === 1 && r.schedule_armed_at !== null,
    isAwaitingFirstReviewedSync: r.schedule_armed_at === null,
    scheduleTime: r.schedule_time,
    timeZone: parsePolicy(r.policy_json).timeZone,
  }));
}
