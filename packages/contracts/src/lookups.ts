import { Type, type Static } from 'typebox';

import { Id, Timestamp } from './common.js';

export const LookupSearchQuery = Type.Object(
  {
    /** Case- and accent-insensitive "contains"; names that start with it come first. */
    q: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 25 })),
    /** `nextCursor` of the previous page. */
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    activeOnly: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export type LookupSearchQuery = Static<typeof LookupSearchQuery>;

export const PsaCompanyItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  isActive: Type.Boolean(),
  /** The workspace that already holds this company on this connector. */
  mappedWorkspace: Type.Union([Type.Object({ id: Id, name: Type.String() }), Type.Null()]),
});
export type PsaCompanyItem = Static<typeof PsaCompanyItem>;

export const PsaCompanyPage = Type.Object({
  items: Type.Array(PsaCompanyItem),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type PsaCompanyPage = Static<typeof PsaCompanyPage>;

export const PsaServiceItem = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  isActive: Type.Boolean(),
  unitPrice: Type.Union([Type.Number(), Type.Null()]),
  /** The Coro service already mapped to it on this connector. */
  mappedServiceKey: Type.Union([Type.String(), Type.Null()]),
});
export type PsaServiceItem = Static<typeof PsaServiceItem>;

export const PsaServicePage = Type.Object({
  items: Type.Array(PsaServiceItem),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type PsaServicePage = Static<typeof PsaServicePage>;

export const RefreshLookupsBody = Type.Object(
  {
    /** Re-read every company (and notice deleted ones) instead of only those changed since the last refresh. */
    full: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export type RefreshLookupsBody = Static<typeof RefreshLookupsBody>;

export const RefreshLookupsResult = Type.Object({
  companies: Type.Object({
    mode: Type.Enum(['full', 'incremental'] as const),
    upserted: Type.Integer({ minimum: 0 }),
    /** Companies a full refresh no longer found in the PSA (kept for their mappings, hidden from search). */
    missing: Type.Integer({ minimum: 0 }),
    total: Type.Integer({ minimum: 0 }),
  }),
  services: Type.Object({
    upserted: Type.Integer({ minimum: 0 }),
    missing: Type.Integer({ minimum: 0 }),
  }),
  refreshedAt: Timestamp,
});
export type RefreshLookupsResult = Static<typeof RefreshLookupsResult>;
