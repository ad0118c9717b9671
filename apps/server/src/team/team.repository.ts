import { sql, type Kysely, type Transaction } from 'kysely';
import type { Role, TeamMember } from '@coro/contracts';

import type { DbDialect } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { isAdminRole, isRole } from '../auth/roles.js';

type Db = Kysely<DB> | Transaction<DB>;

/** The direct members of a channel (roles held on it), by display name then e-mail. */
export async function listTeam(db: Db, channelId: string): Promise<TeamMember[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.display_name', 'u.last_login_at', 'm.role', 'm.created_at'])
    .where('m.workspace_id', '=', channelId)
    .orderBy('u.display_name')
    .orderBy('u.email')
    .execute();
  return rows.flatMap((r) =>
    isRole(r.role)
      ? [
          {
            userId: r.id,
            email: r.email,
            displayName: r.display_name,
            role: r.role,
            lastSignInAt: r.last_login_at,
            addedAt: r.created_at,
          },
        ]
      : [],
  );
}

export async function findTeamMember(
  db: Db,
  channelId: string,
  userId: string,
): Promise<TeamMember | undefined> {
  return (await listTeam(db, channelId)).find((m) => m.userId === userId);
}

/**
 * Serializes team changes of one channel on PostgreSQL (row lock on the channel), so two admins
 * demoting each other at once cannot both pass the "not the last admin" check. SQLite already
 * runs one write transaction at a time.
 */
export async function lockTeam(trx: Transaction<DB>, dialect: DbDialect, channelId: string): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`select id from workspaces where id = ${channelId} for update`.execute(trx);
}

export async function adminCount(db: Db, channelId: string): Promise<number> {
  const rows = await db
    .selectFrom('memberships')
    .select('role')
    .where('workspace_id', '=', channelId)
    .execute();
  return rows.filter((r) => isRole(r.role) && isAdminRole(r.role)).length;
}

export async function setTeamRole(db: Db, channelId: string, userId: string, role: Role): Promise<void> {
  await db
    .updateTable('memberships')
    .set({ role })
    .where('workspace_id', '=', channelId)
    .where('user_id', '=', userId)
    .execute();
}

export async function removeTeamMember(db: Db, channelId: string, userId: string): Promise<void> {
  await db
    .deleteFrom('memberships')
    .where('workspace_id', '=', channelId)
    .where('user_id', '=', userId)
    .execute();
}
