/** Undo of a sync run: what it would write (preview), then the undo run itself. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { endpoints } from '@coro/contracts';

import { call } from './client.js';
import { syncRunsKey } from './sync.api.js';

export type { UndoLine, UndoPreview } from '@coro/contracts';

/** The PSA is re-read each time the dialog opens: what undo would write now. */
export function useUndoPreview(channelId: string, connectorId: string, runId: string | null) {
  return useQuery({
    queryKey: ['undo-preview', connectorId, runId] as const,
    queryFn: () =>
      call(endpoints.sync.undoPreview, {
        params: { channelId, connectorId, runId: runId ?? '' },
        body: {},
      }),
    enabled: runId !== null,
    gcTime: 0,
    staleTime: 0,
  });
}

export function useStartUndo(channelId: string, connectorId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ runId, includeConflicts }: { runId: string; includeConflicts: readonly string[] }) =>
      call(endpoints.sync.undo, {
        params: { channelId, connectorId, runId },
        body: { includeConflicts: [...includeConflicts] },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: syncRunsKey(connectorId) }),
  });
}
