import type { Kysely } from 'kysely';
import type { MachineToken, MachineTokenScope, UserSummary } from '@coro/contracts';

import { runCompiledOnce } from '../db/compiled-once.js';
import { newId } from '../db/ids.js';
import type { DB } from '../db/schema.js';
import { hashToken, MACHINE_TOKEN_PREFIX, newToken } from './tokens.js';

type Db = Kysely<DB>;

export interface SessionRecord {
  readonly id: string;
  readonly expiresAt: string;
  readonly user: UserSummary;
  /** A one-time password is in use: only changing it is allowed. */
  readonly mustChangePassword: boolean;
}

/** Creates a session and returns the raw token (for the cookie); only its hash is stored. */
export async function createSession(
  db: Db,
  input: { userId: string; ip: string | null; userAgent: string | null; ttlMs: number },
  now: Date,
): Promise<{ token: string; session: { id: string; expiresAt: string } }> {
  const token = newToken();
  const id = newId();
  const expiresAt = new Date(now.getTime() + input.ttlMs).toISOString();
  await db
    .insertInto('sessions')
    .values({
      id,
      user_id: input.userId,
      token_hash: hashToken(token),
      created_at: now.toISOString(),
      expires_at: expiresAt,
      last_seen_at: now.toISOString(),
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, session: { id, expiresAt } };
}

export async function findSession(db: Db, token: string, now: string): Promise<SessionRecord | undefined> {
  // Every request asks this: compiled once (issue 12).
  const [row] = await runCompiledOnce(
    db,
    'session-by-token',
    (v: { tokenHash: string; now: string }) =>
      db
        .selectFrom('sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .select([
          's.id',
          's.expires_at',
          'u.id as user_id',
          'u.email',
          'u.display_name',
          'u.must_change_password',
        ])
        .where('s.token_hash', '=', v.tokenHash)
        .where('s.expires_at', '>', v.now),
    { tokenHash: hashToken(token), now },
  );
  return row
    ? {
        id: row.id,
        expiresAt: row.expires_at,
        user: { id: row.user_id, email: row.email, displayName: row.display_name },
        mustChangePassword: row.must_change_password === 1,
      }
    : undefined;
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

export async function deleteExpiredSessions(db: Db, now: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface MachineTokenRecord {
  readonly id: string;
  readonly channelId: string;
  readonly name: string;
  readonly scope: MachineTokenScope;
}

const tokenColumns = [
  'id',
  'channel_id',
  'name',
  'scope',
  'token_prefix',
  'created_at',
  'last_used_at',
  'revoked_at',
] as const;

export async function createMachineToken(
  db: Db,
  input: { channelId: string; name: string; scope: MachineTokenScope; createdBy: string | null },
  now: string,
): Promise<{ secret: string; token: MachineToken }> {
  const secret = newToken(MACHINE_TOKEN_PREFIX);
  const token: MachineToken = {
    id: newId(),
    channelId: input.channelId,
    name: input.name,
    scope: input.scope,
    tokenPrefix: secret.slice(0, MACHINE_TOKEN_PREFIX.length + 6),
    createdAt: now,
    lastUsedAt: null,
    revokedAt: null,
  };
  await db
    .insertInto('machine_tokens')
    .values({
      id: token.id,
      channel_id: token.channelId,
      name: token.name,
      scope: token.scope,
      token_hash: hashToken(secret),
      token_prefix: token.tokenPrefix,
      created_by: input.createdBy,
      created_at: now,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return { secret, token };
}

export async function listMachineTokens(db: Db, channelId: string): Promise<MachineToken[]> {
  const rows = await db
    .selectFrom('machine_tokens')
    .select(tokenColumns)
    .where('channel_id', '=', channelId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    channelId: r.channel_id,
    name: r.name,
    scope: r.scope as MachineTokenScope,
    tokenPrefix: r.token_prefix,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

/** Revokes a token of this channel; false when no such live token exists. */
export async function revokeMachineToken(
  db: Db,
  channelId: string,
  tokenId: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('machine_tokens')
    .set({ revoked_at: now })
    .where('id', '=', tokenId)
    .where('channel_id', '=', channelId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findMachineToken(
  db: Db,
  secret: string,
  now: string,
): Promise<MachineTokenRecord | undefined> {
  const row = await db
    .selectFrom('machine_tokens')
    .select(['id', 'channel_id', 'name', 'scope'])
    .where('token_hash', '=', hashToken(secret))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  await db.updateTable('machine_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  return { id: row.id, channelId: row.channel_id, name: row.name, scope: row.scope as MachineTokenScope };
}
