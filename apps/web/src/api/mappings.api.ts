import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from './client.js';
import { connectorPath, connectorsKey } from './connectors.api.js';
import type {
  AutoMapResult,
  ContractCheckSummary,
  ServiceMappingList,
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

export function useSuggestions(channelId: string, connectorId: string, isEnabled: boolean) {
  return useQuery({
    queryKey: [...workspaceMappingsKey(connectorId), 'suggestions'],
    queryFn: ({ signal }) =>
      api.get<SuggestionList>(
        `${connectorPath(channelId, connectorId)}/workspace-mappings/suggestions`,
        undefined,
        signal,
      ),
    enabled: isEnabled,
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

export function useAutoMap(channelId: string, connectorId: string) {
  const invalidate = useInvalidateMappings(channelId, connectorId);
  return useMutation({
    mutationFn: () =>
      api.post<AutoMapResult>(`${connectorPath(channelId, connectorId)}/workspace-mappings/auto-map`, {}),
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
