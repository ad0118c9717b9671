import {
  endpoints,
  type AddedTeamMember,
  type AddTeamMemberBody,
  type Role,
  type TeamMember,
} from '@coro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { call } from './client.js';

export type { AddedTeamMember, AddTeamMemberBody, TeamMember };

const teamKey = (channelId: string) => ['team', channelId] as const;

/** The people of a channel: every role of the channel may read it, admins change it. */
export function useTeam(channelId: string) {
  return useQuery({
    queryKey: teamKey(channelId),
    queryFn: ({ signal }) => call(endpoints.team.list, { params: { channelId }, signal }),
  });
}

/** The answer may carry a one-time password: it is kept by the dialog only, never in the query cache. */
export function useAddTeamMember(channelId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: AddTeamMemberBody) => call(endpoints.team.add, { params: { channelId }, body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: teamKey(channelId) }),
  });
}

export function useChangeTeamRole(channelId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      call(endpoints.team.changeRole, { params: { channelId, userId }, body: { role } }),
    onSettled: () => void client.invalidateQueries({ queryKey: teamKey(channelId) }),
  });
}

export function useRemoveTeamMember(channelId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => call(endpoints.team.remove, { params: { channelId, userId } }),
    onSuccess: () => void client.invalidateQueries({ queryKey: teamKey(channelId) }),
  });
}
