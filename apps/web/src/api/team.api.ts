import type { AddedTeamMember, AddTeamMemberBody, Role, TeamList, TeamMember } from '@coro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api } from './client.js';

export type { AddedTeamMember, AddTeamMemberBody, TeamMember };

const teamKey = (channelId: string) => ['team', channelId] as const;
const teamPath = (channelId: string) => `/workspaces/${encodeURIComponent(channelId)}/team`;
const memberPath = (channelId: string, userId: string) =>
  `${teamPath(channelId)}/${encodeURIComponent(userId)}`;

/** The people of a channel: every role of the channel may read it, admins change it. */
export function useTeam(channelId: string) {
  return useQuery({
    queryKey: teamKey(channelId),
    queryFn: ({ signal }) => api.get<TeamList>(teamPath(channelId), undefined, signal),
  });
}

/** The answer may carry a one-time password: it is kept by the dialog only, never in the query cache. */
export function useAddTeamMember(channelId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: AddTeamMemberBody) => api.post<AddedTeamMember>(teamPath(channelId), body),
    onSuccess: () => void client.invalidateQueries({ queryKey: teamKey(channelId) }),
  });
}

export function useChangeTeamRole(channelId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      api.patch<TeamMember>(memberPath(channelId, userId), { role }),
    onSettled: () => void client.invalidateQueries({ queryKey: teamKey(channelId) }),
  });
}

export function useRemoveTeamMember(channelId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.delete<{ ok: true }>(memberPath(channelId, userId)),
    onSuccess: () => void client.invalidateQueries({ queryKey: teamKey(channelId) }),
  });
}
