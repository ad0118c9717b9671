import { Type, type Static } from 'typebox';

import { Day, Id } from './common.js';

export const serviceKinds = ['module', 'addon'] as const;
export type ServiceKind = (typeof serviceKinds)[number];
export const billingBases = ['devices', 'users'] as const;
export type BillingBasis = (typeof billingBases)[number];

/** A Coro module or add-on. `key` is stable (e.g. `endpoint_security`) and joins usage and mappings. */
export const CatalogService = Type.Object(
  {
    key: Type.String(),
    name: Type.String(),
    kind: Type.Enum(serviceKinds),
    billingBasis: Type.Enum(billingBases),
  },
  { $id: 'CatalogService' },
);
export type CatalogService = Static<typeof CatalogService>;

export const CatalogServiceList = Type.Object({ items: Type.Array(CatalogService) });
export type CatalogServiceList = Static<typeof CatalogServiceList>;

export const ServiceKey = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_]+$' });

const MemberId = Type.String({ minLength: 1, maxLength: 200 });

/** A protected device behind a device count. */
export const DeviceMember = Type.Object(
  { id: MemberId, name: Type.String({ maxLength: 300 }) },
  { additionalProperties: false },
);
export type DeviceMember = Static<typeof DeviceMember>;

/** A protected user behind a user count. */
export const UserMember = Type.Object(
  { id: MemberId, email: Type.String({ maxLength: 320 }) },
  { additionalProperties: false },
);
export type UserMember = Static<typeof UserMember>;

export const UsageMembers = Type.Object(
  {
    devices: Type.Optional(Type.Array(DeviceMember, { maxItems: 100_000 })),
    users: Type.Optional(Type.Array(UserMember, { maxItems: 100_000 })),
  },
  { additionalProperties: false },
);
export type UsageMembers = Static<typeof UsageMembers>;

/** Protected devices and users of one child workspace for one service on one UTC day. */
export const UsageRecord = Type.Object(
  {
    workspaceId: Id,
    serviceKey: ServiceKey,
    day: Day,
    devices: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
    users: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
    /**
     * Optional: who made the counts. When a list is given its length must equal the count it
     * explains (`devices` or `users`), else the whole batch is refused. Absent: counts only.
     */
    members: Type.Optional(UsageMembers),
  },
  { additionalProperties: false },
);
export type UsageRecord = Static<typeof UsageRecord>;

export const MAX_USAGE_BATCH = 5000;

/** PUT /api/channels/:channelId/usage. Idempotent per (workspace, service, day); all or nothing. */
export const UsageIngestBody = Type.Object(
  { records: Type.Array(UsageRecord, { minItems: 1, maxItems: MAX_USAGE_BATCH }) },
  { additionalProperties: false },
);
export type UsageIngestBody = Static<typeof UsageIngestBody>;

export const UsageIngestResult = Type.Object({
  received: Type.Integer(),
  inserted: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
});
export type UsageIngestResult = Static<typeof UsageIngestResult>;

/** `details` of a 422 `validation_failed` answer to an ingest: which rows and why. */
export const UsageRejectedRow = Type.Object({ index: Type.Integer(), reason: Type.String() });
export type UsageRejectedRow = Static<typeof UsageRejectedRow>;

export const UsageSeriesQuery = Type.Object({
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  /** Repeat to select several services; all services when absent. */
  serviceKey: Type.Optional(Type.Array(ServiceKey, { maxItems: 50 })),
});
export type UsageSeriesQuery = Static<typeof UsageSeriesQuery>;

export const UsagePoint = Type.Object({ day: Day, devices: Type.Integer(), users: Type.Integer() });
export type UsagePoint = Static<typeof UsagePoint>;

export const UsageSeries = Type.Object({
  workspaceId: Id,
  from: Day,
  to: Day,
  series: Type.Array(Type.Object({ serviceKey: Type.String(), points: Type.Array(UsagePoint) })),
});
export type UsageSeries = Static<typeof UsageSeries>;

export const ChannelUsageQuery = Type.Object({ day: Type.Optional(Day) });
export type ChannelUsageQuery = Static<typeof ChannelUsageQuery>;

/** Counts of every child workspace of a channel on one day (the latest day with data by default). */
export const ChannelUsage = Type.Object({
  channelId: Id,
  day: Type.Union([Day, Type.Null()]),
  rows: Type.Array(
    Type.Object({
      workspaceId: Id,
      serviceKey: Type.String(),
      devices: Type.Integer(),
      users: Type.Integer(),
    }),
  ),
});
export type ChannelUsage = Static<typeof ChannelUsage>;
