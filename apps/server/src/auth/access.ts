import type { Kysely } from 'kysely';
import type { PermissionLevel, Role, Workspace } from '@coro/contracts';

import { runCompiledOnce } from '../db/compiled-once.js';
import type { DB } from '../db/schema.js';
import { AppError } from '../app/app-error.js';
import { workspaceChain } from '../workspaces/workspace.repository.js';
import type { Principal } from './principal.js';
import { isRole, roleAllows, strongestRole } from './roles.js';

export interface WorkspaceAccess {
  readonly workspace: Workspace;
  /** The effective role (strongest along the channel tree); null for machine tokens. */
  readonly role: Role | null;
  /** Ancestors of the workspace, nearest first (parent, grandparent, …). */
  readonly ancestors: readonly Workspace[];
}

const notFound = (): AppError => new AppError('not_found', 'Workspace not found.');

/**
 * THE authorization check for anything that lives in a workspace. Rules:
 * - a role on a workspace applies to it and to everything below it (children, nested channels);
 * - no role anywhere up the tree → 404 `not_found` (another channel's ids do not reveal existence);
 * - a role that is too weak → 403 `forbidden`;
 * - a machine token acts only inside its channel's subtree, for the scope the route allowed
 *   (checked at the gate), never for `admin` actions.
 */
export async function resolveWorkspaceAccess(
  db: Kysely<DB>,
  principal: Principal | null,
  workspaceId: string,
  level: PermissionLevel,
): Promise<WorkspaceAccess> {
  if (principal === null) throw new AppError('unauthenticated', 'Sign in first.');
  const chain = await workspaceChain(db, workspaceId);
  const [workspace, ...ancestors] = chain;
  if (!workspace) throw notFound();

  if (principal.kind === 'token') {
    if (!chain.some((w) => w.id === principal.channelId)) throw notFound();
    if (level === 'admin') throw new AppError('forbidden', 'Machine tokens cannot perform admin actions.');
    return { workspace, role: null, ancestors };
  }

  // Every workspace request asks this, for a chain of one to a few workspaces: compiled once per
  // chain length (issue 12), the ids as values w0, w1, ….
  const ids: Record<string, string> = { userId: principal.user.id };
  for (const [i, w] of chain.entries()) ids[`w${i}`] = w.id;
  const rows = await runCompiledOnce(
    db,
    `memberships-on-chain|${chain.length}`,
    (v: Record<string, string>) =>
      db
        .selectFrom('memberships')
        .select('role')
        .where('user_id', '=', v.userId ?? '')
        .where(
          'workspace_id',
          'in',
          chain.map((_, i) => v[`w${i}`] ?? ''),
        ),
    ids,
  );
  const role = strongestRole(rows.map((r) => r.role).filter(isRole));
  if (role === null) throw notFound();
  if (!roleAllows(role, level)) {
    throw new AppError(
      'forbidden',
      `Your role (${role}) cannot ${level === 'read' ? 'view' : 'change'} this workspace.`,
    );
  }
  return { workspace, role, ancestors };
}
