import type { Me, UserSummary } from '@coro/contracts';

import type { AppContext } from '../app/app-context.js';
import { AppError } from '../app/app-error.js';
import { loginAttemptsTotal } from '../observability/metrics.js';
import { dummyPasswordHash, hashPassword, needsRehash, passwordProblem, verifyPassword } from './password.js';
import { createSession } from './session.repository.js';
import {
  accessibleChannels,
  countFailedLogin,
  findUserByEmail,
  lockAccount,
  lockedUntilOf,
  membershipsOf,
  mustChangePasswordOf,
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
 * account refuses sign-in until `lockedUntil`. Per-IP throttling is the login route's rate limit.
 *
 * Enumeration: an unknown e-mail, a wrong password and a wrong password on a locked account all
 * answer the same 401 after the same scrypt work. Only the right password on a locked account
 * hears "locked" (423), which tells nothing to someone who does not know the password.
 * Races: the failure count is incremented in SQL, and success is conditional on "not locked now",
 * so parallel guesses cannot slip past the threshold (issue 11).
 */
export async function login(
  ctx: AppContext,
  input: LoginInput,
): Promise<{ token: string; expiresAt: string; user: UserSummary }> {
  const db = ctx.database.db;
  const now = ctx.clock();
  const nowIso = now.toISOString();
  const hashing = ctx.config.passwordHashing;
  const user = await findUserByEmail(db, input.email);
  if (!user) {
    await verifyPassword(input.password, dummyPasswordHash(hashing));
    loginAttemptsTotal.inc({ outcome: 'unknown_user' });
    throw badCredentials();
  }
  if (!(await verifyPassword(input.password, user.passwordHash))) {
    const { lockoutThreshold, lockoutMs } = ctx.config.login;
    const failures = await countFailedLogin(db, user.id, nowIso);
    if (failures !== null && failures >= lockoutThreshold) {
      await lockAccount(
        db,
        user.id,
        lockoutThreshold,
        new Date(now.getTime() + lockoutMs).toISOString(),
        nowIso,
      );
      loginAttemptsTotal.inc({ outcome: 'locked' });
    } else {
      loginAttemptsTotal.inc({ outcome: failures === null ? 'locked' : 'bad_password' });
    }
    throw badCredentials();
  }
  const rehash = needsRehash(user.passwordHash, hashing)
    ? await hashPassword(input.password, hashing)
    : undefined;
  if (!(await recordSuccessfulLogin(db, user.id, nowIso, rehash))) {
    loginAttemptsTotal.inc({ outcome: 'locked' });
    throw lockedOut((await lockedUntilOf(db, user.id)) ?? nowIso);
  }
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
  const mustChangePassword = await mustChangePasswordOf(ctx.database.db, user.id);
  return { user, memberships, channels, csrfToken, sessionExpiresAt, mustChangePassword };
}

/**
 * Replaces the signed-in user's password (and ends the one-time password's reign). The current
 * password is checked like a sign-in, so a left-open session alone cannot take the account over.
 */
export async function changePassword(
  ctx: AppContext,
  userId: string,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const db = ctx.database.db;
  const row = await db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row || !(await verifyPassword(input.currentPassword, row.password_hash)))
    throw new AppError('validation_failed', 'The current password is incorrect.');
  if (input.newPassword === input.currentPassword)
    throw new AppError('validation_failed', 'Choose a password different from the current one.');
  const problem = passwordProblem(input.newPassword);
  if (problem !== null) throw new AppError('validation_failed', problem);
  const hash = await hashPassword(input.newPassword, ctx.config.passwordHashing);
  await db
    .updateTable('users')
    .set({ password_hash: hash, must_change_password: 0, updated_at: ctx.clock().toISOString() })
    .where('id', '=', userId)
    .execute();
}
