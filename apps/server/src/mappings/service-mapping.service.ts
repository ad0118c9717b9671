import type { ServiceMappingItem, ServiceSuggestionList } from '@coro/contracts';

import { recordAudit, type AuditActor } from '../audit/audit.repository.js';
import { requireConnector } from '../connectors/connector.service.js';
import { newId } from '../db/ids.js';
import { suggestServices } from '../domain/service-match.js';
import type { AppContext } from '../app/app-context.js';
import { AppError } from '../app/app-error.js';
import { findServices } from '../lookups/lookup.repository.js';
import { checkAfterChange } from './contract-check.service.js';
import { psaDisplayName } from '../psa/psa-provider.port.js';
import {
  deleteServiceMapping,
  findCatalogService,
  findPsaServiceHolder,
  findServiceMapping,
  listServiceMappings as listServiceMappingRows,
  listUnmappedPsaServices,
  upsertServiceMapping,
} from './service-mapping.repository.js';

export async function listServiceMappings(
  ctx: AppContext,
  channelId: string,
  connectorId: string,
): Promise<ServiceMappingItem[]> {
  await requireConnector(ctx, channelId, connectorId);
  const rows = await listServiceMappingRows(ctx.database.db, connectorId);
  const basis = (value: string): 'devices' | 'users' => (value === 'users' ? 'users' : 'devices');
  return rows.map((r) => ({
    serviceKey: r.serviceKey,
    serviceName: r.serviceName,
    serviceKind: r.serviceKind,
    defaultBillingBasis: basis(r.defaultBillingBasis),
    mapping: r.mapping ? { ...r.mapping, billingBasis: basis(r.mapping.billingBasis) } : null,
  }));
}

/**
 * `GET …/service-mappings/suggestions`: PSA services that look like each unmapped Coro service, by
 * name, initials or a known alias (domain/service-match.ts). Read-only: the admin accepts each.
 */
export async function suggestServiceMappings(
  ctx: AppContext,
  channelId: string,
  connectorId: string,
): Promise<ServiceSuggestionList> {
  await requireConnector(ctx, channelId, connectorId);
  const [rows, candidates] = await Promise.all([
    listServiceMappingRows(ctx.database.db, connectorId),
    listUnmappedPsaServices(ctx.database.db, connectorId),
  ]);
  return {
    items: rows
      .filter((r) => r.mapping === null)
      .map((r) => ({
        serviceKey: r.serviceKey,
        candidates: suggestServices(r.serviceName, candidates).map((s) => ({
          psaServiceId: s.id,
          psaServiceName: s.name,
          score: s.score,
          reason: s.reason,
        })),
      })),
  };
}

export async function mapService(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  connectorId: string,
  serviceKey: string,
  input: { psaServiceId: string; billingBasis?: 'devices' | 'users' | undefined },
): Promise<ServiceMappingItem> {
  const connector = await requireConnector(ctx, channelId, connectorId);
  const psaName = psaDisplayName(connector.kind);
  const catalog = await findCatalogService(ctx.database.db, serviceKey);
  if (!catalog) throw new AppError('not_found', `No Coro service "${serviceKey}".`);
  const [service] = await findServices(ctx.database.db, connectorId, [input.psaServiceId]);
  if (!service?.isPresent) {
    throw new AppError(
      'not_found',
      `${psaName} service ${input.psaServiceId} is not in this connector's service list. Refresh the lookups if it is new.`,
    );
  }
  const billingBasis = input.billingBasis ?? (catalog.billingBasis === 'users' ? 'users' : 'devices');
  const now = ctx.clock().toISOString();
  const conflict = (holderName: string): AppError =>
    new AppError(
      'conflict',
      `${psaName} service "${service.name}" is already mapped to Coro service "${holderName}". Unmap it there first.`,
    );
  let isChanged: boolean;
  try {
    isChanged = await ctx.database.db.transaction().execute(async (trx) => {
      const holder = await findPsaServiceHolder(trx, connectorId, input.psaServiceId);
      if (holder && holder.serviceKey !== serviceKey) throw conflict(holder.serviceName);
      const existing = await findServiceMapping(trx, connectorId, serviceKey);
      if (existing?.psa_service_id === input.psaServiceId && existing.billing_basis === billingBasis)
        return false;
      const id = existing?.id ?? newId();
      await upsertServiceMapping(trx, {
        id,
        connector_id: connectorId,
        service_key: serviceKey,
        psa_service_id: input.psaServiceId,
        billing_basis: billingBasis,
        created_by: existing?.created_by ?? actor.id,
        created_at: existing?.created_at ?? now,
        updated_at: now,
      });
      await recordAudit(trx, {
        actor,
        workspaceId: channelId,
        action: existing ? 'service_mapping.changed' : 'service_mapping.created',
        entity: 'service_mapping',
        entityId: id,
        before: existing
          ? {
              connectorId,
              serviceKey,
              psaServiceId: existing.psa_service_id,
              billingBasis: existing.billing_basis,
            }
          : undefined,
        after: {
          connectorId,
          serviceKey,
          psaServiceId: input.psaServiceId,
          psaServiceName: service.name,
          billingBasis,
        },
        at: now,
      });
      return true;
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    const holder = await findPsaServiceHolder(ctx.database.db, connectorId, input.psaServiceId);
    if (holder && holder.serviceKey !== serviceKey) throw conflict(holder.serviceName);
    throw error;
  }
  // Which contract services each company must hold just changed: every check is stale.
  if (isChanged) await checkAfterChange(ctx, connectorId, 'all');
  const items = await listServiceMappings(ctx, channelId, connectorId);
  const item = items.find((i) => i.serviceKey === serviceKey);
  if (!item) throw new AppError('not_found', `No Coro service "${serviceKey}".`);
  return item;
}

export async function unmapService(
  ctx: AppContext,
  actor: AuditActor,
  channelId: string,
  connectorId: string,
  serviceKey: string,
): Promise<void> {
  await requireConnector(ctx, channelId, connectorId);
  const now = ctx.clock().toISOString();
  await ctx.database.db.transaction().execute(async (trx) => {
    const existing = await findServiceMapping(trx, connectorId, serviceKey);
    if (!existing)
      throw new AppError('not_found', `Coro service "${serviceKey}" is not mapped on this connector.`);
    await deleteServiceMapping(trx, existing.id);
    await recordAudit(trx, {
      actor,
      workspaceId: channelId,
      action: 'service_mapping.deleted',
      entity: 'service_mapping',
      entityId: existing.id,
      before: {
        connectorId,
        serviceKey,
        psaServiceId: existing.psa_service_id,
        billingBasis: existing.billing_basis,
      },
      at: now,
    });
  });
  await checkAfterChange(ctx, connectorId, 'all');
}
