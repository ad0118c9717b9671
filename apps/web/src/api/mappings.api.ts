import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from './client.js';
import { connectorPath, connectorsKey } from './connectors.api.js';
import type {
  AutoMapApplyBody,
  AutoMapApplyResult,
  AutoMapProposalList,
  CompanyContractList,
  ContractCheckSummary,
  MappingBatchList,
  MappingBatchUndoResult,
  ServiceMappingList,
  ServiceSuggestionList,
  SuggestionList,
  WorkspaceMappingItem,
  WorkspaceMappingPage,
  WorkspaceMappingQuery,
} from './types.js';

export const workspaceMappingsKey = (connectorId: string) => ['workspace-mappings', connectorId] as const;
export const serviceMappingsKey = (connectorId: string) => ['service-mappings', connectorId] as const;

export function useWorkspaceMappings(channelId: string, connectorId: string, query: WorkspaceMappingQuery) {
  return useQuery({
    queryKey: [...workspaceMappingsKey(connectorId), query],
    queryFn: ({ signal }) =>
      api.get<WorkspaceMappingPage>(
        `${connectorPath(channelId, connectorId)}/workspace-mappings`,
        { ...query },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
}

/**
 * Suggestions for the rows on screen only (issue 12: the whole list was 1.7 MB at 5,000
 * workspaces): `workspaceIds` are the visible unmapped rows; nothing is asked when there are none.
 */
export function useSuggestions(
  channelId: string,
  connectorId: string,
  workspaceIds: readonly string[],
  isEnabled: boolean,
) {
  const ids = [...workspaceIds].sort().join(',');
  return useQuery({
    queryKey: [...workspaceMappingsKey(connectorId), 'suggestions', ids],
    queryFn: ({ signal }) =>
      api.get<SuggestionList>(
        `${connectorPath(channelId, connectorId)}/workspace-mappings/suggestions`,
        { workspaceIds: ids },
        signal,
      ),
    enabled: isEnabled && ids.length > 0,
    // The previous page's suggestions stay shown (they are keyed by workspace) while the next loads.
    placeholderData: keepPreviousData,
  });
}

function useInvalidateMappings(channelId: string, connectorId: string) {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: workspaceMappingsKey(connectorId) }),
      client.invalidateQueries({ queryKey: serviceMappingsKey(connectorId) }),
      client.invalidateQueries({ queryKey: ['lookup', connectorId] }),
      client.invalidateQueries({ queryKey: connectorsKey(channelId) }),
    ]);
}

export function useMapWorkspace(channelId: string, connectorId: string) {
  const invalidate = useInvalidateMappings(channelId, connectorId);
  return useMutation({
    mutationFn: ({ workspaceId, companyId }: { workspaceId: string; companyId: string }) =>
      api.put<WorkspaceMappingItem>(
        `${connectorPath(channelId, connectorId)}/workspace-mappings/${workspaceId}`,
        {
          companyId,
        },
      ),
    onSuccess: invalidate,
  });
}

export function useUnmapWorkspace(channelId: string, connectorId: string) {
  const invalidate = useInvalidateMappings(channelId, connectorId);
  return useMutation({
    mutationFn: (workspaceId: string) =>
      api.delete<unknown>(`${connectorPath(channelId, connectorId)}/workspace-mappings/${workspaceId}`),
    onSuccess: invalidate,
  });
}

/** Every auto-map proposal; read only when the review dialog is open, always fresh. */
export function useAutoMapProposals(channelId: string, connectorId: string, isOpen: boolean) {
  return useQuery({
    queryKey: [...workspaceMappingsKey(connectorId), 'auto-map'],
    queryFn: ({ signal }) =>
      api.get<AutoMapProposalList>(
        `${connectorPath(channelId, connectorId)}/workspace-mappings/auto-map`,
        undefined,
        signal,
      ),
    enabled: isOpen,
    staleTime: 0,
    gcTime: 0,
  });
}

/** Applies the reviewed pairs; the server checks their contracts before it answers. */
export function useApplyAutoMap(channelId: string, connectorId: string) {
  const invalidate = useInvalidateMappings(channelId, connectorId);
  return useMutation({
    mutationFn: (body: AutoMapApplyBody) =>
      api.post<AutoMapApplyResult>(
        `${connectorPath(channelId, connectorId)}/workspace-mappings/auto-map`,
        body,
      ),
    onSuccess: invalidate,
  });
}

/** The latest auto-map batches: undo stays on offer after a reload. */
export function useMappingBatches(channelId: string, connectorId: string, isEnabled: boolean) {
  return useQuery({
    queryKey: [...workspaceMappingsKey(connectorId), 'batches'],
    queryFn: ({ signal }) =>
      api.get<MappingBatchList>(
        `${connectorPath(channelId, connectorId)}/mapping-batches`,
        undefined,
        signal,
      ),
    enabled: isEnabled,
  });
}

export function useUndoMappingBatch(channelId: string, connectorId: string) {
  const invalidate = useInvalidateMappings(channelId, connectorId);
  return useMutation({
    mutationFn: (batchId: string) =>
      api.post<MappingBatchUndoResult>(
        `${connectorPath(channelId, connectorId)}/mapping-batches/${batchId}/undo`,
        {},
      ),
    onSuccess: invalidate,
  });
}

/** The mapped company's contracts in the PSA, for the pin picker (read when it opens). */
export function useCompanyContracts(channelId: string, connectorId: string, workspaceId: string | null) {
  return useQuery({
    queryKey: [...workspaceMappingsKey(connectorId), 'contracts', workspaceId],
    queryFn: ({ signal }) =>
      api.get<CompanyContractList>(
        `${connectorPath(channelId, connectorId)}/workspace-mappings/${workspaceId ?? ''}/contracts`,
        undefined,
        signal,
      ),
    enabled: workspaceId !== null,
  });
}

/** `contractId: null` removes the pin; the server re-runs the check with it. */
export function usePinContract(channelId: string, connectorId: string) {
  const invalidate = useInvalidateMappings(channelId, connectorId);
  return useMutation({
    mutationFn: ({ workspaceId, contractId }: { workspaceId: string; contractId: string | null }) =>
      api.put<WorkspaceMappingItem>(
        `${connectorPath(channelId, connectorId)}/workspace-mappings/${workspaceId}/pin`,
        { contractId },
      ),
    onSuccess: invalidate,
  });
}

export function useRunContractCheck(channelId: string, connectorId: string) {
  const invalidate = useInvalidateMappings(channelId, connectorId);
  return useMutation({
    mutationFn: () =>
      api.post<ContractCheckSummary>(`${connectorPath(channelId, connectorId)}/contract-check`, {}),
    onSuccess: invalidate,
  });
}

export function useServiceMappings(channelId: string, connectorId: string) {
  return useQuery({
    queryKey: serviceMappingsKey(connectorId),
    queryFn: ({ signal }) =>
      api.get<ServiceMappingList>(
        `${connectorPath(channelId, connectorId)}/service-mappings`,
        undefined,
        signal,
      ),
  });
}

/** PSA services that look like each unmapped Coro service (name, initials, known aliases). */
export function useServiceSuggestions(channelId: string, connectorId: string, isEnabled: boolean) {
  return useQuery({
    queryKey: [...serviceMappingsKey(connectorId), 'suggestions'],
    queryFn: ({ signal }) =>
      api.get<ServiceSuggestionList>(
        `${connectorPath(channelId, connectorId)}/service-mappings/suggestions`,
        undefined,
        signal,
      ),
    enabled: isEnabled,
  });
}

export function useMapService(channelId: string, connectorId: string) {
  const invalidate = useInvalidateMappings(channelId, connectorId);
  return useMutation({
    mutationFn: ({
      serviceKey,
      psaServiceId,
      billingBasis,
    }: {
      serviceKey: string;
      psaServiceId: string;
      billingBasis?: 'devices' | 'users';
    }) =>
      api.put<unknown>(`${connectorPath(channelId, connectorId)}/service-mappings/${serviceKey}`, {
        psaServiceId,
        ...(billingBasis ? { billingBasis } : {}),
      }),
    onSuccess: invalidate,
  });
}

export function useUnmapService(channelId: string, connectorId: string) {
  const invalidate = useInvalidateMappings(channelId, connectorId);
  return useMutation({
    mutationFn: (serviceKey: string) =>
      api.delete<unknown>(`${connectorPath(channelId, connectorId)}/service-mappings/${serviceKey}`),
    onSuccess: invalidate,
  });
}
