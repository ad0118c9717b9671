import { endpoints } from '@coro/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';

import type { PickerPage, PickerSearch } from '../components/AsyncEntityPicker.js';
import { call } from './client.js';
import { connectorsKey } from './connectors.api.js';
import { serviceMappingsKey, workspaceMappingsKey } from './mappings.api.js';
import type { Connector } from './types.js';

export const lookupKey = (connectorId: string, entity: 'companies' | 'services') =>
  ['lookup', connectorId, entity] as const;

const pageSize = 50;

/** Server-side company search for the picker, with "already mapped to …" hints. */
export function useCompanySearch(
  channelId: string,
  connectorId: string,
  /** The connector's PSA as its users know it (`psaLabel(kind)`), for the "inactive" hint. */
  psaName: string,
  currentWorkspaceId?: string,
): PickerSearch {
  return useCallback(
    async (q: string, cursor: string | null, signal: AbortSignal): Promise<PickerPage> => {
      const page = await call(endpoints.lookups.companies, {
        params: { channelId, connectorId },
        query: { q, ...(cursor === null ? {} : { cursor }), limit: pageSize },
        signal,
      });
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((c) => {
          const elsewhere =
            c.mappedWorkspace && c.mappedWorkspace.id !== currentWorkspaceId ? c.mappedWorkspace : null;
          return {
            id: c.id,
            name: c.name,
            hint: elsewhere
              ? `Already mapped to ${elsewhere.name}`
              : !c.isActive
                ? `Inactive in ${psaName}`
                : null,
            isWarning: Boolean(elsewhere) || !c.isActive,
            // The server refuses a company another workspace holds (409): not selectable here.
            isDisabled: Boolean(elsewhere),
          };
        }),
      };
    },
    [channelId, connectorId, psaName, currentWorkspaceId],
  );
}

export function useServiceSearch(
  channelId: string,
  connectorId: string,
  psaName: string,
  serviceNames: ReadonlyMap<string, string>,
  currentServiceKey?: string,
): PickerSearch {
  return useCallback(
    async (q: string, cursor: string | null, signal: AbortSignal): Promise<PickerPage> => {
      const page = await call(endpoints.lookups.services, {
        params: { channelId, connectorId },
        query: { q, ...(cursor === null ? {} : { cursor }), limit: pageSize },
        signal,
      });
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((s) => {
          const elsewhere =
            s.mappedServiceKey && s.mappedServiceKey !== currentServiceKey ? s.mappedServiceKey : null;
          const price = s.unitPrice === null ? null : `$${s.unitPrice.toFixed(2)} / unit`;
          return {
            id: s.id,
            name: s.name,
            hint: elsewhere
              ? `Already mapped to ${serviceNames.get(elsewhere) ?? elsewhere}`
              : !s.isActive
                ? `Inactive in ${psaName}`
                : price,
            isWarning: Boolean(elsewhere) || !s.isActive,
            isDisabled: Boolean(elsewhere),
          };
        }),
      };
    },
    [channelId, connectorId, psaName, serviceNames, currentServiceKey],
  );
}

/** Re-reads companies and services from the PSA into the server's lookup tables. */
export function useRefreshLookups(channelId: string, connectorId: string) {
  const client = useQueryClient();
  return useMutation({
    // `full` re-reads every company and notices deleted ones; otherwise only changes since last time.
    mutationFn: (options?: { full?: boolean }) =>
      call(endpoints.lookups.refresh, {
        params: { channelId, connectorId },
        body: options?.full ? { full: true } : {},
      }),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: ['lookup', connectorId] }),
        client.invalidateQueries({ queryKey: connectorsKey(channelId) }),
        // A company or service may have turned inactive or gone: the rows' states change.
        client.invalidateQueries({ queryKey: workspaceMappingsKey(connectorId) }),
        client.invalidateQueries({ queryKey: serviceMappingsKey(connectorId) }),
      ]),
  });
}

/**
 * A connector whose companies or services were never read from the PSA has nothing to search:
 * an admin opening a mapping page reads them once, so that the Map dropdown is never empty.
 */
export function useEnsureLookups(channelId: string, connector: Connector, canEdit: boolean) {
  const refresh = useRefreshLookups(channelId, connector.id);
  const hasStarted = useRef(false);
  const isMissing = connector.companiesRefreshedAt === null || connector.servicesRefreshedAt === null;
  const { mutate } = refresh;
  useEffect(() => {
    if (!canEdit || !isMissing || hasStarted.current) return;
    hasStarted.current = true;
    mutate();
  }, [canEdit, isMissing, mutate]);
  return refresh;
}
