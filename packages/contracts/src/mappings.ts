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

/** Why a proposal cannot be applied as it stands (also why an apply skipped a pair). */
export const autoMapExclusionValues = [
  'inactive_company',
  'company_already_mapped',
  'several_companies',
  'several_workspaces',
] as const;
export type AutoMapExclusion = (typeof autoMapExclusionValues)[number];

/**
 * `exact`: equal names once case, spacing and punctuation are ignored (score 1, pre-selected).
 * `similar`: the best other candidate with its honest score (< 1), never pre-selected.
 */
export const autoMapMatchValues = ['exact', 'similar'] as const;

export const AutoMapProposal = Type.Object({
  workspaceId: Id,
  workspaceName: Type.String(),
  companyId: Type.String(),
  companyName: Type.String(),
  match: Type.Enum(autoMapMatchValues),
  /** 1 only for an exact match; a different name never scores 1. */
  score: Type.Number({ minimum: 0, maximum: 1 }),
  isPreselected: Type.Boolean(),
  /** Null when the pair can be applied. */
  exclusion: Nullable(Type.Enum(autoMapExclusionValues)),
  /** Says why in words (who holds the company, how many share the name). */
  note: Nullable(Type.String()),
});
export type AutoMapProposal = Static<typeof AutoMapProposal>;

/** `GET …/workspace-mappings/auto-map`: read-only; nothing is mapped until applied. */
export const AutoMapProposalList = Type.Object({
  items: Type.Array(AutoMapProposal),
  counts: Type.Object({
    exact: Type.Integer({ minimum: 0 }),
    similar: Type.Integer({ minimum: 0 }),
    excluded: Type.Integer({ minimum: 0 }),
    /** Unmapped workspaces with no candidate at all (not listed). */
    unmatched: Type.Integer({ minimum: 0 }),
  }),
});
export type AutoMapProposalList = Static<typeof AutoMapProposalList>;

export const AUTO_MAP_MAX_PAIRS = 10_000;

export const AutoMapApplyBody = Type.Object(
  {
    pairs: Type.Array(
      Type.Object(
        { workspaceId: Id, companyId: Type.String({ minLength: 1, maxLength: 64 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: AUTO_MAP_MAX_PAIRS },
    ),
  },
  { additionalProperties: false },
);
export type AutoMapApplyBody = Static<typeof AutoMapApplyBody>;

export const autoMapSkipValues = [
  ...autoMapExclusionValues,
  'workspace_already_mapped',
  'workspace_not_found',
  'company_not_found',
] as const;

const MappedPair = Type.Object({
  workspaceId: Id,
  workspaceName: Type.String(),
  companyId: Type.String(),
  companyName: Type.String(),
});

/** `POST …/workspace-mappings/auto-map`: the selected pairs, each re-validated. */
export const AutoMapApplyResult = Type.Object({
  /** Null when nothing was mapped (no batch to undo). */
  batchId: Nullable(Id),
  mapped: Type.Array(MappedPair),
  skipped: Type.Array(
    Type.Object({
      workspaceId: Id,
      companyId: Type.String(),
      reason: Type.Enum(autoMapSkipValues),
      message: Type.String(),
    }),
  ),
});
export type AutoMapApplyResult = Static<typeof AutoMapApplyResult>;

export const MappingBatchParams = Type.Object({ channelId: Id, connectorId: Id, batchId: Id });
export type MappingBatchParams = Static<typeof MappingBatchParams>;

/** `POST …/mapping-batches/:batchId/undo`: removes the batch's mappings nobody changed since. */
export const MappingBatchUndoResult = Type.Object({
  batchId: Id,
  removed: Type.Array(MappedPair),
  /** Mappings of the batch left in place, and why (changed or removed since). */
  kept: Type.Array(
    Type.Object({
      workspaceId: Id,
      workspaceName: Type.String(),
      companyId: Type.String(),
      reason: Type.Enum(['removed_since', 'changed_since'] as const),
    }),
  ),
});
export type MappingBatchUndoResult = Static<typeof MappingBatchUndoResult>;

/** `GET …/mapping-batches`: the connector's latest auto-map batches, newest first. */
export const MappingBatchList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Id,
      createdAt: Timestamp,
      createdBy: Nullable(Type.String()),
      /** Mappings the batch created. */
      mappingCount: Type.Integer({ minimum: 0 }),
      undoneAt: Nullable(Timestamp),
    }),
  ),
});
export type MappingBatchList = Static<typeof MappingBatchList>;

/** The contracts of a mapped company, for the pin picker. */
export const CompanyContractList = Type.Object({
  pinnedContractId: Nullable(Type.String()),
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      isActive: Type.Boolean(),
      isRecurringService: Type.Boolean(),
      startDate: Type.String(),
      endDate: Type.String(),
    }),
  ),
});
export type CompanyContractList = Static<typeof CompanyContractList>;

export const SuggestionsQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 3 })),
    minScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1, default: 0.5 })),
    /**
     * The rows the console shows: comma-separated workspace ids (at most 200). Mapped or unknown
     * ids are left out of the answer. Without it, the unmapped workspaces by name from `offset`.
     */
    workspaceIds: Type.Optional(Type.String({ maxLength: 200 * 37, pattern: '^[0-9a-fA-F,-]*$' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    /** Without it, every unmapped workspace from `offset` (the answer before issue 12). */
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
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

export const serviceSuggestionReasonValues = ['name', 'abbreviation', 'alias'] as const;

/** `GET …/service-mappings/suggestions`: for each unmapped Coro service, PSA services to accept. */
export const ServiceSuggestionList = Type.Object({
  items: Type.Array(
    Type.Object({
      serviceKey: Type.String(),
      candidates: Type.Array(
        Type.Object({
          psaServiceId: Type.String(),
          psaServiceName: Type.String(),
          /** 1 only for the same name. */
          score: Type.Number({ minimum: 0, maximum: 1 }),
          reason: Type.Enum(serviceSuggestionReasonValues),
        }),
      ),
    }),
  ),
});
export type ServiceSuggestionList = Static<typeof ServiceSuggestionList>;
