import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

import { api } from './client.js';
import { connectorPath, connectorsKey } from './connectors.api.js';
import type {
  ApproveLinesResult,
  LineKind,
  SyncRun,
  SyncRunDetail,
  SyncRunPage,
  SyncProgress,
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
      // A run just finished: the connector's "Last sync" and "Next sync" changed with it. A run can
      // also start and finish between two reads (a small preview applied at once): a newest run
      // that is new or changed its status counts too.
      const [before, now] = [previous?.items[0], page.items[0]];
      const isNewlyFinished =
        now !== undefined &&
        !isRunLive(now) &&
        previous !== undefined &&
        (before?.id !== now.id || before.status !== now.status);
      if ((previous?.items.some(isRunLive) && !page.items.some(isRunLive)) || isNewlyFinished)
        void client.invalidateQueries({ queryKey: connectorsKey(channelId) });
      return page;
    },
    // While a run is in flight, follow it (its own progress comes from its event stream; the list
    // only needs to learn that it finished).
    refetchInterval: (query) => (query.state.data?.items.some(isRunLive) ? 2000 : false),
  });
}

/**
 * One run with a page of its lines. While the run works its progress arrives on the server-sent
 * events stream (`useRunStream`); polling every 750 ms is the fallback when no stream is open.
 */
export function useSyncRunDetail(
  channelId: string,
  connectorId: string,
  runId: string | null,
  query: { kind?: LineKind; limit: number; offset: number },
  isStreaming = false,
) {
  return useQuery({
    queryKey: [...syncRunsKey(connectorId), 'detail', runId, query],
    queryFn: ({ signal }) =>
      api.get<SyncRunDetail>(`${syncPath(channelId, connectorId)}/runs/${runId ?? ''}`, { ...query }, signal),
    enabled: runId !== null,
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (isRunLive(q.state.data?.run) && !isStreaming ? 750 : false),
  });
}

/** A progress event folded into the run the page shows (counters, phase, budget wait). */
function withProgress(run: SyncRun, p: SyncProgress): SyncRun {
  const { wait: _wait, ...rest } = run;
  return {
    ...rest,
    ...(p.wait ? { wait: p.wait } : {}),
    status: run.status === 'queued' ? 'running' : run.status,
    phase: p.phase,
    progress: { done: p.done, total: p.total },
    counters: {
      ...run.counters,
      ...p.counters,
      unitsAdded: p.counters.unitsAdded ?? run.counters.unitsAdded,
      unitsRemoved: p.counters.unitsRemoved ?? run.counters.unitsRemoved,
    },
  };
}

/**
 * Follows a live run on its server-sent events stream (`GET …/runs/:runId/events`): each progress
 * event updates the cached run at once, and `done` refreshes the run, its lines and the connector.
 * Returns whether a stream is open; when it drops (a proxy that buffers, a restart) the hook gives
 * up on it for this run and the queries fall back to polling.
 */
export function useRunStream(channelId: string, connectorId: string, run: SyncRun | undefined): boolean {
  const client = useQueryClient();
  const [isStreaming, setStreaming] = useState(false);
  const liveRunId = run && isRunLive(run) ? run.id : null;
  useEffect(() => {
    if (liveRunId === null || typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api${syncPath(channelId, connectorId)}/runs/${liveRunId}/events`);
    const detailKey = [...syncRunsKey(connectorId), 'detail', liveRunId];
    const stop = (): void => {
      source.close();
      setStreaming(false);
    };
    source.onopen = () => setStreaming(true);
    source.addEventListener('progress', (event) => {
      const progress = JSON.parse((event as MessageEvent<string>).data) as SyncProgress;
      client.setQueriesData<SyncRunDetail>({ queryKey: detailKey }, (old) =>
        old ? { ...old, run: withProgress(old.run, progress) } : old,
      );
    });
    source.addEventListener('done', () => {
      stop();
      void client.invalidateQueries({ queryKey: syncRunsKey(connectorId) });
      void client.invalidateQueries({ queryKey: connectorsKey(channelId) });
    });
    // EventSource would retry by itself; polling is the simpler, proven fallback.
    source.onerror = stop;
    return stop;
  }, [client, channelId, connectorId, liveRunId]);
  return isStreaming;
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
