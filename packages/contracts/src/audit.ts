import { Type, type Static } from 'typebox';

import { Id, Page, pageQueryProperties, Timestamp, type PageOf } from './common.js';

export const actorKinds = ['user', 'token', 'system'] as const;
export type ActorKind = (typeof actorKinds)[number];

export const AuditEvent = Type.Object(
  {
    id: Id,
    workspaceId: Id,
    actor: Type.Object({
      kind: Type.Enum(actorKinds),
      id: Type.Union([Type.String(), Type.Null()]),
      label: Type.String(),
    }),
    action: Type.String(),
    entity: Type.String(),
    entityId: Type.Union([Type.String(), Type.Null()]),
    before: Type.Unknown(),
    after: Type.Unknown(),
    createdAt: Timestamp,
  },
  { $id: 'AuditEvent' },
);
export type AuditEvent = Static<typeof AuditEvent>;

export const AuditQuery = Type.Object({
  ...pageQueryProperties,
  entity: Type.Optional(Type.String({ maxLength: 64 })),
  action: Type.Optional(Type.String({ maxLength: 64 })),
});
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditPage = Page(AuditEvent);
export type AuditPage = PageOf<AuditEvent>;
