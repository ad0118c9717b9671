import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { endpoints } from '@coro/contracts';

import { call, urlOf } from './client.js';

export type { Reconciliation, ReconciliationRow } from '@coro/contracts';

/** The month's reconciliation (reads the PSA: kept for a minute, not refetched on focus). */
export function useReconciliation(channelId: string, connectorId: string, month: string) {
  return useQuery({
    queryKey: ['reconciliation', connectorId, month],
    queryFn: ({ signal }) =>
      call(endpoints.reconciliation.get, { params: { channelId, connectorId }, query: { month }, signal }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    refetchOnWindowFocus: false,
  });
}

export function reconciliationCsvUrl(channelId: string, connectorId: string, month: string): string {
  return urlOf(endpoints.reconciliation.csv, { params: { channelId, connectorId }, query: { month } });
}

/** Who is in a line's count on `day`, and who joined or left since `since`. */
export function useLineMembers(
  line: { workspaceId: string; serviceKey: string; day: string; since: string | null } | null,
) {
  return useQuery({
    queryKey: ['line-members', line],
    queryFn: ({ signal }) =>
      call(endpoints.usage.members, {
        params: { id: line?.workspaceId ?? '' },
        query: {
          serviceKey: line?.serviceKey ?? '',
          day: line?.day ?? '',
          ...(line?.since ? { since: line.since } : {}),
        },
        signal,
      }),
    enabled: line !== null,
  });
}
