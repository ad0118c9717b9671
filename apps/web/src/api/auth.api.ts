import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { endpoints, type ChangePasswordBody, type LoginBody } from '@coro/contracts';

import { ApiError, call } from './client.js';

export const meKey = ['me'] as const;

/** Public sign-in settings (the demo's logins in demo mode); never changes while the page lives. */
export function useAuthConfig() {
  return useQuery({
    queryKey: ['auth-config'] as const,
    queryFn: ({ signal }) => call(endpoints.auth.config, { signal }),
    staleTime: Infinity,
    retry: false,
  });
}

/** The signed-in user, or null when there is no session. */
export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: async ({ signal }) => {
      try {
        return await call(endpoints.auth.me, { signal });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginBody) => call(endpoints.auth.login, { body }),
    onSuccess: (me) => {
      client.clear();
      client.setQueryData(meKey, me);
    },
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(endpoints.auth.logout),
    onSettled: () => {
      client.clear();
      client.setQueryData(meKey, null);
    },
  });
}

/** Replaces the signed-in user's password; the answer is the refreshed `Me` (flag cleared). */
export function useChangePassword() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ChangePasswordBody) => call(endpoints.auth.changePassword, { body }),
    onSuccess: (me) => client.setQueryData(meKey, me),
  });
}
