import type { AddedTeamMember, AddTeamMemberBody, Role, TeamMember } from '@coro/contracts';

import type { AppContext } from '../app/app-context.js';
import { AppError } from '../app/app-error.js';
import { recordAudit, type AuditActor } from '../audit/audit.repository.js';
import { hashPassword } from '../auth/password.js';
import { isAdminRole, roleCanManage } from '../auth/roles.js';
import { findUserByEmail, grantRole, insertUser, normalizeEmail } from '../auth/user.repository.js';
import { createMailer } from '../notifications/index.js';
import {
  adminCount,
  findTeamMember,
  listTeam,
  lockTeam,
  removeTeamMember as deleteMembership,
  setTeamRole,
} from './team.repository.js';
import { displayNameFromEmail, invitationMail, newOneTimePassword, signInLink } from './team-invitation.js';

/** Who changes the team: the audit actor and the role they hold on the channel. */
export interface TeamActor {
  readonly audit: AuditActor;
  readonly role: Role;
}

export { listTeam };

const outranked = (actor: Role, target: Role): AppError =>
  new AppError('forbidden', `Your role (${actor}) cannot grant or change ${target}.`, {
    advice: 'Ask an msp_super_admin of this channel.',
  });

const lastAdmin = (): AppError =>
  new AppError('last_admin', 'This is the last admin of the channel: it would have nobody to manage it.', {
    advice: 'Give another member msp_admin (or add one) first, then change or remove this one.',
  });

const memberNotFound = (): AppError =>
  new AppError('not_found', 'This person is not a member of the channel.');

/** What the audit keeps of a member: never a password, not even whether one was generated. */
const auditView = (m: TeamMember) => ({ email: m.email, displayName: m.displayName, role: m.role });

/**
 * Adds a person by e-mail. An existing account gains the role; otherwise an account is created
 * with a one-time password that is hashed at once and returned (or e-mailed when SMTP is
 * configured), never stored in clear, logged or audited.
 */
export async function addTeamMember(
  ctx: AppContext,
  actor: TeamActor,
  channel: { id: string; displayName: string },
  input: AddTeamMemberBody,
): Promise<AddedTeamMember> {
  if (!roleCanManage(actor.role, input.role)) throw outranked(actor.role, input.role);
  const email = normalizeEmail(input.email);
  const now = ctx.clock().toISOString();
  const existing = await findUserByEmail(ctx.database.db, email);
  const oneTimePassword = existing ? null : newOneTimePassword();
  const passwordHash =
    oneTimePassword === null ? null : await hashPassword(oneTimePassword, ctx.config.passwordHashing);

  const member = await ctx.database.db.transaction().execute(async (trx) => {
    await lockTeam(trx, ctx.database.dialect, channel.id);
    let userId = existing?.id;
    if (userId !== undefined && (await findTeamMember(trx, channel.id, userId))) {
      throw new AppError('already_member', `${email} is already a member of this channel.`, {
        advice: 'Change their role in the team list instead.',
      });
    }
    if (userId === undefined) {
      const user = await insertUser(
        trx,
        {
          email,
          displayName: input.displayName ?? displayNameFromEmail(email),
          passwordHash: passwordHash ?? '',
          mustChangePassword: true,
        },
        now,
      );
      userId = user.id;
    }
    await grantRole(trx, userId, channel.id, input.role, now);
    const added = await findTeamMember(trx, channel.id, userId);
    if (!added) throw new Error('membership vanished inside its own transaction');
    await recordAudit(trx, {
      actor: actor.audit,
      workspaceId: channel.id,
      action: 'team.member_added',
      entity: 'user',
      entityId: userId,
      after: { ...auditView(added), isNewAccount: existing === undefined },
      at: now,
    });
    return added;
  });

  if (oneTimePassword === null) return { member, onboarding: 'existing_account', oneTimePassword: null };
  if (ctx.config.smtpUrl !== null && (await sendInvitation(ctx, actor, channel, member, oneTimePassword)))
    return { member, onboarding: 'invitation_emailed', oneTimePassword: null };
  return { member, onboarding: 'one_time_password', oneTimePassword };
}

/** True when the invitation left; on failure the caller shows the password instead (logged without it). */
async function sendInvitation(
  ctx: AppContext,
  actor: TeamActor,
  channel: { id: string; displayName: string },
  member: TeamMember,
  oneTimePassword: string,
): Promise<boolean> {
  const mailer = createMailer(ctx.config.smtpUrl ?? '');
  try {
    await mailer.send({
      to: [member.email],
      ...invitationMail({
        channelName: channel.displayName,
        invitedBy: actor.audit.label,
        role: member.role,
        email: member.email,
        oneTimePassword,
        link: signInLink(ctx.config.publicUrl, member.email),
      }),
    });
    return true;
  } catch (error) {
    ctx.logger.warn(
      {
        channelId: channel.id,
        userId: member.userId,
        reason: error instanceof Error ? error.message : 'unknown',
      },
      'team invitation e-mail failed; the one-time password is shown to the admin instead',
    );
    return false;
  } finally {
    mailer.close();
  }
}

export async function changeTeamRole(
  ctx: AppContext,
  actor: TeamActor,
  channelId: string,
  userId: string,
  role: Role,
): Promise<TeamMember> {
  return ctx.database.db.transaction().execute(async (trx) => {
    await lockTeam(trx, ctx.database.dialect, channelId);
    const before = await findTeamMember(trx, channelId, userId);
    if (!before) throw memberNotFound();
    if (!roleCanManage(actor.role, before.role)) throw outranked(actor.role, before.role);
    if (!roleCanManage(actor.role, role)) throw outranked(actor.role, role);
    if (before.role === role) return before;
    if (isAdminRole(before.role) && !isAdminRole(role) && (await adminCount(trx, channelId)) <= 1)
      throw lastAdmin();
    await setTeamRole(trx, channelId, userId, role);
    const after = { ...before, role };
    await recordAudit(trx, {
      actor: actor.audit,
      workspaceId: channelId,
      action: 'team.role_changed',
      entity: 'user',
      entityId: userId,
      before: auditView(before),
      after: auditView(after),
      at: ctx.clock().toISOString(),
    });
    return after;
  });
}

/** Removes the role on this channel; the account stays (it may belong to other channels). */
export async function removeFromTeam(
  ctx: AppContext,
  actor: TeamActor,
  channelId: string,
  userId: string,
): Promise<TeamMember> {
  return ctx.database.db.transaction().execute(async (trx) => {
    await lockTeam(trx, ctx.database.dialect, channelId);
    const before = await findTeamMember(trx, channelId, userId);
    if (!before) throw memberNotFound();
    if (!roleCanManage(actor.role, before.role)) throw outranked(actor.role, before.role);
    if (isAdminRole(before.role) && (await adminCount(trx, channelId)) <= 1) throw lastAdmin();
    await deleteMembership(trx, channelId, userId);
    await recordAudit(trx, {
      actor: actor.audit,
      workspaceId: channelId,
      action: 'team.member_removed',
      entity: 'user',
      entityId: userId,
      before: auditView(before),
      at: ctx.clock().toISOString(),
    });
    return before;
  });
}
