import { Ok } from '../common.js';
import { ConnectorParams } from '../connectors.js';
import { defineEndpoint } from '../endpoint.js';
import {
  AutoMapApplyBody,
  AutoMapApplyResult,
  AutoMapProposalList,
  CompanyContractList,
  ContractCheckSummary,
  MapServiceBody,
  MappingBatchList,
  MappingBatchParams,
  MappingBatchUndoResult,
  MapWorkspaceBody,
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
} from '../mappings.js';
import { underConnector } from './paths.js';

const tags = ['mappings'];

const at = <R extends string>(rest: R) => underConnector(rest, tags);

/** Workspace mapping, service mapping and the contract check. Reads: any role; changes: admins. */
export const mappingEndpoints = {
  workspaces: defineEndpoint({
    method: 'GET',
    ...at('workspace-mappings'),
    params: ConnectorParams,
    query: WorkspaceMappingQuery,
    responses: { 200: WorkspaceMappingPage },
  }),
  suggestions: defineEndpoint({
    method: 'GET',
    ...at('workspace-mappings/suggestions'),
    params: ConnectorParams,
    query: SuggestionsQuery,
    responses: { 200: SuggestionList },
  }),
  autoMapProposals: defineEndpoint({
    method: 'GET',
    ...at('workspace-mappings/auto-map'),
    params: ConnectorParams,
    responses: { 200: AutoMapProposalList },
  }),
  autoMapApply: defineEndpoint({
    method: 'POST',
    ...at('workspace-mappings/auto-map'),
    params: ConnectorParams,
    body: AutoMapApplyBody,
    responses: { 200: AutoMapApplyResult },
  }),
  batches: defineEndpoint({
    method: 'GET',
    ...at('mapping-batches'),
    params: ConnectorParams,
    responses: { 200: MappingBatchList },
  }),
  undoBatch: defineEndpoint({
    method: 'POST',
    ...at('mapping-batches/:batchId/undo'),
    params: MappingBatchParams,
    responses: { 200: MappingBatchUndoResult },
  }),
  companyContracts: defineEndpoint({
    method: 'GET',
    ...at('workspace-mappings/:workspaceId/contracts'),
    params: WorkspaceMappingParams,
    responses: { 200: CompanyContractList },
  }),
  mapWorkspace: defineEndpoint({
    method: 'PUT',
    ...at('workspace-mappings/:workspaceId'),
    params: WorkspaceMappingParams,
    body: MapWorkspaceBody,
    responses: { 200: WorkspaceMappingItem },
  }),
  unmapWorkspace: defineEndpoint({
    method: 'DELETE',
    ...at('workspace-mappings/:workspaceId'),
    params: WorkspaceMappingParams,
    responses: { 200: Ok },
  }),
  pinContract: defineEndpoint({
    method: 'PUT',
    ...at('workspace-mappings/:workspaceId/pin'),
    params: WorkspaceMappingParams,
    body: PinContractBody,
    responses: { 200: WorkspaceMappingItem },
  }),
  services: defineEndpoint({
    method: 'GET',
    ...at('service-mappings'),
    params: ConnectorParams,
    responses: { 200: ServiceMappingList },
  }),
  serviceSuggestions: defineEndpoint({
    method: 'GET',
    ...at('service-mappings/suggestions'),
    params: ConnectorParams,
    responses: { 200: ServiceSuggestionList },
  }),
  mapService: defineEndpoint({
    method: 'PUT',
    ...at('service-mappings/:serviceKey'),
    params: ServiceMappingParams,
    body: MapServiceBody,
    responses: { 200: ServiceMappingItem },
  }),
  unmapService: defineEndpoint({
    method: 'DELETE',
    ...at('service-mappings/:serviceKey'),
    params: ServiceMappingParams,
    responses: { 200: Ok },
  }),
  contractCheck: defineEndpoint({
    method: 'POST',
    ...at('contract-check'),
    params: ConnectorParams,
    body: RunContractCheckBody,
    responses: { 200: ContractCheckSummary },
  }),
} as const;
