import { Type, type Static } from 'typebox';

import { Day, Id } from './common.js';
import { ServiceKey } from './usage.js';

export const memberKinds = ['device', 'user'] as const;
export type MemberKind = (typeof memberKinds)[number];

/**
 * GET /api/workspaces/:id/usage/members: who is in a line's (workspace × service) count on `day`
 * (today by default) and, with `since`, who joined or left between `since` and `day`.
 */
export const LineMembersQuery = Type.Object(
  { serviceKey: ServiceKey, day: Type.Optional(Day), since: Type.Optional(Day) },
  { additionalProperties: false },
);
export type LineMembersQuery = Static<typeof LineMembersQuery>;

export const LineMember = Type.Object({
  id: Type.String(),
  /** Device name or user e-mail. */
  label: Type.String(),
});
export type LineMember = Static<typeof LineMember>;

export const MemberChangeItem = Type.Object({
  id: Type.String(),
  label: Type.String(),
  change: Type.Union([Type.Literal('added'), Type.Literal('removed')]),
  /** First day the member was in (added) or no longer in (removed) the count. */
  day: Day,
});
export type MemberChangeItem = Static<typeof MemberChangeItem>;

export const LineMembers = Type.Object({
  workspaceId: Id,
  serviceKey: Type.String(),
  /** Devices for device-billed services, users for user-billed ones. */
  kind: Type.Union([Type.Literal('device'), Type.Literal('user')]),
  day: Day,
  /** The count ingested for that day, null when no usage was reported. */
  count: Type.Union([Type.Integer(), Type.Null()]),
  members: Type.Array(LineMember),
  since: Type.Union([Day, Type.Null()]),
  /** Empty without `since`. */
  changes: Type.Array(MemberChangeItem),
});
export type LineMembers = Static<typeof LineMembers>;
