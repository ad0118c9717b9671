import {
  AutoMapApplyBody,
  AutoMapApplyResult,
  AutoMapProposalList,
  CompanyContractList,
  ConnectorParams,
  ContractCheckSummary,
  errorResponses,
  MapServiceBody,
  MappingBatchList,
  MappingBatchParams,
  MappingBatchUndoResult,
  MapWorkspaceBody,
  Ok,
  PinContractBody,
  RunContractCheckBody,
  ServiceMappingItem,
  ServiceMappingList,
  ServiceMappingParams,
  ServiceSuggestionList,
  SuggestionList,
  SuggestionsQuery,
  WorkspaceMappingItem,
  WorkspaceMappingPage,
  WorkspaceMappingParams,
  WorkspaceMappingQuery,
} from '@coro/contracts';

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

const tags = ['mappings'];
const base = '/api/workspaces/:channelId/connectors/:connectorId';

/** Workspace mapping, service mapping and the contract check. Reads: any role; changes: admins. */
export const mappingRoutes: RoutePlugin = (app, ctx) => {
  app.get(
    `${base}/workspace-mappings`,
    {
      schema: {
        tags,
        params: ConnectorParams,
        querystring: WorkspaceMappingQuery,
        response: { 200: WorkspaceMappingPage, ...errorResponses },
      },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'read');
      return listWorkspaceMappings(ctx, request.params.channelId, request.params.connectorId, request.query);
    },
  );

  app.get(
    `${base}/workspace-mappings/suggestions`,
    {
      schema: {
        tags,
        params: ConnectorParams,
        querystring: SuggestionsQuery,
        response: { 200: SuggestionList, ...errorResponses },
      },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'read');
      return suggestMappings(ctx, request.params.channelId, request.params.connectorId, request.query);
    },
  );

  app.get(
    `${base}/workspace-mappings/auto-map`,
    { schema: { tags, params: ConnectorParams, response: { 200: AutoMapProposalList, ...errorResponses } } },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'read');
      return proposeAutoMap(ctx, request.params.channelId, request.params.connectorId);
    },
  );

  app.post(
    `${base}/workspace-mappings/auto-map`,
    {
      schema: {
        tags,
        params: ConnectorParams,
        body: AutoMapApplyBody,
        response: { 200: AutoMapApplyResult, ...errorResponses },
      },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'write');
      const { channelId, connectorId } = request.params;
      return applyAutoMap(ctx, actorOf(request.principal), channelId, connectorId, request.body.pairs);
    },
  );

  app.get(
    `${base}/mapping-batches`,
    { schema: { tags, params: ConnectorParams, response: { 200: MappingBatchList, ...errorResponses } } },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'read');
      return listMappingBatches(ctx, request.params.channelId, request.params.connectorId);
    },
  );

  app.post(
    `${base}/mapping-batches/:batchId/undo`,
    {
      schema: {
        tags,
        params: MappingBatchParams,
        response: { 200: MappingBatchUndoResult, ...errorResponses },
      },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'write');
      const { channelId, connectorId, batchId } = request.params;
      return undoMappingBatch(ctx, actorOf(request.principal), channelId, connectorId, batchId);
    },
  );

  app.get(
    `${base}/workspace-mappings/:workspaceId/contracts`,
    {
      schema: {
        tags,
        params: WorkspaceMappingParams,
        response: { 200: CompanyContractList, ...errorResponses },
      },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'read');
      const { channelId, connectorId, workspaceId } = request.params;
      return listCompanyContracts(ctx, channelId, connectorId, workspaceId);
    },
  );

  app.put(
    `${base}/workspace-mappings/:workspaceId`,
    {
      schema: {
        tags,
        params: WorkspaceMappingParams,
        body: MapWorkspaceBody,
        response: { 200: WorkspaceMappingItem, ...errorResponses },
      },
    },
    async (request) => {
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
    },
  );

  app.delete(
    `${base}/workspace-mappings/:workspaceId`,
    { schema: { tags, params: WorkspaceMappingParams, response: { 200: Ok, ...errorResponses } } },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'write');
      const { channelId, connectorId, workspaceId } = request.params;
      await unmapWorkspace(ctx, actorOf(request.principal), channelId, connectorId, workspaceId);
      return { ok: true as const };
    },
  );

  app.put(
    `${base}/workspace-mappings/:workspaceId/pin`,
    {
      schema: {
        tags,
        params: WorkspaceMappingParams,
        body: PinContractBody,
        response: { 200: WorkspaceMappingItem, ...errorResponses },
      },
    },
    async (request) => {
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
    },
  );

  app.get(
    `${base}/service-mappings`,
    { schema: { tags, params: ConnectorParams, response: { 200: ServiceMappingList, ...errorResponses } } },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'read');
      return { items: await listServiceMappings(ctx, request.params.channelId, request.params.connectorId) };
    },
  );

  app.get(
    `${base}/service-mappings/suggestions`,
    {
      schema: { tags, params: ConnectorParams, response: { 200: ServiceSuggestionList, ...errorResponses } },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'read');
      return suggestServiceMappings(ctx, request.params.channelId, request.params.connectorId);
    },
  );

  app.put(
    `${base}/service-mappings/:serviceKey`,
    {
      schema: {
        tags,
        params: ServiceMappingParams,
        body: MapServiceBody,
        response: { 200: ServiceMappingItem, ...errorResponses },
      },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'write');
      const { channelId, connectorId, serviceKey } = request.params;
      return mapService(ctx, actorOf(request.principal), channelId, connectorId, serviceKey, request.body);
    },
  );

  app.delete(
    `${base}/service-mappings/:serviceKey`,
    { schema: { tags, params: ServiceMappingParams, response: { 200: Ok, ...errorResponses } } },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'write');
      const { channelId, connectorId, serviceKey } = request.params;
      await unmapService(ctx, actorOf(request.principal), channelId, connectorId, serviceKey);
      return { ok: true as const };
    },
  );

  app.post(
    `${base}/contract-check`,
    {
      schema: {
        tags,
        params: ConnectorParams,
        body: RunContractCheckBody,
        response: { 200: ContractCheckSummary, ...errorResponses },
      },
    },
    async (request) => {
      await request.requireChannel(request.params.channelId, 'write');
      return runContractCheck(
        ctx,
        request.params.channelId,
        request.params.connectorId,
        request.body.workspaceIds,
      );
    },
  );
};
