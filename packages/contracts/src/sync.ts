import { Type, type Static, type TSchema } from 'typebox';

import { Day, Id, Page, pageQueryProperties, Timestamp, type PageOf } from './common.js';

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

// The sync's vocabularies, declared once here (the API exposes them) and imported by the server.
/** `undo`: a run of opposing adjustments that reverses an applied run (or some of its lines). */
export const syncRunModes = ['apply', 'dry-run', 'undo'] as const;
export type SyncRunMode = (typeof syncRunModes)[number];
export const syncRunTriggers = ['schedule', 'manual', 'cli'] as const;
export type SyncRunTrigger = (typeof syncRunTriggers)[number];
export const syncRunStatuses = ['queued', 'running', 'succeeded', 'partial', 'failed'] as const;
export type SyncRunStatusName = (typeof syncRunStatuses)[number];
export const syncLineKinds = ['unchanged', 'adjust', 'held', 'skipped', 'problem'] as const;
export type SyncLineKind = (typeof syncLineKinds)[number];
export const syncLineStatuses = [
  'planned',
  'applied',
  'failed',
  'held',
  'approved',
  'stale',
  'not_applied',
  'none',
] as const;
/**
 * Execution state of a line. `planned`: an adjust line not yet sent; `not_applied`: a dry run's
 * adjust line; `none`: nothing to do (unchanged, skipped, problem).
 */
export type SyncLineStatus = (typeof syncLineStatuses)[number];
export const syncProblemCodes = [
  'unmapped_company',
  'no_usage',
  'no_contract',
  'service_not_on_contract',
  'ambiguous_contract',
  'pinned_contract_unusable',
  'manual_edit_detected',
  'psa_error',
] as const;
export type SyncProblemCode = (typeof syncProblemCodes)[number];
export const statusBillingModes = ['bill', 'skip', 'zero'] as const;

export const undoStates = ['undone', 'partially_undone'] as const;
export type UndoState = (typeof undoStates)[number];

export const SyncRunParams = Type.Object({ channelId: Id, connectorId: Id, runId: Id });
export type SyncRunParams = Static<typeof SyncRunParams>;

/** Line and call counters, shared by runs and progress events (which may lack the units moved). */
const lineCounters = {
  lines: Type.Integer(),
  unchanged: Type.Integer(),
  adjusted: Type.Integer(),
  held: Type.Integer(),
  skipped: Type.Integer(),
  problems: Type.Integer(),
  failed: Type.Integer(),
};

export const SyncCounters = Type.Object({
  ...lineCounters,
  unitsAdded: Type.Integer(),
  unitsRemoved: Type.Integer(),
  psaReads: Type.Integer(),
  psaWrites: Type.Integer(),
});
export type SyncCounters = Static<typeof SyncCounters>;

/**
 * Why a run waits on the PSA's request budget (Autotask: ~10,000 requests per rolling hour per
 * tenant, shared with every other integration). `share_used`: this connector used the share it
 * allows itself and pauses until its oldest requests leave the window; `tenant_exhausted`: all
 * integrations together used the limit, the sync re-checks periodically; `spacing`: requests are
 * spread out near the limit (shown only for waits of 2 s or more). Nobody has to act: the run
 * continues by itself.
 */
export const syncWaitReasons = ['spacing', 'share_used', 'tenant_exhausted'] as const;
export type SyncWaitReason = (typeof syncWaitReasons)[number];

export const SyncWait = Type.Object(
  {
    reason: Type.Enum(syncWaitReasons),
    /** When requests are expected to flow again (`tenant_exhausted`: when the sync checks again). */
    resumesAt: Timestamp,
    /** This connector's requests in the PSA's current window, and the share it allows itself. */
    ourCallsInWindow: Type.Integer(),
    allowance: Type.Integer(),
    /** The tenant's usage (all integrations) as last estimated, and its limit per window. */
    tenantUsed: Type.Integer(),
    tenantLimit: Type.Integer(),
    /** For the admin, naming the PSA: why the run waits, until about when (UTC), nothing to do. */
    message: Type.String(),
  },
  {
    $id: 'SyncWait',
    description:
      'The run waits on the PSA request budget; present only while waiting, absent once requests flow again.',
  },
);
export type SyncWait = Static<typeof SyncWait>;

export const SyncRun = Type.Object(
  {
    id: Id,
    connectorId: Id,
    mode: Type.Enum(syncRunModes),
    trigger: Type.String(),
    status: Type.Enum(syncRunStatuses),
    effectiveDate: nullable(Day),
    timeZone: nullable(Type.String()),
    phase: nullable(Type.String()),
    progress: Type.Object({ done: Type.Integer(), total: Type.Integer() }),
    counters: SyncCounters,
    error: nullable(Type.Object({ code: Type.String(), message: Type.String() })),
    requestedBy: nullable(Type.String()),
    createdAt: Timestamp,
    startedAt: nullable(Timestamp),
    finishedAt: nullable(Timestamp),
    /** Set while the (running) run waits on the PSA's request budget. */
    wait: Type.Optional(SyncWait),
    /**
     * When a run interrupted by a shutdown resumed (in another process or after the restart). Its
     * lines and counters still cover the whole run, each (workspace, service) once.
     */
    resumedAt: Type.Optional(Timestamp),
    /** An apply run made from a reviewed preview: that preview's run id. */
    previewRunId: Type.Optional(Id),
    /** An undo run: the run it reverses. */
    undoOfRunId: Type.Optional(Id),
    /** A run whose writes were reversed by undo runs: all of them, or some. */
    undoState: Type.Optional(Type.Enum(undoStates)),
  },
  { $id: 'SyncRun' },
);
export type SyncRun = Static<typeof SyncRun>;

export const syncPhases = ['starting', 'reconciling', 'reading', 'applying', 'finished'] as const;

/**
 * One `progress` event of `GET …/sync/runs/:runId/events` (server-sent events; the stream ends with
 * one `done` event carrying the `SyncRun`). Each event is a full snapshot: a missing `wait` means
 * the run is not waiting (any more).
 */
export const SyncProgress = Type.Object(
  {
    runId: Id,
    connectorId: Id,
    phase: Type.Enum(syncPhases),
    /** Lines settled out of the lines expected so far. */
    done: Type.Integer(),
    total: Type.Integer(),
    counters: Type.Object({
      ...lineCounters,
      psaReads: Type.Integer(),
      psaWrites: Type.Integer(),
      /** Present when the event was read from the run row (a run executed by another process). */
      unitsAdded: Type.Optional(Type.Integer()),
      unitsRemoved: Type.Optional(Type.Integer()),
    }),
    /** The run's status; final on the last event. */
    status: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
    wait: Type.Optional(SyncWait),
  },
  { $id: 'SyncProgress' },
);
export type SyncProgress = Static<typeof SyncProgress>;

export const SyncLine = Type.Object(
  {
    id: Id,
    seq: Type.Integer(),
    workspaceId: Type.String(),
    workspaceName: Type.String(),
    serviceKey: Type.String(),
    serviceName: Type.String(),
    companyId: nullable(Type.String()),
    contractId: nullable(Type.String()),
    contractName: nullable(Type.String()),
    kind: Type.Enum(syncLineKinds),
    problem: nullable(Type.Enum(syncProblemCodes)),
    holdReason: nullable(Type.String()),
    skipReason: nullable(Type.String()),
    currentUnits: nullable(Type.Integer()),
    targetUnits: nullable(Type.Integer()),
    delta: nullable(Type.Integer()),
    lastConfirmedUnits: nullable(Type.Integer()),
    effectiveDate: nullable(Day),
    isDeferred: Type.Boolean(),
    status: Type.Enum(syncLineStatuses),
    message: Type.String(),
    advice: nullable(Type.String()),
    detail: nullable(Type.String()),
    approvedBy: nullable(Type.String()),
    approvedAt: nullable(Timestamp),
    /** The PSA's price per unit per month for this contract service, when it reports one. */
    unitPrice: nullable(Type.Number()),
  },
  { $id: 'SyncLine' },
);
export type SyncLine = Static<typeof SyncLine>;

export const SyncRunPage = Page(SyncRun);
export type SyncRunPage = PageOf<SyncRun>;

export const SyncRunsQuery = Type.Object(pageQueryProperties);
export type SyncRunsQuery = Static<typeof SyncRunsQuery>;

export const SyncLinesQuery = Type.Object({
  ...pageQueryProperties,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500 })),
  kind: Type.Optional(Type.Enum(syncLineKinds)),
  status: Type.Optional(Type.Enum(syncLineStatuses)),
});
export type SyncLinesQuery = Static<typeof SyncLinesQuery>;

/** One line's change, as the impact summary lists the largest decreases. */
export const SyncImpactLine = Type.Object({
  lineId: Id,
  workspaceName: Type.String(),
  serviceName: Type.String(),
  fromUnits: Type.Integer(),
  toUnits: Type.Integer(),
  delta: Type.Integer(),
  /** delta × unit price per month; null when the PSA reports no price for the line. */
  monthlyAmount: nullable(Type.Number()),
});
export type SyncImpactLine = Static<typeof SyncImpactLine>;

/**
 * What a set of changes does to the invoices, before anything is written: counts, units, and the
 * money (Σ delta × the PSA service's unit price, per month, in the PSA's currency). Lines without a
 * price are counted in `unpricedChanges` and left out of the amounts, never guessed.
 */
export const SyncImpact = Type.Object(
  {
    changes: Type.Integer(),
    unitsAdded: Type.Integer(),
    unitsRemoved: Type.Integer(),
    /** ISO 4217 code as the PSA reports it (Autotask: the internal currency); null when unknown. */
    currency: nullable(Type.String()),
    monthlyAmount: Type.Number(),
    unpricedChanges: Type.Integer(),
    byCompany: Type.Array(
      Type.Object({
        companyId: nullable(Type.String()),
        workspaceName: Type.String(),
        changes: Type.Integer(),
        unitsAdded: Type.Integer(),
        unitsRemoved: Type.Integer(),
        monthlyAmount: Type.Number(),
      }),
    ),
    /** Up to five lines, the largest decreases first (by units, then by share of the line). */
    largestDecreases: Type.Array(SyncImpactLine),
  },
  { description: 'Counts, units and money of a set of changes.' },
);
export type SyncImpact = Static<typeof SyncImpact>;

/**
 * A run with (a page of) its lines. `impact`: its `adjust` lines (a preview: what applying it
 * would write); `heldImpact`: its lines held for approval.
 */
export const SyncRunDetail = Type.Object({
  run: SyncRun,
  lines: Page(SyncLine),
  impact: SyncImpact,
  heldImpact: SyncImpact,
});
export type SyncRunDetail = Static<typeof SyncRunDetail>;

/** How one line differs between a preview and the state of now (`preview_stale` details). */
export const PreviewChange = Type.Object({
  workspaceName: Type.String(),
  serviceName: Type.String(),
  /** What the reviewed preview said, and what a fresh plan says now (null: no such line). */
  before: nullable(
    Type.Object({
      kind: Type.Enum(syncLineKinds),
      fromUnits: nullable(Type.Integer()),
      toUnits: nullable(Type.Integer()),
    }),
  ),
  now: nullable(
    Type.Object({
      kind: Type.Enum(syncLineKinds),
      fromUnits: nullable(Type.Integer()),
      toUnits: nullable(Type.Integer()),
    }),
  ),
});
export type PreviewChange = Static<typeof PreviewChange>;

/** `details` of a 409 `preview_stale`: the fresh preview to review instead, and what changed. */
export const PreviewStaleDetails = Type.Object({
  freshPreviewRunId: Id,
  /** At most 50 changes; `changeCount` says how many there are in all. */
  changes: Type.Array(PreviewChange),
  changeCount: Type.Integer(),
});
export type PreviewStaleDetails = Static<typeof PreviewStaleDetails>;

/** POST …/sync/runs: answered at once; follow the run through GET or the events stream. */
export const SyncRunStarted = Type.Object({ runId: nullable(Id), isExisting: Type.Boolean() });
export type SyncRunStarted = Static<typeof SyncRunStarted>;

export const ApproveLinesBody = Type.Object(
  { lineIds: Type.Array(Id, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export type ApproveLinesBody = Static<typeof ApproveLinesBody>;

export const ApproveLinesResult = Type.Object({
  runId: Id,
  results: Type.Array(
    Type.Object({
      lineId: Type.String(),
      status: Type.Enum(['applied', 'failed', 'stale', 'not_held'] as const),
      message: Type.String(),
    }),
  ),
});
export type ApproveLinesResult = Static<typeof ApproveLinesResult>;

const Limit = nullable(Type.Integer({ minimum: 0, maximum: 1_000_000 }));

export const BillingPolicyBody = Type.Object(
  {
    statusBilling: Type.Object(
      {
        Subscription: Type.Enum(statusBillingModes),
        Trial: Type.Enum(statusBillingModes),
        New: Type.Enum(statusBillingModes),
        Inactive: Type.Enum(statusBillingModes),
      },
      { additionalProperties: false },
    ),
    onUnmap: Type.Enum(['leave', 'zero'] as const),
    allowCreateContractService: Type.Boolean(),
    onManualEdit: Type.Enum(['hold', 'overwrite'] as const),
    /**
     * A line past a guardrail is held for approval instead of written. `maxUnitChange`: units either
     * way; `maxPercentDecrease`: percent of the current units removed (default 50); `maxPercentChange`:
     * percent either way (default off). `null` disables a rule; a missing `maxPercentDecrease` keeps
     * the connector's current value.
     */
    guardrails: Type.Object(
      { maxUnitChange: Limit, maxPercentChange: Limit, maxPercentDecrease: Type.Optional(Limit) },
      { additionalProperties: false },
    ),
    /** IANA zone: whose calendar day is the adjustments' effective date. */
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);
export type BillingPolicyBody = Static<typeof BillingPolicyBody>;

export const SyncSettingsBody = Type.Object(
  {
    policy: BillingPolicyBody,
    isScheduleEnabled: Type.Boolean(),
    /** HH:MM in the policy's time zone. */
    scheduleTime: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }),
    /**
     * `true` starts the daily schedule of a connector that never applied a reviewed preview (its
     * first sync is otherwise never unattended). Ignored once the schedule has started.
     */
    startScheduleBeforeFirstSync: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SyncSettingsBody = Static<typeof SyncSettingsBody>;

export const SyncSettings = Type.Object(
  {
    connectorId: Id,
    policy: BillingPolicyBody,
    isScheduleEnabled: Type.Boolean(),
    /**
     * `true` until an admin applied a reviewed preview (or started the schedule explicitly): the
     * daily schedule does not run before, whatever `isScheduleEnabled` says.
     */
    isAwaitingFirstReviewedSync: Type.Boolean(),
    scheduleTime: Type.String(),
    updatedAt: nullable(Timestamp),
    updatedBy: nullable(Type.String()),
  },
  { $id: 'SyncSettings' },
);
export type SyncSettings = Static<typeof SyncSettings>;

/**
 * What undo decides for one applied line of a run. `reversal`: the PSA still holds what the run set,
 * an opposing adjustment brings back the units from before; `conflict`: the units changed since the
 * run (by hand or a later run), reversed only when the admin includes the line; `already_reversed`
 * / `reversal_pending`: an earlier undo wrote (or is settling) its reversal; `already_at_prior`: the
 * PSA already holds the units from before; `unreadable`: the PSA could not be read for this line.
 */
export const undoDecisions = [
  'reversal',
  'conflict',
  'already_reversed',
  'reversal_pending',
  'already_at_prior',
  'unreadable',
] as const;
export type UndoDecision = (typeof undoDecisions)[number];

/** Body of undo-preview and undo: which lines (default: every applied line), which conflicts to include. */
export const UndoRunBody = Type.Object(
  {
    lineIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 5000 })),
    includeConflicts: Type.Optional(Type.Array(Id, { maxItems: 5000 })),
  },
  { additionalProperties: false },
);
export type UndoRunBody = Static<typeof UndoRunBody>;

export const UndoLine = Type.Object(
  {
    /** The original run's line. */
    lineId: Id,
    workspaceName: Type.String(),
    serviceName: Type.String(),
    contractName: nullable(Type.String()),
    decision: Type.Enum(undoDecisions),
    /** Units the run set; units the PSA holds now (null: unreadable); units undo would set back. */
    appliedUnits: Type.Integer(),
    currentUnits: nullable(Type.Integer()),
    undoUnits: Type.Integer(),
    /** The opposing adjustment (0 when nothing is written). */
    delta: Type.Integer(),
    /** Written by the undo: reversals, and conflicts the admin included. */
    isIncluded: Type.Boolean(),
    /** The date the run's adjustment took effect. */
    appliedDate: Day,
    message: Type.String(),
  },
  { $id: 'UndoLine' },
);
export type UndoLine = Static<typeof UndoLine>;

export const UndoCounts = Type.Object({
  reversals: Type.Integer(),
  conflicts: Type.Integer(),
  conflictsIncluded: Type.Integer(),
  unitsUp: Type.Integer(),
  unitsDown: Type.Integer(),
  /** Lines already reversed or already back to their prior units. */
  settled: Type.Integer(),
  unreadable: Type.Integer(),
});
export type UndoCounts = Static<typeof UndoCounts>;

/** POST …/runs/:runId/undo-preview: what undo would write now (the PSA re-read; nothing written). */
export const UndoPreview = Type.Object(
  { runId: Id, psaName: Type.String(), lines: Type.Array(UndoLine), counts: UndoCounts },
  { $id: 'UndoPreview' },
);
export type UndoPreview = Static<typeof UndoPreview>;

/** POST …/runs/:runId/undo: the undo run, started; follow it like any run. */
export const UndoStarted = Type.Object({ runId: Id, undoOfRunId: Id });
export type UndoStarted = Static<typeof UndoStarted>;
