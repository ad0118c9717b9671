/**
 * What a set of unit changes does to the invoices: counts, units and money, per company and in
 * total, with the largest decreases named. Pure: the caller passes the lines (a preview's adjust
 * lines, a run's held lines) and the PSA's currency.
 *
 * Money is Σ(delta × unit price) per month. A line without a price is counted apart and never
 * priced by guess: an estimate that looks exact would be worse than an honest "unpriced".
 */
import type { SyncImpact, SyncImpactLine } from '@coro/contracts';

export interface ImpactLine {
  readonly id: string;
  readonly workspaceName: string;
  readonly serviceName: string;
  readonly companyId: string | null;
  readonly currentUnits: number;
  readonly targetUnits: number;
  readonly unitPrice: number | null;
}

const largestDecreasesShown = 5;

/** Cents, not floating-point drift: 0.1 + 0.2 must print 0.30. */
const money = (amount: number): number => Math.round(amount * 100) / 100;

export function summarizeImpact(lines: readonly ImpactLine[], currency: string | null): SyncImpact {
  let unitsAdded = 0;
  let unitsRemoved = 0;
  let monthlyAmount = 0;
  let unpricedChanges = 0;
  const companies = new Map<string, SyncImpact['byCompany'][number]>();
  const decreases: (SyncImpactLine & { share: number })[] = [];
  let changes = 0;
  for (const line of lines) {
    const delta = line.targetUnits - line.currentUnits;
    if (delta === 0) continue;
    changes++;
    const amount = line.unitPrice === null ? null : money(delta * line.unitPrice);
    if (amount === null) unpricedChanges++;
    else monthlyAmount += amount;
    if (delta > 0) unitsAdded += delta;
    else unitsRemoved -= delta;
    const companyKey = line.companyId ?? `workspace:${line.workspaceName}`;
    const company = companies.get(companyKey) ?? {
      companyId: line.companyId,
      workspaceName: line.workspaceName,
      changes: 0,
      unitsAdded: 0,
      unitsRemoved: 0,
      monthlyAmount: 0,
    };
    companies.set(companyKey, {
      ...company,
      changes: company.changes + 1,
      unitsAdded: company.unitsAdded + Math.max(0, delta),
      unitsRemoved: company.unitsRemoved + Math.max(0, -delta),
      monthlyAmount: money(company.monthlyAmount + (amount ?? 0)),
    });
    if (delta < 0)
      decreases.push({
        lineId: line.id,
        workspaceName: line.workspaceName,
        serviceName: line.serviceName,
        fromUnits: line.currentUnits,
        toUnits: line.targetUnits,
        delta,
        monthlyAmount: amount,
        share: line.currentUnits > 0 ? -delta / line.currentUnits : 1,
      });
  }
  decreases.sort((a, b) => a.delta - b.delta || b.share - a.share || a.lineId.localeCompare(b.lineId));
  return {
    changes,
    unitsAdded,
    unitsRemoved,
    currency,
    monthlyAmount: money(monthlyAmount),
    unpricedChanges,
    // The companies whose invoices move most come first.
    byCompany: [...companies.values()].sort(
      (a, b) =>
        Math.abs(b.monthlyAmount) - Math.abs(a.monthlyAmount) ||
        b.unitsAdded + b.unitsRemoved - (a.unitsAdded + a.unitsRemoved) ||
        a.workspaceName.localeCompare(b.workspaceName),
    ),
    largestDecreases: decreases.slice(0, largestDecreasesShown).map(({ share: _share, ...line }) => line),
  };
}

/** One sentence for notifications and the CLI: "12 changes, +40 / −88 units, −1,234.50 USD per month". */
export function describeImpact(impact: SyncImpact): string {
  const amount = formatMoney(impact.monthlyAmount, impact.currency);
  const unpriced = impact.unpricedChanges > 0 ? ` (${impact.unpricedChanges} without a price)` : '';
  return `${impact.changes} change${impact.changes === 1 ? '' : 's'}, +${impact.unitsAdded} / −${impact.unitsRemoved} units, ${amount} per month${unpriced}`;
}

export function formatMoney(amount: number, currency: string | null): string {
  const sign = amount > 0 ? '+' : amount < 0 ? '−' : '';
  const digits = Math.abs(amount).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return `${sign}${digits}${currency ? ` ${currency}` : ''}`;
}
