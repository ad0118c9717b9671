import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { endpoints } from '@coro/contracts';

import { call } from './client.js';
import type { CreateConnectorBody, UpdateCredentialsBody } from './types.js';

export const connectorsKey = (channelId: string) => ['connectors', channelId] as const;
export const connectorKey = (channelId: string, connectorId: string) =>
  ['connectors', channelId, connectorId] as const;

export function useConnectors(channelId: string) {
  return useQuery({
    queryKey: connectorsKey(channelId),
    queryFn: ({ signal }) => call(endpoints.connectors.list, { params: { channelId }, signal }),
  });
}

export function useConnector(channelId: string, connectorId: string) {
  return useQuery({
    queryKey: connectorKey(channelId, connectorId),
    queryFn: ({ signal }) => call(endpoints.connectors.get, { params: { channelId, connectorId }, signal }),
  });
}

/** CONNECT: the server verifies the credentials with the PSA before it stores anything. */
export function useCreateConnector(channelId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateConnectorBody) =>
      call(endpoints.connectors.create, { params: { channelId }, body }),
    onSuccess: () => client.invalidateQueries({ queryKey: connectorsKey(channelId) }),
  });
}

export function useUpdateCredentials(channelId: string, connectorId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateCredentialsBody) =>
      call(endpoints.connectors.updateCredentials, { params: { channelId, connectorId }, body }),
    onSuccess: () => client.invalidateQueries({ queryKey: connectorsKey(channelId) }),
  });
}

export function useDeleteConnector(channelId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (connectorId: string) =>
      call(endpoints.connectors.remove, { params: { channelId, connectorId }, body: { confirm: true } }),
    onSuccess: () => client.invalidateQueries({ queryKey: connectorsKey(channelId) }),
  });
}
