import { endpoints } from '@coro/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

import { call, urlOf } from './client.js';
import { connectorsKey } from './connectors.api.js';
import type {
  LineKind,
  SyncRun,
  SyncRunDetail,
  SyncRunPage,
  SyncProgress,
  SyncSettingsBody,
} from './sync-types.js';

export const syncRunsKey = (connectorId: string) => ['sync-runs', connectorId] as const;
export const isRunLive = (run: SyncRun | undefined) => run?.status === 'queued' || run?.status === 'running';

export function useSyncRuns(channelId: string, connectorId: string) {
  const client = useQueryClient();
  const queryKey = [...syncRunsKey(connectorId), 'list'] as const;
  return useQuery({
    queryKey,
    queryFn: async ({ signal }) => {
      const previous = client.getQueryData<SyncRunPage>(queryKey);
      const page = await call(endpoints.sync.runs, {
        params: { channelId, connectorId },
        query: { limit: 20 },
        signal,
      });
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
      call(endpoints.sync.run, { params: { channelId, connectorId, runId: runId ?? '' }, query, signal }),
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
    const source = new EventSource(
      urlOf(endpoints.sync.events, { params: { channelId, connectorId, runId: liveRunId } }),
    );
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
    mutationFn: () => call(endpoints.sync.preview, { params: { channelId, connectorId } }),
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
      call(endpoints.sync.apply, { params: { channelId, connectorId, runId: previewRunId } }),
    onSettled: invalidate,
  });
}

export function useApproveLines(channelId: string, connectorId: string) {
  const invalidate = useInvalidateRuns(channelId, connectorId);
  return useMutation({
    mutationFn: ({ runId, lineIds }: { runId: string; lineIds: readonly string[] }) =>
      call(endpoints.sync.approve, {
        params: { channelId, connectorId, runId },
        body: { lineIds: [...lineIds] },
      }),
    onSuccess: invalidate,
  });
}

/** A plain link target: the browser downloads it with the session cookie. */
export function syncRunCsvUrl(channelId: string, connectorId: string, runId: string): string {
  return urlOf(endpoints.sync.exportCsv, { params: { channelId, connectorId, runId } });
}

export const syncSettingsKey = (connectorId: string) => ['sync-settings', connectorId] as const;

export function useSyncSettings(channelId: string, connectorId: string) {
  return useQuery({
    queryKey: syncSettingsKey(connectorId),
    queryFn: ({ signal }) => call(endpoints.sync.settings, { params: { channelId, connectorId }, signal }),
  });
}

export function useSaveSyncSettings(channelId: string, connectorId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings: SyncSettingsBody) =>
      call(endpoints.sync.putSettings, { params: { channelId, connectorId }, body: settings }),
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
      call(endpoints.usage.series, {
        params: { id: workspaceId ?? '' },
        query: { from, ...(serviceKey === null ? {} : { serviceKey: [serviceKey] }) },
        signal,
      }),
    enabled: workspaceId !== null && serviceKey !== null,
  });
}
