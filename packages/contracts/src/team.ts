import { Type, type Static } from 'typebox';

import { RoleSchema } from './auth.js';
import { Id, Timestamp } from './common.js';

// The people of one channel (direct memberships on it) and how an admin adds, re-roles and removes
// them. Roles keep the words of the role model (`roles` in auth.ts).

export const TeamParams = Type.Object({ channelId: Id });
export type TeamParams = Static<typeof TeamParams>;

export const TeamMemberParams = Type.Object({ channelId: Id, userId: Id });
export type TeamMemberParams = Static<typeof TeamMemberParams>;

export const TeamMember = Type.Object(
  {
    userId: Id,
    email: Type.String(),
    displayName: Type.String(),
    role: RoleSchema,
    /** null: never signed in. */
    lastSignInAt: Type.Union([Timestamp, Type.Null()]),
    addedAt: Timestamp,
  },
  { $id: 'TeamMember' },
);
export type TeamMember = Static<typeof TeamMember>;

export const TeamList = Type.Object({ items: Type.Array(TeamMember) }, { $id: 'TeamList' });
export type TeamList = Static<typeof TeamList>;

export const AddTeamMemberBody = Type.Object(
  {
    email: Type.String({ format: 'email', minLength: 3, maxLength: 254 }),
    role: RoleSchema,
    /** Only used when the e-mail has no account yet; defaults to the part before `@`. */
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
  },
  { additionalProperties: false },
);
export type AddTeamMemberBody = Static<typeof AddTeamMemberBody>;

export const ChangeTeamRoleBody = Type.Object({ role: RoleSchema }, { additionalProperties: false });
export type ChangeTeamRoleBody = Static<typeof ChangeTeamRoleBody>;

/**
 * How the added person gets in:
 * - `existing_account`: the e-mail already had an account; it now also has this channel.
 * - `one_time_password`: a new account; its password is in `oneTimePassword`, shown this once
 *   (only its hash is stored) and to be changed at first sign-in.
 * - `invitation_emailed`: a new account; SMTP is configured, so the password and a sign-in link
 *   went by e-mail and `oneTimePassword` is null.
 */
export const teamOnboardings = ['existing_account', 'one_time_password', 'invitation_emailed'] as const;
export type TeamOnboarding = (typeof teamOnboardings)[number];

export const AddedTeamMember = Type.Object(
  {
    member: TeamMember,
    onboarding: Type.Enum(teamOnboardings),
    oneTimePassword: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'AddedTeamMember' },
);
export type AddedTeamMember = Static<typeof AddedTeamMember>;
