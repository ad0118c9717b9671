import type { Connector } from '@coro/contracts';

import { recordAudit, type AuditActor } from '../audit/audit.repository.js';
import type { AppContext } from '../app/app-context.js';
import { AppError, appErrorFromPsa } from '../app/app-error.js';
import { newId } from '../db/ids.js';
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
import { isCredentialFailure, isPsaKind, psaDisplayName } from '../psa/psa-provider.port.js';
import {
  countMappings,
  deleteConnector as deleteConnectorRow,
  findConnector,
  findConnectorByKind,
  findConnectorSecretBox,
  insertConnector,
  updateConnector,
  type ConnectorRecord,
} from './connector.repository.js';
import { connectorView } from './connector.view.js';

/** AAD of a connector's secret: an envelope copied to another row does not open. */
export const connectorSecretAad = (connectorId: string): string => `connector:${connectorId}:credentials`;

interface SealedSecret {
  readonly secret: string;
}

// Re-exported for the services that already take it from here.
export { isCredentialFailure };

export function providerFor(ctx: AppContext, kind: string): PsaProvider {
  const provider = isPsaKind(kind) ? ctx.psaProviders[kind] : undefined;
  if (!provider) throw new AppError('unavailable', `This server has no ${kind} integration configured.`);
  return provider;
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
