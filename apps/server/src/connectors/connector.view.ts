import type { Connector } from '@coro/contracts';

import type { AppContext } from '../app/app-context.js';
import { defaultBillingPolicy } from '../domain/billing-policy.js';
import { nextRunAt, scheduleJitterMs } from '../jobs/schedule/daily-schedule.js';
import { isPsaKind } from '../psa/psa-provider.port.js';
import { listSyncSchedules, defaultScheduleTime } from '../sync/sync-settings.repository.js';
import {
  countMappings,
  listConnectors as listConnectorRows,
  type ConnectorMappingCounts,
  type ConnectorRecord,
  type ConnectorStatus,
} from './connector.repository.js';

/**
 * What the API shows of a connector: its row, its mapping counts and its next automatic sync.
 * Read-only; the lifecycle (connect, verify, credentials, remove) is connector.service.ts.
 */

type ScheduleSettings = Awaited<ReturnType<typeof listSyncSchedules>>[number];

/** These connectors' schedule settings, as the daily fan-out reads them (absent: the defaults). */
async function scheduleSettings(
  ctx: AppContext,
  rows: readonly ConnectorRecord[],
): Promise<Map<string, ScheduleSettings>> {
  const schedules = await listSyncSchedules(
    ctx.database.db,
    rows.map((row) => row.id),
  );
  return new Map(schedules.map((s) => [s.connectorId, s]));
}

interface PlannedSync {
  readonly nextSyncAt: string | null;
  readonly schedule: Connector['schedule'];
}

/** The next automatic sync, as the daily fan-out will run it, and why then; none when disconnected or off. */
function plannedSync(row: ConnectorRecord, settings: ScheduleSettings | undefined, now: Date): PlannedSync {
  if (row.status === 'disconnected') return { nextSyncAt: null, schedule: null };
  const schedule = {
    connectorId: row.id,
    isEnabled: settings?.isScheduleEnabled ?? false,
    localTime: settings?.scheduleTime ?? defaultScheduleTime,
    timeZone: settings?.timeZone ?? defaultBillingPolicy.timeZone,
  };
  const next = nextRunAt(schedule, now);
  if (next === null) return { nextSyncAt: null, schedule: null };
  return {
    nextSyncAt: next.toISOString(),
    schedule: {
      localTime: schedule.localTime,
      timeZone: schedule.timeZone,
      spreadMinutes: Math.round(scheduleJitterMs(row.id) / 60_000),
    },
  };
}

function toConnectorView(
  row: ConnectorRecord,
  counts: ConnectorMappingCounts | undefined,
  planned: PlannedSync,
  isAwaitingFirstReviewedSync: boolean,
): Connector {
  const c = counts ?? {
    mappedWorkspaces: 0,
    totalWorkspaces: 0,
    mappedServices: 0,
    totalServices: 0,
    workspaceProblems: 0,
  };
  return {
    id: row.id,
    channelId: row.channel_id,
    kind: isPsaKind(row.kind) ? row.kind : 'autotask',
    status: row.status as ConnectorStatus,
    statusReason:
      row.status_code && row.status_message
        ? { code: row.status_code, message: row.status_message, advice: row.status_advice }
        : null,
    username: row.username,
    hasIntegrationCodeOverride: row.integration_code !== null,
    zoneName: row.zone_name,
    lastVerifiedAt: row.last_verified_at,
    lastSyncAt: row.last_sync_at,
    nextSyncAt: planned.nextSyncAt,
    schedule: planned.schedule,
    isAwaitingFirstReviewedSync,
    currency: row.currency,
    companiesRefreshedAt: row.companies_refreshed_at,
    servicesRefreshedAt: row.services_refreshed_at,
    workspaceMapping: {
      state: c.mappedWorkspaces === 0 ? 'setup_required' : 'mapped',
      mapped: c.mappedWorkspaces,
      total: c.totalWorkspaces,
      problems: c.workspaceProblems,
    },
    serviceMapping: {
      state: c.mappedServices === 0 ? 'setup_required' : 'mapped',
      mapped: c.mappedServices,
      total: c.totalServices,
      problems: 0,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function connectorView(ctx: AppContext, row: ConnectorRecord): Promise<Connector> {
  const counts = await countMappings(ctx.database.db, [row]);
  const settings = await scheduleSettings(ctx, [row]);
  const schedule = settings.get(row.id);
  return toConnectorView(
    row,
    counts.get(row.id),
    plannedSync(row, schedule, ctx.clock()),
    schedule?.isAwaitingFirstReviewedSync ?? true,
  );
}

export async function listConnectorViews(ctx: AppContext, channelId: string): Promise<Connector[]> {
  const rows = await listConnectorRows(ctx.database.db, channelId);
  const counts = await countMappings(ctx.database.db, rows);
  const settings = await scheduleSettings(ctx, rows);
  const now = ctx.clock();
  return rows.map((row) =>
    toConnectorView(
      row,
      counts.get(row.id),
      plannedSync(row, settings.get(row.id), now),
      settings.get(row.id)?.isAwaitingFirstReviewedSync ?? true,
    ),
  );
}
