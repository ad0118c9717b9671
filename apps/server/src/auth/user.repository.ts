import type { Kysely } from 'kysely';
import type { ChannelAccess, Membership, Role, UserSummary, WorkspaceKind } from '@coro/contracts';

import { newId } from '../db/ids.js';
import type { DB } from '../db/schema.js';
import { isRole, strongestRole } from './roles.js';

type Db = Kysely<DB>;

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export interface UserRecord extends UserSummary {
  readonly passwordHash: string;
  readonly failedLoginCount: number;
  readonly lockedUntil: string | null;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRecord | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'password_hash', 'failed_login_count', 'locked_until'])
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        email: row.email,
        displayName: row.display_name,
        passwordHash: row.password_hash,
        failedLoginCount: row.failed_login_count,
        lockedUntil: row.locked_until,
      }
    : undefined;
}

export async function insertUser(
  db: Db,
  input: {
    email: string;
    displayName: string;
    passwordHash: string;
    id?: string;
    mustChangePassword?: boolean;
  },
  now: string,
): Promise<UserSummary> {
  const id = input.id ?? newId();
  const email = normalizeEmail(input.email);
  await db
    .insertInto('users')
    .values({
      id,
      email,
      display_name: input.displayName,
      password_hash: input.passwordHash,
      failed_login_count: 0,
      locked_until: null,
      last_login_at: null,
      must_change_password: input.mustChangePassword === true ? 1 : 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, email, displayName: input.displayName };
}

/** Grants (or changes) a user's role on a workspace. */
export async function grantRole(
  db: Db,
  userId: string,
  workspaceId: string,
  role: Role,
  now: string,
): Promise<void> {
  await db
    .insertInto('memberships')
    .values({ id: newId(), user_id: userId, workspace_id: workspaceId, role, created_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'workspace_id']).doUpdateSet({ role }))
    .execute();
}

export async function membershipsOf(db: Db, userId: string): Promise<Membership[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['m.workspace_id', 'm.role', 'w.display_name', 'w.kind'])
    .where('m.user_id', '=', userId)
    .orderBy('w.display_name')
    .execute();
  return rows
    .filter((r) => isRole(r.role))
    .map((r) => ({
      workspaceId: r.workspace_id,
      workspaceName: r.display_name,
      workspaceKind: r.kind as WorkspaceKind,
      role: r.role as Role,
    }));
}

/** Channels the user may open: channels they hold a role on, and every channel nested below them. */
export async function accessibleChannels(
  db: Db,
  memberships: readonly Membership[],
): Promise<ChannelAccess[]> {
  const channels = await db
    .selectFrom('workspaces')
    .select(['id', 'display_name', 'parent_id'])
    .where('kind', '=', 'channel')
    .orderBy('display_name')
    .execute();
  const byId = new Map(channels.map((c) => [c.id, c]));
  const direct = new Map(
    memberships.filter((m) => byId.has(m.workspaceId)).map((m) => [m.workspaceId, m.role]),
  );
  const result: ChannelAccess[] = [];
  for (const channel of channels) {
    const inherited: Role[] = [];
    let cursor: string | null = channel.id;
    for (let depth = 0; cursor !== null && depth < 16; depth += 1) {
      const role = direct.get(cursor);
      if (role) inherited.push(role);
      cursor = byId.get(cursor)?.parent_id ?? null;
    }
    const role = strongestRole(inherited);
    if (role)
      result.push({ id: channel.id, displayName: channel.display_name, parentId: channel.parent_id, role });
  }
  return result;
}

/**
 * One failed sign-in, counted atomically: `n = n + 1` in the UPDATE itself, so parallel wrong
 * passwords cannot all read 0 and write 1. While the account is locked nothing is counted.
 * Returns the new count (or null when the account is locked or gone).
 */
export async function countFailedLogin(db: Db, userId: string, now: string): Promise<number | null> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({ failed_login_count: eb('failed_login_count', '+', 1), updated_at: now }))
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning('failed_login_count')
    .executeTakeFirst();
  return row?.failed_login_count ?? null;
}

/**
 * Locks the account once the count reached the threshold. Conditional on the count, so among
 * parallel failures only the one that still sees it wins; the count restarts for after the lock.
 */
export async function lockAccount(
  db: Db,
  userId: string,
  threshold: number,
  lockedUntil: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ failed_login_count: 0, locked_until: lockedUntil, updated_at: now })
    .where('id', '=', userId)
    .where('failed_login_count', '>=', threshold)
    .execute();
}

/**
 * A successful sign-in, only if the account is not locked at this instant: a right password that
 * raced a burst of wrong ones must not clear a lock they just set. Optionally stores a re-hash.
 * Returns false when the account is locked.
 */
export async function recordSuccessfulLogin(
  db: Db,
  userId: string,
  now: string,
  rehash?: string,
): Promise<boolean> {
  const row = await db
    .updateTable('users')
    .set({
      failed_login_count: 0,
      locked_until: null,
      last_login_at: now,
      updated_at: now,
      ...(rehash === undefined ? {} : { password_hash: rehash }),
    })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function lockedUntilOf(db: Db, userId: string): Promise<string | null> {
  const row = await db.selectFrom('users').select('locked_until').where('id', '=', userId).executeTakeFirst();
  return row?.locked_until ?? null;
}

export async function mustChangePasswordOf(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('must_change_password')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.must_change_password === 1;
}
