import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from './client.js';
import type { Connector, ConnectorList, CreateConnectorBody, UpdateCredentialsBody } from './types.js';

const base = (channelId: string) => `/workspaces/${channelId}/connectors`;
export const connectorsKey = (channelId: string) => ['connectors', channelId] as const;
export const connectorKey = (channelId: string, connectorId: string) =>
  ['connectors', channelId, connectorId] as const;

export function useConnectors(channelId: string) {
  return useQuery({
    queryKey: connectorsKey(channelId),
    queryFn: ({ signal }) => api.get<ConnectorList>(base(channelId), undefined, signal),
  });
}

export function useConnector(channelId: string, connectorId: string) {
  return useQuery({
    queryKey: connectorKey(channelId, connectorId),
    queryFn: ({ signal }) => api.get<Connector>(`${base(channelId)}/${connectorId}`, undefined, signal),
  });
}

/** CONNECT: the server verifies the credentials with the PSA before it stores anything. */
export function useCreateConnector(channelId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateConnectorBody) => api.post<Connector>(base(channelId), body),
    onSuccess: () => client.invalidateQueries({ queryKey: connectorsKey(channelId) }),
  });
}

export function useUpdateCredentials(channelId: string, connectorId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateCredentialsBody) =>
      api.put<Connector>(`${base(channelId)}/${connectorId}/credentials`, body),
    onSuccess: () => client.invalidateQueries({ queryKey: connectorsKey(channelId) }),
  });
}

export function useDeleteConnector(channelId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (connectorId: string) =>
      api.delete<unknown>(`${base(channelId)}/${connectorId}`, { confirm: true }),
    onSuccess: () => client.invalidateQueries({ queryKey: connectorsKey(channelId) }),
  });
}

export function connectorPath(channelId: string, connectorId: string): string {
  return `${base(channelId)}/${connectorId}`;
}
