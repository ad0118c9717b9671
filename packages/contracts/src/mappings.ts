import { Type, type Static } from 'typebox';

import { Id, MAX_PAGE_OFFSET, Timestamp } from './common.js';

export const contractCheckStatusValues = [
  'ok',
  'no_contract',
  'service_missing',
  'ambiguous',
  'inactive_company',
] as const;
export type ContractCheckStatusValue = (typeof contractCheckStatusValues)[number];

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const ContractCheck = Type.Object({
  status: Type.Enum(contractCheckStatusValues),
  contractId: Nullable(Type.String()),
  contractName: Nullable(Type.String()),
  isPinned: Type.Boolean(),
  candidateContractIds: Type.Array(Type.String()),
  services: Type.Array(
    Type.Object({
      serviceKey: Type.String(),
      psaServiceId: Type.String(),
      status: Type.Enum(['ok', 'missing', 'duplicate'] as const),
      contractServiceId: Nullable(Type.String()),
    }),
  ),
  message: Type.String(),
  advice: Nullable(Type.String()),
  checkedAt: Timestamp,
});
export type ContractCheck = Static<typeof ContractCheck>;

export const WorkspaceMappingItem = Type.Object({
  workspaceId: Id,
  workspaceName: Type.String(),
  workspaceStatus: Nullable(Type.String()),
  mapping: Nullable(
    Type.Object({
      companyId: Type.String(),
      companyName: Type.String(),
      isCompanyActive: Type.Boolean(),
      /** False once the company no longer exists in the PSA. */
      isCompanyPresent: Type.Boolean(),
      pinnedContractId: Nullable(Type.String()),
      check: Nullable(ContractCheck),
      updatedAt: Timestamp,
    }),
  ),
});
export type WorkspaceMappingItem = Static<typeof WorkspaceMappingItem>;

export const workspaceMappingFilterValues = ['all', 'mapped', 'unmapped', 'problems'] as const;
export const workspaceMappingSortValues = ['workspace', 'company', 'status'] as const;

export const WorkspaceMappingQuery = Type.Object(
  {
    filter: Type.Optional(Type.Enum(workspaceMappingFilterValues, { default: 'all' })),
    /** Contains, on the workspace or the company name. */
    q: Type.Optional(Type.String({ maxLength: 200 })),
    sort: Type.Optional(Type.Enum(workspaceMappingSortValues, { default: 'workspace' })),
    order: Type.Optional(Type.Enum(['asc', 'desc'] as const, { default: 'asc' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_PAGE_OFFSET, default: 0 })),
  },
  { additionalProperties: false },
);
export type WorkspaceMappingQuery = Static<typeof WorkspaceMappingQuery>;

export const WorkspaceMappingPage = Type.Object({
  items: Type.Array(WorkspaceMappingItem),
  total: Type.Integer({ minimum: 0 }),
  limit: Type.Integer(),
  offset: Type.Integer(),
  /** Counts over the whole channel, whatever the filter: for the tabs. */
  counts: Type.Object({
    all: Type.Integer({ minimum: 0 }),
    mapped: Type.Integer({ minimum: 0 }),
    unmapped: Type.Integer({ minimum: 0 }),
    problems: Type.Integer({ minimum: 0 }),
  }),
});
export type WorkspaceMappingPage = Static<typeof WorkspaceMappingPage>;

export const WorkspaceMappingParams = Type.Object({ channelId: Id, connectorId: Id, workspaceId: Id });
export type WorkspaceMappingParams = Static<typeof WorkspaceMappingParams>;

export const MapWorkspaceBody = Type.Object(
  { companyId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
export type MapWorkspaceBody = Static<typeof MapWorkspaceBody>;

/** `contractId: null` removes the pin. */
export const PinContractBody = Type.Object(
  { contractId: Nullable(Type.String({ minLength: 1, maxLength: 64 })) },
  { additionalProperties: false },
);
export type PinContractBody = Static<typeof PinContractBody>;

export const AutoMapResult = Type.Object({
  mapped: Type.Array(
    Type.Object({
      workspaceId: Id,
      workspaceName: Type.String(),
      companyId: Type.String(),
      companyName: Type.String(),
    }),
  ),
  /** Unmapped workspaces that were left alone, and why. */
  skipped: Type.Array(
    Type.Object({
      workspaceId: Id,
      workspaceName: Type.String(),
      reason: Type.Enum(['no_exact_match', 'several_companies', 'several_workspaces'] as const),
    }),
  ),
});
export type AutoMapResult = Static<typeof AutoMapResult>;

export const SuggestionsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 3 })),
    minScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.5 })),
  },
  { additionalProperties: false },
);
export type SuggestionsQuery = Static<typeof SuggestionsQuery>;

export const SuggestionList = Type.Object({
  items: Type.Array(
    Type.Object({
      workspaceId: Id,
      workspaceName: Type.String(),
      candidates: Type.Array(
        Type.Object({ companyId: Type.String(), companyName: Type.String(), score: Type.Number() }),
      ),
    }),
  ),
});
export type SuggestionList = Static<typeof SuggestionList>;

export const billingBasisValues = ['devices', 'users'] as const;

export const ServiceMappingItem = Type.Object({
  serviceKey: Type.String(),
  serviceName: Type.String(),
  serviceKind: Type.String(),
  defaultBillingBasis: Type.Enum(billingBasisValues),
  mapping: Nullable(
    Type.Object({
      psaServiceId: Type.String(),
      psaServiceName: Type.String(),
      isPsaServiceActive: Type.Boolean(),
      isPsaServicePresent: Type.Boolean(),
      billingBasis: Type.Enum(billingBasisValues),
      updatedAt: Timestamp,
    }),
  ),
});
export type ServiceMappingItem = Static<typeof ServiceMappingItem>;

export const ServiceMappingList = Type.Object({ items: Type.Array(ServiceMappingItem) });
export type ServiceMappingList = Static<typeof ServiceMappingList>;

export const ServiceMappingParams = Type.Object({
  channelId: Id,
  connectorId: Id,
  serviceKey: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_]+$' }),
});
export type ServiceMappingParams = Static<typeof ServiceMappingParams>;

export const MapServiceBody = Type.Object(
  {
    psaServiceId: Type.String({ minLength: 1, maxLength: 64 }),
    /** Defaults to the catalog's basis for the service. */
    billingBasis: Type.Optional(Type.Enum(billingBasisValues)),
  },
  { additionalProperties: false },
);
export type MapServiceBody = Static<typeof MapServiceBody>;

export const RunContractCheckBody = Type.Object(
  {
    /** Only these workspaces; all mapped ones when omitted. */
    workspaceIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 1000, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type RunContractCheckBody = Static<typeof RunContractCheckBody>;

export const ContractCheckSummary = Type.Object({
  checked: Type.Integer({ minimum: 0 }),
  byStatus: Type.Object({
    ok: Type.Integer({ minimum: 0 }),
    no_contract: Type.Integer({ minimum: 0 }),
    service_missing: Type.Integer({ minimum: 0 }),
    ambiguous: Type.Integer({ minimum: 0 }),
    inactive_company: Type.Integer({ minimum: 0 }),
  }),
  checkedAt: Timestamp,
});
export type ContractCheckSummary = Static<typeof ContractCheckSummary>;
