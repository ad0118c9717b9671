import { endpoints } from '@coro/contracts';
import { actorOf } from '../../auth/principal.js';
import { applyAutoMap, proposeAutoMap } from '../../mappings/auto-map.service.js';
import { listMappingBatches, undoMappingBatch } from '../../mappings/mapping-batch.service.js';
import { runContractCheck } from '../../mappings/contract-check.service.js';
import { suggestMappings } from '../../mappings/mapping-suggestion.service.js';
import {
  listServiceMappings,
  mapService,
  suggestServiceMappings,
  unmapService,
} from '../../mappings/service-mapping.service.js';
import {
  listCompanyContracts,
  listWorkspaceMappings,
  mapWorkspace,
  pinContract,
  unmapWorkspace,
} from '../../mappings/workspace-mapping.service.js';
import type { RoutePlugin } from './route-plugin.js';
import { serve } from './serve-endpoint.js';

/** Workspace mapping, service mapping and the contract check. Reads: any role; changes: admins. */
export const mappingRoutes: RoutePlugin = (app, ctx) => {
  serve(app, endpoints.mappings.workspaces, async (request) => {
    await request.requireChannel(request.params.channelId, 'read');
    return listWorkspaceMappings(ctx, request.params.channelId, request.params.connectorId, request.query);
  });

  serve(app, endpoints.mappings.suggestions, async (request) => {
    await request.requireChannel(request.params.channelId, 'read');
    return suggestMappings(ctx, request.params.channelId, request.params.connectorId, request.query);
  });

  serve(app, endpoints.mappings.autoMapProposals, async (request) => {
    await request.requireChannel(request.params.channelId, 'read');
    return proposeAutoMap(ctx, request.params.channelId, request.params.connectorId);
  });

  serve(app, endpoints.mappings.autoMapApply, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    const { channelId, connectorId } = request.params;
    return applyAutoMap(ctx, actorOf(request.principal), channelId, connectorId, request.body.pairs);
  });

  serve(app, endpoints.mappings.batches, async (request) => {
    await request.requireChannel(request.params.channelId, 'read');
    return listMappingBatches(ctx, request.params.channelId, request.params.connectorId);
  });

  serve(app, endpoints.mappings.undoBatch, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    const { channelId, connectorId, batchId } = request.params;
    return undoMappingBatch(ctx, actorOf(request.principal), channelId, connectorId, batchId);
  });

  serve(app, endpoints.mappings.companyContracts, async (request) => {
    await request.requireChannel(request.params.channelId, 'read');
    const { channelId, connectorId, workspaceId } = request.params;
    return listCompanyContracts(ctx, channelId, connectorId, workspaceId);
  });

  serve(app, endpoints.mappings.mapWorkspace, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    const { channelId, connectorId, workspaceId } = request.params;
    return mapWorkspace(
      ctx,
      actorOf(request.principal),
      channelId,
      connectorId,
      workspaceId,
      request.body.companyId,
    );
  });

  serve(app, endpoints.mappings.unmapWorkspace, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    const { channelId, connectorId, workspaceId } = request.params;
    await unmapWorkspace(ctx, actorOf(request.principal), channelId, connectorId, workspaceId);
    return { ok: true as const };
  });

  serve(app, endpoints.mappings.pinContract, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    const { channelId, connectorId, workspaceId } = request.params;
    return pinContract(
      ctx,
      actorOf(request.principal),
      channelId,
      connectorId,
      workspaceId,
      request.body.contractId,
    );
  });

  serve(app, endpoints.mappings.services, async (request) => {
    await request.requireChannel(request.params.channelId, 'read');
    return { items: await listServiceMappings(ctx, request.params.channelId, request.params.connectorId) };
  });

  serve(app, endpoints.mappings.serviceSuggestions, async (request) => {
    await request.requireChannel(request.params.channelId, 'read');
    return suggestServiceMappings(ctx, request.params.channelId, request.params.connectorId);
  });

  serve(app, endpoints.mappings.mapService, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    const { channelId, connectorId, serviceKey } = request.params;
    return mapService(ctx, actorOf(request.principal), channelId, connectorId, serviceKey, request.body);
  });

  serve(app, endpoints.mappings.unmapService, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    const { channelId, connectorId, serviceKey } = request.params;
    await unmapService(ctx, actorOf(request.principal), channelId, connectorId, serviceKey);
    return { ok: true as const };
  });

  serve(app, endpoints.mappings.contractCheck, async (request) => {
    await request.requireChannel(request.params.channelId, 'write');
    return runContractCheck(
      ctx,
      request.params.channelId,
      request.params.connectorId,
      request.body.workspaceIds,
    );
  });
};
