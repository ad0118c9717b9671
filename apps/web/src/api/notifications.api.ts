import type { NotificationSettings, NotificationSettingsBody } from '@coro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from './client.js';
import { connectorPath } from './connectors.api.js';

export type { NotificationSettings, NotificationSettingsBody };

const notificationsKey = (connectorId: string) => ['notifications', connectorId] as const;
const notificationsPath = (channelId: string, connectorId: string) =>
  `${connectorPath(channelId, connectorId)}/notifications`;

/** Who hears about finished runs: e-mail recipients and a signed webhook (its secret never returns). */
export function useNotificationSettings(channelId: string, connectorId: string) {
  return useQuery({
    queryKey: notificationsKey(connectorId),
    queryFn: ({ signal }) =>
      api.get<NotificationSettings>(notificationsPath(channelId, connectorId), undefined, signal),
  });
}

export function useSaveNotificationSettings(channelId: string, connectorId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NotificationSettingsBody) =>
      api.put<NotificationSettings>(notificationsPath(channelId, connectorId), body),
    onSuccess: (saved) => client.setQueryData(notificationsKey(connectorId), saved),
  });
}
