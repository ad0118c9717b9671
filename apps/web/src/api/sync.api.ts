import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from './client.js';
import { connectorPath, connectorsKey } from './connectors.api.js';
import type { SyncLinePage, SyncRun, SyncRunList, SyncSettings, UsageSeries } from './sync-types.js';

export const syncRunsKey = (connectorId: string) => ['sync-runs', connectorId] as const;
const isActive = (run: SyncRun | undefined) => run?.status === 'queued' || run?.status === 'running';

export function useSyncRuns(channelId: string, connectorId: string) {
  return useQuery({
    queryKey: syncRunsKey(connectorId),
    queryFn: ({ signal }) =>
      api.get<SyncRunList>(`${connectorPath(channelId, connectorId)}/sync-runs`, { limit: 20 }, signal),
    // While a run is in flight, follow it.
    refetchInterval: (query) => (query.state.data?.items.some(isActive) ? 1000 : false),
  });
}

export function useSyncRun(channelId: string, connectorId: string, runId: string | null) {
  return useQuery({
    queryKey: [...syncRunsKey(connectorId), runId],
    queryFn: ({ signal }) =>
      api.get<SyncRun>(
        `${connectorPath(channelId, connectorId)}/sync-runs/${runId ?? ''}`,
        undefined,
        signal,
      ),
    enabled: runId !== null,
    refetchInterval: (query) => (isActive(query.state.data) ? 750 : false),
  });
}

export function useSyncLines(
  channelId: string,
  connectorId: string,
  runId: string | null,
  query: { kind?: string; limit: number; offset: number },
  isLive: boolean,
) {
  return useQuery({
    queryKey: [...syncRunsKey(connectorId), runId, 'lines', query],
    queryFn: ({ signal }) =>
      api.get<SyncLinePage>(
        `${connectorPath(channelId, connectorId)}/sync-runs/${runId ?? ''}/lines`,
        { ...query },
        signal,
      ),
    enabled: runId !== null,
    placeholderData: keepPreviousData,
    refetchInterval: isLive ? 1500 : false,
  });
}

function useInvalidateRuns(channelId: string, connectorId: string) {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: syncRunsKey(connectorId) }),
      client.invalidateQueries({ queryKey: connectorsKey(channelId) }),
    ]);
}

/** `dry-run` is the preview: the plan is computed and stored, nothing is written to Autotask. */
export function useStartSync(channelId: string, connectorId: string) {
  const invalidate = useInvalidateRuns(channelId, connectorId);
  return useMutation({
    mutationFn: (mode: 'apply' | 'dry-run') =>
      api.post<SyncRun>(`${connectorPath(channelId, connectorId)}/sync-runs`, { mode }),
    onSuccess: invalidate,
  });
}

export function useApproveLines(channelId: string, connectorId: string) {
  const invalidate = useInvalidateRuns(channelId, connectorId);
  return useMutation({
    mutationFn: ({ runId, lineIds }: { runId: string; lineIds: readonly string[] }) =>
      api.post<unknown>(`${connectorPath(channelId, connectorId)}/sync-runs/${runId}/approve`, { lineIds }),
    onSuccess: invalidate,
  });
}

/** A plain link target: the browser downloads it with the session cookie. */
export function syncRunCsvUrl(channelId: string, connectorId: string, runId: string): string {
  return `/api${connectorPath(channelId, connectorId)}/sync-runs/${runId}/lines.csv`;
}

export const syncSettingsKey = (connectorId: string) => ['sync-settings', connectorId] as const;

export function useSyncSettings(channelId: string, connectorId: string) {
  return useQuery({
    queryKey: syncSettingsKey(connectorId),
    queryFn: ({ signal }) =>
      api.get<SyncSettings>(`${connectorPath(channelId, connectorId)}/sync-settings`, undefined, signal),
  });
}

export function useSaveSyncSettings(channelId: string, connectorId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings: Omit<SyncSettings, 'updatedAt' | 'updatedBy'>) =>
      api.put<SyncSettings>(`${connectorPath(channelId, connectorId)}/sync-settings`, settings),
    onSuccess: (saved) => {
      client.setQueryData(syncSettingsKey(connectorId), saved);
      return client.invalidateQueries({ queryKey: connectorsKey(channelId) });
    },
  });
}

export function useUsageSeries(workspaceId: string | null, serviceKey: string | null, from: string) {
  return useQuery({
    queryKey: ['usage', workspaceId, serviceKey, from],
    queryFn: ({ signal }) =>
      api.get<UsageSeries>(`/workspaces/${workspaceId ?? ''}/usage`, { from, serviceKey }, signal),
    enabled: workspaceId !== null && serviceKey !== null,
  });
}
