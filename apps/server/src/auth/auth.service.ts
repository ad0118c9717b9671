import type { Me, UserSummary } from '@coro/contracts';

import type { AppContext } from '../app/app-context.js';
import { AppError } from '../app/app-error.js';
import { loginAttemptsTotal } from '../observability/metrics.js';
import { dummyPasswordHash, verifyPassword } from './password.js';
import { createSession } from './session.repository.js';
import {
  accessibleChannels,
  findUserByEmail,
  membershipsOf,
  recordFailedLogin,
  recordSuccessfulLogin,
} from './user.repository.js';

export interface LoginInput {
  readonly email: string;
  readonly password: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

const badCredentials = (): AppError => new AppError('unauthenticated', 'The email or password is incorrect.');

const lockedOut = (lockedUntil: string): AppError =>
  new AppError('locked_out', `Too many failed sign-in attempts. Try again after ${lockedUntil}.`, {
    lockedUntil,
  });

/**
 * Password sign-in with per-account lockout: after `lockoutThreshold` consecutive failures the
 * account refuses sign-in (even with the right password) until `lockedUntil`, which the user is told.
 * Per-IP throttling is the login route's rate limit.
 */
export async function login(
  ctx: AppContext,
  input: LoginInput,
): Promise<{ token: string; expiresAt: string; user: UserSummary }> {
  const db = ctx.database.db;
  const now = ctx.clock();
  const nowIso = now.toISOString();
  const user = await findUserByEmail(db, input.email);
  if (!user) {
    await verifyPassword(input.password, dummyPasswordHash);
    loginAttemptsTotal.inc({ outcome: 'unknown_user' });
    throw badCredentials();
  }
  if (user.lockedUntil !== null && user.lockedUntil > nowIso) {
    loginAttemptsTotal.inc({ outcome: 'locked' });
    throw lockedOut(user.lockedUntil);
  }
  if (!(await verifyPassword(input.password, user.passwordHash))) {
    const failures = user.failedLoginCount + 1;
    const { lockoutThreshold, lockoutMs } = ctx.config.login;
    if (failures >= lockoutThreshold) {
      const lockedUntil = new Date(now.getTime() + lockoutMs).toISOString();
      await recordFailedLogin(db, user.id, 0, lockedUntil, nowIso);
      loginAttemptsTotal.inc({ outcome: 'locked' });
      throw lockedOut(lockedUntil);
    }
    await recordFailedLogin(db, user.id, failures, null, nowIso);
    loginAttemptsTotal.inc({ outcome: 'bad_password' });
    throw badCredentials();
  }
  await recordSuccessfulLogin(db, user.id, nowIso);
  const { token, session } = await createSession(
    db,
    { userId: user.id, ip: input.ip, userAgent: input.userAgent, ttlMs: ctx.config.sessionTtlMs },
    now,
  );
  loginAttemptsTotal.inc({ outcome: 'ok' });
  return {
    token,
    expiresAt: session.expiresAt,
    user: { id: user.id, email: user.email, displayName: user.displayName },
  };
}

export async function describeUser(
  ctx: AppContext,
  user: UserSummary,
  csrfToken: string,
  sessionExpiresAt: string,
): Promise<Me> {
  const memberships = await membershipsOf(ctx.database.db, user.id);
  const channels = await accessibleChannels(ctx.database.db, memberships);
  return { user, memberships, channels, csrfToken, sessionExpiresAt };
}
