/**
 * `coro-psa team list|add|role|remove --channel <id>`: the console's Team page for operators who
 * hold the database (acting as msp_super_admin, audited as "cli team"). Same service and rules as
 * the API: never the last admin, duplicates refused, a one-time password printed once.
 */
import { roles, type Role, type TeamMember } from '@coro/contracts';

import type { AppContext } from '../app/app-context.js';
import { AppError } from '../app/app-error.js';
import { systemActor } from '../audit/audit.repository.js';
import { isRole } from '../auth/roles.js';
import { normalizeEmail } from '../auth/user.repository.js';
import type { AppConfig } from '../config/config.js';
import { createAppContext, openDatabase, shouldAutoMigrate } from '../main.js';
import { assertChannel, findWorkspace } from '../workspaces/workspace.repository.js';
import { addTeamMember, changeTeamRole, listTeam, removeFromTeam, type TeamActor } from './team.service.js';

const actor: TeamActor = { audit: systemActor('cli team'), role: 'msp_super_admin' };

// Same rule of thumb as the API's `format: email`: one @, no spaces, a dot in the domain.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function parseRole(value: string): Role {
  if (!isRole(value))
    throw new AppError('validation_failed', `Unknown role "${value}". Roles: ${roles.join(', ')}.`);
  return value;
}

function parseEmail(value: string): string {
  if (!EMAIL.test(value.trim()))
    throw new AppError('validation_failed', `"${value}" is not an e-mail address.`);
  return normalizeEmail(value);
}

async function withChannel<T>(
  config: AppConfig,
  channelId: string,
  work: (ctx: AppContext, channel: { id: string; displayName: string }) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(config, { migrate: shouldAutoMigrate(config) });
  const ctx = createAppContext(config, database);
  try {
    const channel = await findWorkspace(database.db, channelId);
    if (!channel) throw new AppError('not_found', `No channel ${channelId}.`);
    assertChannel(channel);
    return await work(ctx, channel);
  } finally {
    await ctx.close();
  }
}

async function memberByEmail(ctx: AppContext, channelId: string, email: string): Promise<TeamMember> {
  const wanted = parseEmail(email);
  const member = (await listTeam(ctx.database.db, channelId)).find((m) => m.email === wanted);
  if (!member) throw new AppError('not_found', `${wanted} is not a member of this channel.`);
  return member;
}

export function formatTeam(members: readonly TeamMember[]): string {
  const width = Math.max(6, ...members.map((m) => m.email.length));
  const rows = members.map(
    (m) =>
      `${m.email.padEnd(width)}  ${m.role.padEnd(15)}  ${(m.lastSignInAt ?? 'never').padEnd(24)}  ${m.displayName}`,
  );
  return [
    `${'E-mail'.padEnd(width)}  ${'Role'.padEnd(15)}  ${'Last sign-in'.padEnd(24)}  Name`,
    ...rows,
  ].join('\n');
}

export const teamListCommand = (config: AppConfig, channelId: string): Promise<void> =>
  withChannel(config, channelId, async (ctx) => {
    console.log(formatTeam(await listTeam(ctx.database.db, channelId)));
  });

export const teamAddCommand = (
  config: AppConfig,
  input: { channelId: string; email: string; role: string; displayName?: string | undefined },
): Promise<void> =>
  withChannel(config, input.channelId, async (ctx, channel) => {
    const added = await addTeamMember(ctx, actor, channel, {
      email: parseEmail(input.email),
      role: parseRole(input.role),
      ...(input.displayName === undefined ? {} : { displayName: input.displayName }),
    });
    console.log(`Added ${added.member.email} to "${channel.displayName}" as ${added.member.role}.`);
    if (added.onboarding === 'invitation_emailed')
      console.log('An invitation with a sign-in link and a one-time password was e-mailed to them.');
    if (added.oneTimePassword !== null)
      console.log(
        `One-time password (shown only now; they must choose their own at first sign-in): ${added.oneTimePassword}`,
      );
  });

export const teamRoleCommand = (
  config: AppConfig,
  input: { channelId: string; email: string; role: string },
): Promise<void> =>
  withChannel(config, input.channelId, async (ctx) => {
    const role = parseRole(input.role);
    const member = await memberByEmail(ctx, input.channelId, input.email);
    const after = await changeTeamRole(ctx, actor, input.channelId, member.userId, role);
    console.log(`${after.email}: ${member.role} → ${after.role}.`);
  });

export const teamRemoveCommand = (
  config: AppConfig,
  input: { channelId: string; email: string },
): Promise<void> =>
  withChannel(config, input.channelId, async (ctx, channel) => {
    const member = await memberByEmail(ctx, input.channelId, input.email);
    await removeFromTeam(ctx, actor, input.channelId, member.userId);
    console.log(`Removed ${member.email} from "${channel.displayName}" (the account itself stays).`);
  });
