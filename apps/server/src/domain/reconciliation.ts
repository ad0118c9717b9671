/**
 * The monthly billing reconciliation, pure: for each mapped line (company × service) of a billing
 * month, Coro's count against the units in force in the PSA, why they disagree, and an ESTIMATE of
 * the recurring charge. No I/O; the service gathers the inputs.
 *
 * Proration rule (an estimate, labelled so): the PSAs document that a unit change splits the
 * billing period into windows (in Autotask, ContractServiceUnits, one per sub-period, with units
 * and price) and that mid-period changes create prorated billing lines, but not the formula. We use the common
 * calendar-day rule: each window bills units × unit price × (days of the window in the month ÷ days
 * in the month), days counted inclusively, each window rounded to cents.
 */

export const PRORATION_RULE =
  'Estimate: units × unit price × (days the units were in force ÷ days in the month), per sub-period, rounded to cents. The PSA prorates mid-period changes but does not document the formula; calendar days is the rule assumed here.';

export interface UnitsPeriod {
  readonly startDate: string;
  readonly endDate: string;
  readonly units: number;
  /** Per unit per month; null when the PSA does not say. */
  readonly unitPrice: number | null;
}

export interface WrittenAdjustment {
  readonly effectiveDate: string;
  readonly fromUnits: number;
  readonly toUnits: number;
  readonly runId: string;
  readonly at: string;
  /** LedgerState: only 'applied' ones changed the PSA. */
  readonly state: string;
}

/** How the latest run of the month left the line (from its run line). */
export const lineStates = [
  'in_sync',
  'adjusted',
  'held',
  'no_contract',
  'service_not_on_contract',
  'problem',
  'not_synced',
] as const;
export type LineState = (typeof lineStates)[number];

export interface ReconciliationLineInput {
  readonly companyId: string | null;
  readonly companyName: string;
  readonly workspaceId: string;
  readonly serviceKey: string;
  readonly serviceName: string;
  /** Coro's count per reported day of the month. */
  readonly counts: readonly { readonly day: string; readonly count: number }[];
  readonly periods: readonly UnitsPeriod[];
  readonly adjustments: readonly WrittenAdjustment[];
  readonly state: LineState;
  /** The run line's hold reason / problem message, in words. */
  readonly stateDetail: string | null;
}

export interface ManualChange {
  readonly day: string;
  readonly fromUnits: number;
  readonly toUnits: number;
}

export interface PeriodEstimate extends UnitsPeriod {
  readonly days: number;
  readonly estimate: number | null;
}

export interface ReconciliationRow {
  readonly companyId: string | null;
  readonly companyName: string;
  readonly workspaceId: string;
  readonly serviceKey: string;
  readonly serviceName: string;
  readonly coroAtBillingDate: number | null;
  readonly coroMin: number | null;
  readonly coroMax: number | null;
  readonly unitsAtBillingDate: number | null;
  readonly periods: PeriodEstimate[];
  readonly adjustments: WrittenAdjustment[];
  readonly manualChanges: ManualChange[];
  readonly estimate: number | null;
  readonly isAgreeing: boolean;
  /** Why Coro and the PSA disagree, in words; null when they agree. */
  readonly reason: string | null;
}

export function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export const monthStart = (month: string): string => `${month}-01`;
export const monthEnd = (month: string): string => `${month}-${String(daysInMonth(month)).padStart(2, '0')}`;

export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

const dayNumber = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 86_400_000;
const cents = (value: number): number => Math.round(value * 100) / 100;

/** The month's sub-periods clipped to the month, each with its prorated estimate. */
export function estimatePeriods(month: string, periods: readonly UnitsPeriod[]): PeriodEstimate[] {
  const first = monthStart(month);
  const last = monthEnd(month);
  const total = daysInMonth(month);
  return periods
    .filter((p) => p.endDate >= first && p.startDate <= last)
    .map((p) => {
      const startDate = p.startDate < first ? first : p.startDate;
      const endDate = p.endDate > last ? last : p.endDate;
      const days = dayNumber(endDate) - dayNumber(startDate) + 1;
      const estimate = p.unitPrice === null ? null : cents((p.units * p.unitPrice * days) / total);
      return { ...p, startDate, endDate, days, estimate };
    })
    .sort((a, b) => a.startDate.localeCompare(b.startDate));
}

/** Unit changes between consecutive PSA windows that no applied adjustment of ours explains. */
export function manualChanges(
  periods: readonly UnitsPeriod[],
  adjustments: readonly WrittenAdjustment[],
): ManualChange[] {
  const sorted = [...periods].sort((a, b) => a.startDate.localeCompare(b.startDate));
  const ours = adjustments.filter((a) => a.state === 'applied');
  const changes: ManualChange[] = [];
  for (let i = 1; i < sorted.length; i += 1) {
    const before = sorted[i - 1];
    const after = sorted[i];
    if (!before || !after || before.units === after.units) continue;
    const isOurs = ours.some((a) => a.effectiveDate === after.startDate && a.toUnits === after.units);
    if (!isOurs) changes.push({ day: after.startDate, fromUnits: before.units, toUnits: after.units });
  }
  return changes;
}

function reasonFor(
  line: ReconciliationLineInput,
  coro: number | null,
  units: number | null,
  manual: readonly ManualChange[],
): string | null {
  const detail = line.stateDetail ? `: ${line.stateDetail}` : '';
  if (line.state === 'no_contract') return `No recurring-service contract for this company${detail}`;
  if (line.state === 'service_not_on_contract') return `Service is not on the contract${detail}`;
  if (coro === units && manual.length === 0) return null;
  const lastManual = manual[manual.length - 1];
  if (lastManual)
    return `Units edited by hand in the PSA on ${lastManual.day} (${lastManual.fromUnits} → ${lastManual.toUnits})`;
  if (line.state === 'held') return `Held for approval${detail}`;
  if (line.state === 'problem') return `Sync problem${detail}`;
  if (units === null && line.state === 'not_synced' && line.periods.length === 0)
    return 'Not synced yet: no sync has found this line’s contract';
  if (coro === null) return 'No Coro count on the billing date';
  if (units === null) return 'No units in force in the PSA on the billing date';
  if (line.state === 'not_synced') return `Not synced this month: Coro counts ${coro}, the PSA has ${units}`;
  return `Coro counts ${coro}, the PSA has ${units}`;
}

export function reconcileLine(
  month: string,
  billingDate: string,
  line: ReconciliationLineInput,
): ReconciliationRow {
  const counts = line.counts.filter((c) => c.day.startsWith(month));
  const values = counts.map((c) => c.count);
  const coro = counts.find((c) => c.day === billingDate)?.count ?? null;
  const units =
    line.periods.find((p) => p.startDate <= billingDate && p.endDate >= billingDate)?.units ?? null;
  const periods = estimatePeriods(month, line.periods);
  const manual = manualChanges(line.periods, line.adjustments).filter((c) => c.day.startsWith(month));
  const estimates = periods.map((p) => p.estimate);
  const reason = reasonFor(line, coro, units, manual);
  return {
    companyId: line.companyId,
    companyName: line.companyName,
    workspaceId: line.workspaceId,
    serviceKey: line.serviceKey,
    serviceName: line.serviceName,
    coroAtBillingDate: coro,
    coroMin: values.length > 0 ? Math.min(...values) : null,
    coroMax: values.length > 0 ? Math.max(...values) : null,
    unitsAtBillingDate: units,
    periods,
    adjustments: line.adjustments.filter((a) => a.effectiveDate.startsWith(month)),
    manualChanges: manual,
    estimate:
      estimates.length === 0 || estimates.some((e) => e === null)
        ? null
        : cents(estimates.reduce<number>((sum, e) => sum + (e ?? 0), 0)),
    isAgreeing: reason === null,
    reason,
  };
}

export interface CompanyTotal {
  readonly companyId: string | null;
  readonly companyName: string;
  readonly lines: number;
  readonly disagreeing: number;
  readonly units: number;
  readonly estimate: number;
}

export interface MonthComparison {
  readonly previousMonth: string;
  readonly companiesAdded: string[];
  readonly companiesLost: string[];
  readonly unitsChange: number;
  readonly estimateChange: number;
}

export interface Reconciliation {
  readonly month: string;
  readonly billingDate: string;
  readonly rule: string;
  readonly rows: ReconciliationRow[];
  readonly companies: CompanyTotal[];
  readonly total: { readonly units: number; readonly estimate: number; readonly disagreeing: number };
}

/** Rows disagreeing first, then by company and service; totals per company and for the month. */
export function reconcileMonth(
  month: string,
  billingDate: string,
  lines: readonly ReconciliationLineInput[],
): Reconciliation {
  const rows = lines
    .map((line) => reconcileLine(month, billingDate, line))
    .sort(
      (a, b) =>
        Number(a.isAgreeing) - Number(b.isAgreeing) ||
        a.companyName.localeCompare(b.companyName) ||
        a.serviceName.localeCompare(b.serviceName),
    );
  const byCompany = new Map<string, CompanyTotal>();
  for (const row of rows) {
    const key = row.companyId ?? `workspace:${row.workspaceId}`;
    const total = byCompany.get(key) ?? {
      companyId: row.companyId,
      companyName: row.companyName,
      lines: 0,
      disagreeing: 0,
      units: 0,
      estimate: 0,
    };
    byCompany.set(key, {
      ...total,
      lines: total.lines + 1,
      disagreeing: total.disagreeing + (row.isAgreeing ? 0 : 1),
      units: total.units + (row.unitsAtBillingDate ?? 0),
      estimate: cents(total.estimate + (row.estimate ?? 0)),
    });
  }
  const companies = [...byCompany.values()].sort((a, b) => a.companyName.localeCompare(b.companyName));
  return {
    month,
    billingDate,
    rule: PRORATION_RULE,
    rows,
    companies,
    total: {
      units: companies.reduce((s, c) => s + c.units, 0),
      estimate: cents(companies.reduce((s, c) => s + c.estimate, 0)),
      disagreeing: rows.filter((r) => !r.isAgreeing).length,
    },
  };
}

/** Customers added / lost and the change in units and estimated charge against another month. */
export function compareMonths(current: Reconciliation, previous: Reconciliation): MonthComparison {
  const names = (r: Reconciliation) =>
    new Set(r.companies.filter((c) => c.units > 0).map((c) => c.companyName));
  const now = names(current);
  const before = names(previous);
  return {
    previousMonth: previous.month,
    companiesAdded: [...now].filter((n) => !before.has(n)).sort(),
    companiesLost: [...before].filter((n) => !now.has(n)).sort(),
    unitsChange: current.total.units - previous.total.units,
    estimateChange: cents(current.total.estimate - previous.total.estimate),
  };
}

const csvCell = (value: string | number | null): string => {
  const text = value === null ? '' : String(value);
  // A leading = + - @ would run as a formula in a spreadsheet: quote-prefix it.
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** One line per row, disagreeing first, as shown in the console. */
export function reconciliationCsv(report: Reconciliation): string {
  const header = [
    'company',
    'service',
    'coro_at_billing_date',
    'coro_min',
    'coro_max',
    'psa_units_at_billing_date',
    'sub_periods',
    'adjustments_written',
    'manual_changes',
    'estimated_charge',
    'agrees',
    'reason',
  ];
  const lines = report.rows.map((r) =>
    [
      r.companyName,
      r.serviceName,
      r.coroAtBillingDate,
      r.coroMin,
      r.coroMax,
      r.unitsAtBillingDate,
      r.periods.map((p) => `${p.startDate}..${p.endDate}: ${p.units} × ${p.unitPrice ?? '?'}`).join('; '),
      r.adjustments
        .map((a) => `${a.effectiveDate}: ${a.fromUnits} → ${a.toUnits} (run ${a.runId})`)
        .join('; '),
      r.manualChanges.map((m) => `${m.day}: ${m.fromUnits} → ${m.toUnits}`).join('; '),
      r.estimate,
      r.isAgreeing ? 'yes' : 'no',
      r.reason,
    ]
      .map(csvCell)
      .join(','),
  );
  return [header.join(','), ...lines, '', `# ${report.rule}`].join('\n') + '\n';
}
