import { Type, type Static } from 'typebox';

import { Id, Timestamp } from './common.js';

/**
 * Roles a user holds on a workspace. A role on a channel applies to its child workspaces and to
 * nested channels below it. Permission levels: read (every role), write (admins), admin (super admin).
 */
/**
 * `msp_billing`: a billing clerk. Reads what a viewer reads (connectors, sync history, the
 * reconciliation, member drill-down) and changes nothing: the same permission level as a viewer,
 * named for the job so a channel can hand it out without implying more.
 */
export const roles = ['msp_super_admin', 'msp_admin', 'msp_viewer', 'msp_billing'] as const;
export type Role = (typeof roles)[number];
export const RoleSchema = Type.Enum(roles);

export const permissionLevels = ['read', 'write', 'admin'] as const;
export type PermissionLevel = (typeof permissionLevels)[number];

/** Cookie and header names shared by server and console. */
export const SESSION_COOKIE = 'coro_session';
export const CSRF_COOKIE = 'coro_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/**
 * Over https both cookies carry this prefix (`__Host-coro_session`): the browser then only accepts
 * them Secure, for path /, without Domain, so a sibling subdomain cannot plant or shadow them.
 */
export const SECURE_COOKIE_PREFIX = '__Host-';

export const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

/** Public: what the sign-in page may show before anyone signs in. Demo logins only in demo mode. */
export const AuthConfig = Type.Object(
  {
    isDemo: Type.Boolean(),
    demoLogins: Type.Optional(
      Type.Array(
        Type.Object(
          { email: Type.String(), password: Type.String(), role: RoleSchema },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);
export type AuthConfig = Static<typeof AuthConfig>;

export const UserSummary = Type.Object(
  { id: Id, email: Type.String(), displayName: Type.String() },
  { $id: 'UserSummary' },
);
export type UserSummary = Static<typeof UserSummary>;

export const Membership = Type.Object({
  workspaceId: Id,
  workspaceName: Type.String(),
  workspaceKind: Type.String(),
  role: RoleSchema,
});
export type Membership = Static<typeof Membership>;

/** A channel the user may open in the channel switcher (including nested channels it inherits). */
export const ChannelAccess = Type.Object({
  id: Id,
  displayName: Type.String(),
  parentId: Type.Union([Id, Type.Null()]),
  role: RoleSchema,
});
export type ChannelAccess = Static<typeof ChannelAccess>;

export const Me = Type.Object(
  {
    user: UserSummary,
    memberships: Type.Array(Membership),
    channels: Type.Array(ChannelAccess),
    /** Same value as the `coro_csrf` cookie: send it as `x-csrf-token` on POST/PUT/PATCH/DELETE. */
    csrfToken: Type.String(),
    sessionExpiresAt: Timestamp,
    /** Signed in with a one-time password: the console asks for a new one before anything else. */
    mustChangePassword: Type.Boolean(),
  },
  { $id: 'Me' },
);
export type Me = Static<typeof Me>;

export const machineTokenScopes = ['usage:write'] as const;
export type MachineTokenScope = (typeof machineTokenScopes)[number];
export const MachineTokenScopeSchema = Type.Enum(machineTokenScopes);

export const ChannelParams = Type.Object({ channelId: Id });
export type ChannelParams = Static<typeof ChannelParams>;

export const TokenParams = Type.Object({ channelId: Id, tokenId: Id });
export type TokenParams = Static<typeof TokenParams>;

export const MachineToken = Type.Object(
  {
    id: Id,
    channelId: Id,
    name: Type.String(),
    scope: MachineTokenScopeSchema,
    tokenPrefix: Type.String(),
    createdAt: Timestamp,
    lastUsedAt: Type.Union([Timestamp, Type.Null()]),
    revokedAt: Type.Union([Timestamp, Type.Null()]),
  },
  { $id: 'MachineToken' },
);
export type MachineToken = Static<typeof MachineToken>;

export const CreateMachineTokenBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), scope: MachineTokenScopeSchema },
  { additionalProperties: false },
);
export type CreateMachineTokenBody = Static<typeof CreateMachineTokenBody>;

/** Returned once, at creation: the only time the token is visible. */
export const CreatedMachineToken = Type.Object({ token: MachineToken, secret: Type.String() });
export type CreatedMachineToken = Static<typeof CreatedMachineToken>;

export const MachineTokenList = Type.Object({ items: Type.Array(MachineToken) });
export type MachineTokenList = Static<typeof MachineTokenList>;

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;
