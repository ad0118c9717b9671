import { Type, type Static, type TSchema } from 'typebox';

import { Day, Id } from './common.js';

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' });

/** GET …/connectors/:connectorId/reconciliation?month=YYYY-MM (and `/reconciliation.csv`). */
export const ReconciliationQuery = Type.Object({ month: Month }, { additionalProperties: false });
export type ReconciliationQuery = Static<typeof ReconciliationQuery>;

export const ReconciliationPeriod = Type.Object({
  startDate: Day,
  endDate: Day,
  units: Type.Integer(),
  unitPrice: nullable(Type.Number()),
  days: Type.Integer(),
  /** units × unit price × days ÷ days in the month; an estimate (see `rule`). */
  estimate: nullable(Type.Number()),
});

export const ReconciliationAdjustment = Type.Object({
  effectiveDate: Day,
  fromUnits: Type.Integer(),
  toUnits: Type.Integer(),
  runId: Id,
  /** When the product wrote it (ISO-8601 UTC). */
  at: Type.String(),
  /** 'pending' | 'applied' | 'failed' */
  state: Type.String(),
});

export const ReconciliationRow = Type.Object({
  companyId: nullable(Type.String()),
  companyName: Type.String(),
  workspaceId: Id,
  serviceKey: Type.String(),
  serviceName: Type.String(),
  coroAtBillingDate: nullable(Type.Integer()),
  coroMin: nullable(Type.Integer()),
  coroMax: nullable(Type.Integer()),
  unitsAtBillingDate: nullable(Type.Integer()),
  periods: Type.Array(ReconciliationPeriod),
  adjustments: Type.Array(ReconciliationAdjustment),
  /** Unit changes in the PSA that no adjustment of ours explains. */
  manualChanges: Type.Array(Type.Object({ day: Day, fromUnits: Type.Integer(), toUnits: Type.Integer() })),
  estimate: nullable(Type.Number()),
  isAgreeing: Type.Boolean(),
  reason: nullable(Type.String()),
});
export type ReconciliationRow = Static<typeof ReconciliationRow>;

export const Reconciliation = Type.Object({
  connectorId: Id,
  month: Month,
  /** The day whose counts and units the month bills: the month's latest applied sync, else its end (or today). */
  billingDate: Day,
  /** The proration rule of every estimate, in words. */
  rule: Type.String(),
  /** Disagreeing rows first. */
  rows: Type.Array(ReconciliationRow),
  companies: Type.Array(
    Type.Object({
      companyId: nullable(Type.String()),
      companyName: Type.String(),
      lines: Type.Integer(),
      disagreeing: Type.Integer(),
      units: Type.Integer(),
      estimate: Type.Number(),
    }),
  ),
  total: Type.Object({ units: Type.Integer(), estimate: Type.Number(), disagreeing: Type.Integer() }),
  comparison: Type.Object({
    previousMonth: Month,
    companiesAdded: Type.Array(Type.String()),
    companiesLost: Type.Array(Type.String()),
    unitsChange: Type.Integer(),
    estimateChange: Type.Number(),
  }),
});
export type Reconciliation = Static<typeof Reconciliation>;
