import { Type, type Static } from 'typebox';

import { Id, Page, pageQueryProperties, Timestamp, type PageOf } from './common.js';

export const workspaceKinds = ['channel', 'child', 'regular'] as const;
export type WorkspaceKind = (typeof workspaceKinds)[number];
export const WorkspaceKindSchema = Type.Enum(workspaceKinds);

/** Lifecycle of a child workspace in Coro. Only Subscription is billed by default. */
export const childStatuses = ['New', 'Trial', 'Subscription', 'Inactive'] as const;
export type ChildStatus = (typeof childStatuses)[number];
export const ChildStatusSchema = Type.Enum(childStatuses);

export const Workspace = Type.Object(
  {
    id: Id,
    kind: WorkspaceKindSchema,
    parentId: Type.Union([Id, Type.Null()]),
    displayName: Type.String(),
    companyName: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([ChildStatusSchema, Type.Null()]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Workspace' },
);
export type Workspace = Static<typeof Workspace>;

export const WorkspaceParams = Type.Object({ id: Id });
export type WorkspaceParams = Static<typeof WorkspaceParams>;

export const ChildrenQuery = Type.Object({
  ...pageQueryProperties,
  /** Case-insensitive substring of display or company name. */
  search: Type.Optional(Type.String({ maxLength: 200 })),
  /** Repeat to filter by several: `?status=Trial&status=New`. */
  status: Type.Optional(Type.Array(ChildStatusSchema, { maxItems: 4 })),
});
export type ChildrenQuery = Static<typeof ChildrenQuery>;

export const WorkspacePage = Page(Workspace);
export type WorkspacePage = PageOf<Workspace>;

export const CreateChildBody = Type.Object(
  {
    displayName: Type.String({ minLength: 1, maxLength: 200 }),
    companyName: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    status: ChildStatusSchema,
  },
  { additionalProperties: false },
);
export type CreateChildBody = Static<typeof CreateChildBody>;

export const UpdateWorkspaceBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    companyName: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    status: Type.Optional(ChildStatusSchema),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWorkspaceBody = Static<typeof UpdateWorkspaceBody>;
