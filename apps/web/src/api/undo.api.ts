/** Undo of a sync run: what it would write (preview), then the undo run itself. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { UndoPreview, UndoStarted } from '@coro/contracts';

import { api } from './client.js';
import { connectorPath } from './connectors.api.js';
import { syncRunsKey } from './sync.api.js';

export type { UndoLine, UndoPreview } from '@coro/contracts';

const runPath = (channelId: string, connectorId: string, runId: string) =>
  `${connectorPath(channelId, connectorId)}/sync/runs/${runId}`;

/** The PSA is re-read each time the dialog opens: what undo would write now. */
export function useUndoPreview(channelId: string, connectorId: string, runId: string | null) {
  return useQuery({
    queryKey: ['undo-preview', connectorId, runId] as const,
    queryFn: () => api.post<UndoPreview>(`${runPath(channelId, connectorId, runId ?? '')}/undo-preview`, {}),
    enabled: runId !== null,
    gcTime: 0,
    staleTime: 0,
  });
}

export function useStartUndo(channelId: string, connectorId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ runId, includeConflicts }: { runId: string; includeConflicts: readonly string[] }) =>
      api.post<UndoStarted>(`${runPath(channelId, connectorId, runId)}/undo`, { includeConflicts }),
    onSuccess: () => client.invalidateQueries({ queryKey: syncRunsKey(connectorId) }),
  });
}
