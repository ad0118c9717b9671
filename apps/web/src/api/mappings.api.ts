import { endpoints } from '@coro/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { call } from './client.js';
import { connectorsKey } from './connectors.api.js';
import type { AutoMapApplyBody, WorkspaceMappingQuery } from './types.js';

export const workspaceMappingsKey = (connectorId: string) => ['workspace-mappings', connectorId] as const;
export const serviceMappingsKey = (connectorId: string) => ['service-mappings', connectorId] as const;

export function useWorkspaceMappings(channelId: string, connectorId: string, query: WorkspaceMappingQuery) {
  return useQuery({
    queryKey: [...workspaceMappingsKey(connectorId), query],
    queryFn: ({ signal }) =>
      call(endpoints.mappings.workspaces, { params: { channelId, connectorId }, query, signal }),
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
      call(endpoints.mappings.suggestions, {
        params: { channelId, connectorId },
        query: { workspaceIds: ids },
        signal,
      }),
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
      call(endpoints.mappings.mapWorkspace, {
        params: { channelId, connectorId, workspaceId },
        body: { companyId },
      }),
    onSuccess: invalidate,
  });
}

export function useUnmapWorkspace(channelId: string, connectorId: string) {
  const invalidate = useInvalidateMappings(channelId, connectorId);
  return useMutation({
    mutationFn: (workspaceId: string) =>
      call(endpoints.mappings.unmapWorkspace, { params: { channelId, connectorId, workspaceId } }),
    onSuccess: invalidate,
  });
}

/** Every auto-map proposal; read only when the review dialog is open, always fresh. */
export function useAutoMapProposals(channelId: string, connectorId: string, isOpen: boolean) {
  return useQuery({
    queryKey: [...workspaceMappingsKey(connectorId), 'auto-map'],
    queryFn: ({ signal }) =>
      call(endpoints.mappings.autoMapProposals, { params: { channelId, connectorId }, signal }),
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
      call(endpoints.mappings.autoMapApply, { params: { channelId, connectorId }, body }),
    onSuccess: invalidate,
  });
}

/** The latest auto-map batches: undo stays on offer after a reload. */
export function useMappingBatches(channelId: string, connectorId: string, isEnabled: boolean) {
  return useQuery({
    queryKey: [...workspaceMappingsKey(connectorId), 'batches'],
    queryFn: ({ signal }) => call(endpoints.mappings.batches, { params: { channelId, connectorId }, signal }),
    enabled: isEnabled,
  });
}

export function useUndoMappingBatch(channelId: string, connectorId: string) {
  const invalidate = useInvalidateMappings(channelId, connectorId);
  return useMutation({
    mutationFn: (batchId: string) =>
      call(endpoints.mappings.undoBatch, { params: { channelId, connectorId, batchId } }),
    onSuccess: invalidate,
  });
}

/** The mapped company's contracts in the PSA, for the pin picker (read when it opens). */
export function useCompanyContracts(channelId: string, connectorId: string, workspaceId: string | null) {
  return useQuery({
    queryKey: [...workspaceMappingsKey(connectorId), 'contracts', workspaceId],
    queryFn: ({ signal }) =>
      call(endpoints.mappings.companyContracts, {
        params: { channelId, connectorId, workspaceId: workspaceId ?? '' },
        signal,
      }),
    enabled: workspaceId !== null,
  });
}

/** `contractId: null` removes the pin; the server re-runs the check with it. */
export function usePinContract(channelId: string, connectorId: string) {
  const invalidate = useInvalidateMappings(channelId, connectorId);
  return useMutation({
    mutationFn: ({ workspaceId, contractId }: { workspaceId: string; contractId: string | null }) =>
      call(endpoints.mappings.pinContract, {
        params: { channelId, connectorId, workspaceId },
        body: { contractId },
      }),
    onSuccess: invalidate,
  });
}

export function useRunContractCheck(channelId: string, connectorId: string) {
  const invalidate = useInvalidateMappings(channelId, connectorId);
  return useMutation({
    mutationFn: () =>
      call(endpoints.mappings.contractCheck, { params: { channelId, connectorId }, body: {} }),
    onSuccess: invalidate,
  });
}

export function useServiceMappings(channelId: string, connectorId: string) {
  return useQuery({
    queryKey: serviceMappingsKey(connectorId),
    queryFn: ({ signal }) =>
      call(endpoints.mappings.services, { params: { channelId, connectorId }, signal }),
  });
}

/** PSA services that look like each unmapped Coro service (name, initials, known aliases). */
export function useServiceSuggestions(channelId: string, connectorId: string, isEnabled: boolean) {
  return useQuery({
    queryKey: [...serviceMappingsKey(connectorId), 'suggestions'],
    queryFn: ({ signal }) =>
      call(endpoints.mappings.serviceSuggestions, { params: { channelId, connectorId }, signal }),
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
      call(endpoints.mappings.mapService, {
        params: { channelId, connectorId, serviceKey },
        body: { psaServiceId, ...(billingBasis ? { billingBasis } : {}) },
      }),
    onSuccess: invalidate,
  });
}

export function useUnmapService(channelId: string, connectorId: string) {
  const invalidate = useInvalidateMappings(channelId, connectorId);
  return useMutation({
    mutationFn: (serviceKey: string) =>
      call(endpoints.mappings.unmapService, { params: { channelId, connectorId, serviceKey } }),
    onSuccess: invalidate,
  });
}
