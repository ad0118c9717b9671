import {
  endpoints,
  type NotificationChannelResult,
  type NotificationSettings,
  type NotificationSettingsBody,
  type NotificationTestResult,
} from '@coro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { call } from './client.js';

export type {
  NotificationChannelResult,
  NotificationSettings,
  NotificationSettingsBody,
  NotificationTestResult,
};

const notificationsKey = (connectorId: string) => ['notifications', connectorId] as const;

/** Who hears about finished runs: e-mail recipients and a signed webhook (its secret never returns). */
export function useNotificationSettings(channelId: string, connectorId: string) {
  return useQuery({
    queryKey: notificationsKey(connectorId),
    queryFn: ({ signal }) =>
      call(endpoints.notifications.get, { params: { channelId, connectorId }, signal }),
  });
}

export function useSaveNotificationSettings(channelId: string, connectorId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NotificationSettingsBody) =>
      call(endpoints.notifications.put, { params: { channelId, connectorId }, body }),
    onSuccess: (saved) => client.setQueryData(notificationsKey(connectorId), saved),
  });
}

/** Sends a labelled test notice through the saved settings; each channel's outcome comes back. */
export function useSendTestNotification(channelId: string, connectorId: string) {
  return useMutation({
    mutationFn: () => call(endpoints.notifications.test, { params: { channelId, connectorId }, body: {} }),
  });
}
