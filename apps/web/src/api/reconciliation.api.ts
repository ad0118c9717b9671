import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { LineMembers, Reconciliation } from '@coro/contracts';

import { api } from './client.js';
import { connectorPath } from './connectors.api.js';

export type { LineMembers, Reconciliation, ReconciliationRow } from '@coro/contracts';

const reconciliationPath = (channelId: string, connectorId: string) =>
  `${connectorPath(channelId, connectorId)}/reconciliation`;

/** The month's reconciliation (reads the PSA: kept for a minute, not refetched on focus). */
export function useReconciliation(channelId: string, connectorId: string, month: string) {
  return useQuery({
    queryKey: ['reconciliation', connectorId, month],
    queryFn: ({ signal }) =>
      api.get<Reconciliation>(reconciliationPath(channelId, connectorId), { month }, signal),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    refetchOnWindowFocus: false,
  });
}

export function reconciliationCsvUrl(channelId: string, connectorId: string, month: string): string {
  return `/api${reconciliationPath(channelId, connectorId)}.csv?month=${encodeURIComponent(month)}`;
}

/** Who is in a line's count on `day`, and who joined or left since `since`. */
export function useLineMembers(
  line: { workspaceId: string; serviceKey: string; day: string; since: string | null } | null,
) {
  return useQuery({
    queryKey: ['line-members', line],
    queryFn: ({ signal }) =>
      api.get<LineMembers>(
        `/workspaces/${line?.workspaceId ?? ''}/usage/members`,
        {
          serviceKey: line?.serviceKey ?? '',
          day: line?.day ?? '',
          ...(line?.since ? { since: line.since } : {}),
        },
        signal,
      ),
    enabled: line !== null,
  });
}
