import type { MachineTokenScope, UserSummary } from '@coro/contracts';

import type { AuditActor } from '../audit/audit.repository.js';

/** Who is calling: a console user (session cookie) or a machine token (Bearer). */
export type Principal =
  | {
      readonly kind: 'user';
      readonly user: UserSummary;
      readonly sessionId: string;
      readonly csrfToken: string;
      readonly sessionExpiresAt: string;
      /** Signed in with a one-time password: every route but changing it answers 403. */
      readonly mustChangePassword: boolean;
    }
  | {
      readonly kind: 'token';
      readonly tokenId: string;
      readonly channelId: string;
      readonly scope: MachineTokenScope;
      readonly name: string;
    };

export function actorOf(principal: Principal | null): AuditActor {
  if (principal === null) return { kind: 'system', id: null, label: 'anonymous' };
  return principal.kind === 'user'
    ? { kind: 'user', id: principal.user.id, label: principal.user.email }
    : { kind: 'token', id: principal.tokenId, label: `token ${principal.name}` };
}
