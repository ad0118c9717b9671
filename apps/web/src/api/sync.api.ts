import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from './client.js';
import { connectorPath, connectorsKey } from './connectors.api.js';
import type {
  ApproveLinesResult,
  LineKind,
  SyncRun,
  SyncRunDetail,
  SyncRunPage,
  SyncRunStarted,
  SyncSettings,
  SyncSettingsBody,
  UsageSeries,
} from './sync-types.js';

const syncPath = (channelId: string, connectorId: string) => `${connectorPath(channelId, connectorId)}/sync`;
export const syncRunsKey = (connectorId: string) => ['sync-runs', connectorId] as const;
export const isRunLive = (run: SyncRun | undefined) => run?.status === 'queued' || run?.status === 'running';

export function useSyncRuns(channelId: string, connectorId: string) {
  const client = useQueryClient();
  const queryKey = [...syncRunsKey(connectorId), 'list'] as const;
  return useQuery({
    queryKey,
    queryFn: async ({ signal }) => {
      const previous = client.getQueryData<SyncRunPage>(queryKey);
      const page = await api.get<SyncRunPage>(
        `${syncPath(channelId, connectorId)}/runs`,
        { limit: 20 },
        signal,
      );
      // A run just finished: the connector's "Last sync" and "Next sync" changed with it.
      if (previous?.items.some(isRunLive) && !page.items.some(isRunLive))
        void client.invalidateQueries({ queryKey: connectorsKey(channelId) });
      return page;
    },
    // While a run is in flight, follow it.
    refetchInterval: (query) => (query.state.data?.items.some(isRunLive) ? 1000 : false),
  });
}

/** One run with a page of its lines; polled while the run works (live progress). */
export function useSyncRunDetail(
  channelId: string,
  connectorId: string,
  runId: string | null,
  query: { kind?: LineKind; limit: number; offset: number },
) {
  return useQuery({
    queryKey: [...syncRunsKey(connectorId), 'detail', runId, query],
    queryFn: ({ signal }) =>
      api.get<SyncRunDetail>(`${syncPath(channelId, connectorId)}/runs/${runId ?? ''}`, { ...query }, signal),
    enabled: runId !== null,
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (isRunLive(q.state.data?.run) ? 750 : false),
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

/** The preview: planned and stored with its money impact, nothing written (answered when done). */
export function usePreviewSync(channelId: string, connectorId: string) {
  const invalidate = useInvalidateRuns(channelId, connectorId);
  return useMutation({
    mutationFn: () => api.post<SyncRunDetail>(`${syncPath(channelId, connectorId)}/preview`),
    onSuccess: invalidate,
  });
}

/**
 * Applies exactly a reviewed preview: answered at once with the run to follow, or a 409
 * `preview_stale` (an `ApiError` whose details are `PreviewStaleDetails`) when it is out of date.
 */
export function useApplyPreview(channelId: string, connectorId: string) {
  const invalidate = useInvalidateRuns(channelId, connectorId);
  return useMutation({
    mutationFn: (previewRunId: string) =>
      api.post<SyncRunStarted>(`${syncPath(channelId, connectorId)}/runs/${previewRunId}/apply`),
    onSettled: invalidate,
  });
}

export function useApproveLines(channelId: string, connectorId: string) {
  const invalidate = useInvalidateRuns(channelId, connectorId);
  return useMutation({
    mutationFn: ({ runId, lineIds }: { runId: string; lineIds: readonly string[] }) =>
      api.post<ApproveLinesResult>(`${syncPath(channelId, connectorId)}/runs/${runId}/approve`, { lineIds }),
    onSuccess: invalidate,
  });
}

/** A plain link target: the browser downloads it with the session cookie. */
export function syncRunCsvUrl(channelId: string, connectorId: string, runId: string): string {
  return `/api${syncPath(channelId, connectorId)}/runs/${runId}/export.csv`;
}

export const syncSettingsKey = (connectorId: string) => ['sync-settings', connectorId] as const;

export function useSyncSettings(channelId: string, connectorId: string) {
  return useQuery({
    queryKey: syncSettingsKey(connectorId),
    queryFn: ({ signal }) =>
      api.get<SyncSettings>(`${syncPath(channelId, connectorId)}/settings`, undefined, signal),
  });
}

export function useSaveSyncSettings(channelId: string, connectorId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings: SyncSettingsBody) =>
      api.put<SyncSettings>(`${syncPath(channelId, connectorId)}/settings`, settings),
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
