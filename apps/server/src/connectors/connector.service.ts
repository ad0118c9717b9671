import type { Connector } from '@coro/contracts';

import { recordAudit, type AuditActor } from '../audit/audit.repository.js';
import { defaultBillingPolicy } from '../domain/billing-policy.js';
import type { AppContext } from '../app/app-context.js';
import { AppError, appErrorFromPsa } from '../app/app-error.js';
import { newId } from '../db/ids.js';
import { nextRunAt, scheduleJitterMs } from '../jobs/schedule/daily-schedule.js';
import { psaRequestDurationSeconds, psaRequestsTotal } from '../observability/metrics.js';
import type {
  PsaCallEvent,
  PsaConnection,
  PsaCredentials,
  PsaError,
  PsaGuide,
  PsaKind,
  PsaProvider,
  PsaVerification,
} from '../psa/psa-provider.port.js';
import { isCredentialFailure, psaDisplayName, psaKinds } from '../psa/psa-provider.port.js';
import { listSyncSchedules, defaultScheduleTime } from '../sync/sync-settings.repository.js';
import {
  countMappings,
  deleteConnector as deleteConnectorRow,
  findConnector,
  findConnectorByKind,
  findConnectorSecretBox,
  insertConnector,
  listConnectors as listConnectorRows,
  updateConnector,
  type ConnectorMappingCounts,
  type ConnectorRecord,
  type ConnectorStatus,
} from './connector.repository.js';

/** AAD of a connector's secret: an envelope copied to another row does not open. */
export const connectorSecretAad = (connectorId: string): string => `connector:${connectorId}:credentials`;

interface SealedSecret {
  readonly secret: string;
}

// Re-exported for the services that already take it from here.
export { isCredentialFailure };

function isPsaKind(value: string): value is PsaKind {
  return (psaKinds as readonly string[]).includes(value);
}

export function providerFor(ctx: AppContext, kind: string): PsaProvider {
  const provider = isPsaKind(kind) ? ctx.psaProviders[kind] : undefined;
  if (!provider) throw new AppError('unavailable', `This server has no ${kind} integration configured.`);
  return provider;
}

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

/** What the audit log keeps of a connector: no secret, no envelope. */
function auditView(row: ConnectorRecord): Record<string, unknown> {
  return {
    kind: row.kind,
    status: row.status,
    statusCode: row.status_code,
    username: row.username,
    hasIntegrationCodeOverride: row.integration_code !== null,
    zoneName: row.zone_name,
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

/** The connector of this channel, or 404: ids of other channels' connectors look unknown. */
export async function requireConnector(
  ctx: AppContext,
  channelId: string,
  connectorId: string,
): Promise<ConnectorRecord> {
  const row = await findConnector(ctx.database.db, connectorId);
  if (!row || row.channel_id !== channelId)
    throw new AppError('not_found', 'No such connector in this channel.');
  return row;
}

async function requireChannel(ctx: AppContext, channelId: string): Promise<void> {
  const channel = await ctx.database.db
    .selectFrom('workspaces')
    .select(['kind'])
    .where('id', '=', channelId)
    .executeTakeFirst();
  if (!channel) throw new AppError('not_found', 'No such workspace.');
  if (channel.kind !== 'channel')
    throw new AppError('bad_request', 'PSA connectors can only be configured on a channel workspace.');
}

/** Counts every PSA request in `psa_requests_total`, then hands the event to the caller's observer. */
function countedCalls(psa: string, onCall?: (event: PsaCallEvent) => void): (event: PsaCallEvent) => void {
  return (event) => {
    psaRequestsTotal.inc({ psa, entity: event.entity, kind: event.kind, outcome: event.outcome });
    psaRequestDurationSeconds.observe(
      { psa, entity: event.entity, kind: event.kind },
      event.durationMs / 1000,
    );
    onCall?.(event);
  };
}

async function verifyCredentials(
  ctx: AppContext,
  kind: string,
  connectorId: string,
  credentials: PsaCredentials,
): Promise<{ ok: true; value: PsaVerification } | { ok: false; error: PsaError }> {
  const connection = providerFor(ctx, kind).connect(credentials, {
    connectorId,
    onCall: countedCalls(kind),
  });
  try {
    return await connection.verify();
  } finally {
    await connection.close();
  }
}

/** The connector's override, else the server's code for its PSA (ConnectWise: the clientId). */
const effectiveIntegrationCode = (ctx: AppContext, kind: string, override: string | null): string =>
  override ??
  (kind === 'connectwise' ? ctx.config.connectwise.clientId : ctx.config.autotask.integrationCode);

export interface CreateConnectorInput {
  readonly kind: PsaKind;
  readonly username: string;
  readonly secret: string;
  readonly integrationCode?: string | undefined;
}

/**
 * CONNECT: verifies the credentials against the PSA first and stores nothing when they fail, so
 * the admin sees the precise reason (`psa_bad_secret`, …) and can retry with the same dialog.
 */
export async function createConnector(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  input: CreateConnectorInput,
): Promise<Connector> {
  await requireChannel(ctx, channelId);
  const conflict = (): AppError =>
    new AppError(
      'conflict',
      `This channel already has an ${psaDisplayName(input.kind)} connector; update its credentials or delete it instead.`,
    );
  if (await findConnectorByKind(ctx.database.db, channelId, input.kind)) throw conflict();

  const id = newId();
  const integrationCode = input.integrationCode ?? null;
  const verified = await verifyCredentials(ctx, input.kind, id, {
    username: input.username,
    secret: input.secret,
    integrationCode: effectiveIntegrationCode(ctx, input.kind, integrationCode),
  });
  if (!verified.ok) throw appErrorFromPsa(verified.error);

  const now = ctx.clock().toISOString();
  const row = {
    id,
    channel_id: channelId,
    kind: input.kind,
    status: 'connected',
    status_code: null,
    status_message: null,
    status_advice: null,
    username: input.username,
    secret_box: ctx.secretBox.sealJson(
      { secret: input.secret } satisfies SealedSecret,
      connectorSecretAad(id),
    ),
    integration_code: integrationCode,
    zone_name: verified.value.zoneName,
    currency: verified.value.currency ?? null,
    tenant_id: verified.value.tenantId,
    last_verified_at: now,
    last_sync_at: null,
    next_sync_at: null,
    companies_refreshed_at: null,
    companies_watermark: null,
    services_refreshed_at: null,
    created_by: actor.id,
    created_at: now,
    updated_at: now,
  } as const;
  try {
    await ctx.database.db.transaction().execute(async (trx) => {
      // Re-checked inside the transaction; the unique (channel, kind) constraint is the last word.
      if (await findConnectorByKind(trx, channelId, input.kind)) throw conflict();
      await insertConnector(trx, row);
      const { secret_box: _omit, ...record } = row;
      await recordAudit(trx, {
        actor,
        workspaceId: channelId,
        action: 'connector.created',
        entity: 'connector',
        entityId: id,
        after: auditView(record),
        at: now,
      });
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (await findConnectorByKind(ctx.database.db, channelId, input.kind)) throw conflict();
    throw error;
  }
  ctx.logger.info(
    { connectorId: id, channelId, kind: input.kind, zone: verified.value.zoneName },
    'connector created',
  );
  const created = await findConnector(ctx.database.db, id);
  if (!created) throw new AppError('internal', 'The connector vanished right after creation.');
  return connectorView(ctx, created);
}

async function openSecret(ctx: AppContext, connector: ConnectorRecord): Promise<string> {
  const envelope = await findConnectorSecretBox(ctx.database.db, connector.id);
  if (envelope === undefined) throw new AppError('not_found', 'No such connector.');
  const opened = ctx.secretBox.openJson(envelope, connectorSecretAad(connector.id));
  const secret = opened.ok ? secretOf(opened.value) : undefined;
  if (secret === undefined) {
    // Never the envelope or key material in the log: only the failure kind.
    ctx.logger.error(
      { connectorId: connector.id, failure: opened.ok ? 'malformed' : opened.error },
      'connector secret cannot be decrypted',
    );
    throw new AppError(
      'unavailable',
      'The stored PSA secret cannot be decrypted with the configured encryption keys.',
      {
        advice: 'Restore the previous ENCRYPTION_KEYS entry, or enter the credentials again.',
      },
    );
  }
  return secret;
}

function secretOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('secret' in value)) return undefined;
  return typeof value.secret === 'string' ? value.secret : undefined;
}

async function credentialsOf(ctx: AppContext, connector: ConnectorRecord): Promise<PsaCredentials> {
  return {
    username: connector.username,
    secret: await openSecret(ctx, connector),
    integrationCode: effectiveIntegrationCode(ctx, connector.kind, connector.integration_code),
  };
}

/**
 * The one place that decrypts a connector's secret: loads the connector, opens the secret and
 * returns an open PSA connection. The caller closes it. Throws `AppError` (not_found, conflict
 * when the connector is disconnected, unavailable when the secret cannot be decrypted).
 *
 * @example
 *   const { connection } = await openConnection(ctx, connectorId);
 *   try { await connection.readUnits(ids, day); } finally { await connection.close(); }
 */
export async function openConnection(
  ctx: AppContext,
  connectorId: string,
  options: {
    readonly onCall?: Parameters<PsaProvider['connect']>[1]['onCall'];
    readonly onPace?: Parameters<PsaProvider['connect']>[1]['onPace'];
    readonly allowDisconnected?: boolean;
  } = {},
): Promise<{ connection: PsaConnection; connector: ConnectorRecord }> {
  const connector = await findConnector(ctx.database.db, connectorId);
  if (!connector) throw new AppError('not_found', 'No such connector.');
  if (connector.status === 'disconnected' && options.allowDisconnected !== true) {
    throw new AppError(
      'conflict',
      'The connector is disconnected; reconnect it (verify or update credentials) first.',
    );
  }
  const provider = providerFor(ctx, connector.kind);
  const credentials = await credentialsOf(ctx, connector);
  const connection = provider.connect(credentials, {
    connectorId,
    onCall: countedCalls(connector.kind, options.onCall),
    ...(options.onPace ? { onPace: options.onPace } : {}),
  });
  return { connection, connector };
}

/**
 * The guide of a connector's PSA: its name and what to do in its screens, for messages and advice.
 * Needs no credentials. Throws `AppError` (not_found; unavailable when the kind has no provider).
 */
export async function psaGuideOf(ctx: AppContext, connectorId: string): Promise<PsaGuide> {
  const connector = await findConnector(ctx.database.db, connectorId);
  if (!connector) throw new AppError('not_found', 'No such connector.');
  return providerFor(ctx, connector.kind).guide;
}

/** Records a PSA credential failure seen by any caller (refresh, check, sync) on the connector. */
export async function markConnectorError(
  ctx: AppContext,
  connectorId: string,
  error: PsaError,
): Promise<void> {
  await updateConnector(ctx.database.db, connectorId, {
    status: 'error',
    status_code: appErrorFromPsa(error).code,
    status_message: error.message,
    status_advice: error.advice,
    updated_at: ctx.clock().toISOString(),
  });
}

async function setStatus(
  ctx: AppContext,
  actor: AuditActor,
  before: ConnectorRecord,
  changes: Parameters<typeof updateConnector>[2],
  action: string,
): Promise<ConnectorRecord> {
  const now = ctx.clock().toISOString();
  await ctx.database.db.transaction().execute(async (trx) => {
    await updateConnector(trx, before.id, { ...changes, updated_at: now });
    const after = await findConnector(trx, before.id);
    if (!after) throw new AppError('not_found', 'No such connector.');
    await recordAudit(trx, {
      actor,
      workspaceId: before.channel_id,
      action,
      entity: 'connector',
      entityId: before.id,
      before: auditView(before),
      after: auditView(after),
      at: now,
    });
  });
  const updated = await findConnector(ctx.database.db, before.id);
  if (!updated) throw new AppError('not_found', 'No such connector.');
  return updated;
}

/**
 * Re-verifies the stored credentials. Never fails on a PSA answer: the outcome is the connector's
 * new status (connected, or error with the reason), which is what the list shows.
 */
export async function verifyConnector(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  connectorId: string,
): Promise<Connector> {
  const before = await requireConnector(ctx, channelId, connectorId);
  const result = await verifyCredentials(ctx, before.kind, before.id, await credentialsOf(ctx, before));
  // A PSA outage says nothing about the credentials: report it without changing the status.
  if (!result.ok && !isCredentialFailure(result.error)) throw appErrorFromPsa(result.error);
  const now = ctx.clock().toISOString();
  const changes = result.ok
    ? {
        status: 'connected',
        status_code: null,
        status_message: null,
        status_advice: null,
        zone_name: result.value.zoneName,
        currency: result.value.currency ?? null,
        tenant_id: result.value.tenantId,
        last_verified_at: now,
      }
    : {
        status: 'error',
        status_code: appErrorFromPsa(result.error).code,
        status_message: result.error.message,
        status_advice: result.error.advice,
      };
  return connectorView(ctx, await setStatus(ctx, actor, before, changes, 'connector.verified'));
}

export interface UpdateCredentialsInput {
  readonly username?: string | undefined;
  readonly secret?: string | undefined;
  /** null removes the override. */
  readonly integrationCode?: string | null | undefined;
}

/** New credentials replace the stored ones only once the PSA accepted them. */
export async function updateCredentials(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  connectorId: string,
  input: UpdateCredentialsInput,
): Promise<Connector> {
  const before = await requireConnector(ctx, channelId, connectorId);
  const secret = input.secret ?? (await openSecret(ctx, before));
  const username = input.username ?? before.username;
  const integrationCode =
    input.integrationCode === undefined ? before.integration_code : input.integrationCode;
  const result = await verifyCredentials(ctx, before.kind, before.id, {
    username,
    secret,
    integrationCode: effectiveIntegrationCode(ctx, before.kind, integrationCode),
  });
  if (!result.ok) throw appErrorFromPsa(result.error);
  const now = ctx.clock().toISOString();
  const updated = await setStatus(
    ctx,
    actor,
    before,
    {
      username,
      integration_code: integrationCode,
      ...(input.secret === undefined
        ? {}
        : {
            secret_box: ctx.secretBox.sealJson(
              { secret: input.secret } satisfies SealedSecret,
              connectorSecretAad(before.id),
            ),
          }),
      status: 'connected',
      status_code: null,
      status_message: null,
      status_advice: null,
      zone_name: result.value.zoneName,
      currency: result.value.currency ?? null,
      tenant_id: result.value.tenantId,
      last_verified_at: now,
    },
    'connector.credentials_updated',
  );
  return connectorView(ctx, updated);
}

/** Stops syncing and keeps the mappings; verify or update credentials to reconnect. */
export async function disconnectConnector(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  connectorId: string,
): Promise<Connector> {
  const before = await requireConnector(ctx, channelId, connectorId);
  if (before.status === 'disconnected') return connectorView(ctx, before);
  const updated = await setStatus(
    ctx,
    actor,
    before,
    {
      status: 'disconnected',
      status_code: null,
      status_message: null,
      status_advice: null,
      next_sync_at: null,
    },
    'connector.disconnected',
  );
  return connectorView(ctx, updated);
}

/** Removes the connector with its caches and mappings (cascade), audited on the channel. */
export async function deleteConnector(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  connectorId: string,
): Promise<void> {
  const before = await requireConnector(ctx, channelId, connectorId);
  const now = ctx.clock().toISOString();
  await ctx.database.db.transaction().execute(async (trx) => {
    const counts = (await countMappings(trx, [before])).get(before.id);
    await deleteConnectorRow(trx, before.id);
    await recordAudit(trx, {
      actor,
      workspaceId: channelId,
      action: 'connector.deleted',
      entity: 'connector',
      entityId: before.id,
      before: {
        ...auditView(before),
        mappedWorkspaces: counts?.mappedWorkspaces ?? 0,
        mappedServices: counts?.mappedServices ?? 0,
      },
      at: now,
    });
  });
}
