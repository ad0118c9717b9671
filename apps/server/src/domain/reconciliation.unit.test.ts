import { describe, expect, it } from 'vitest';

import {
  compareMonths,
  daysInMonth,
  estimatePeriods,
  reconcileLine,
  reconcileMonth,
  reconciliationCsv,
  type ReconciliationLineInput,
} from './reconciliation.js';

const MONTH = '2026-11';
const BILLING = '2026-11-30';

const line = (over: Partial<ReconciliationLineInput> = {}): ReconciliationLineInput => ({
  companyId: '100',
  companyName: 'Alpha Co',
  workspaceId: 'w-alpha',
  serviceKey: 'edr',
  serviceName: 'EDR',
  counts: [
    { day: '2026-11-01', count: 10 },
    { day: '2026-11-15', count: 12 },
    { day: '2026-11-30', count: 12 },
  ],
  periods: [
    { startDate: '2026-11-01', endDate: '2026-11-14', units: 10, unitPrice: 5 },
    { startDate: '2026-11-15', endDate: '2026-11-30', units: 12, unitPrice: 5 },
  ],
  adjustments: [
    {
      effectiveDate: '2026-11-15',
      fromUnits: 10,
      toUnits: 12,
      runId: 'r1',
      at: '2026-11-15T06:00:00Z',
      state: 'applied',
    },
  ],
  state: 'in_sync',
  stateDetail: null,
  ...over,
});

describe('estimatePeriods (calendar-day proration)', () => {
  it.each([
    // hand computation: 10 × 5 × 14/30 = 23.333… → 23.33; 12 × 5 × 16/30 = 32.00
    {
      name: 'split mid-month',
      periods: line().periods,
      expected: [
        { days: 14, estimate: 23.33 },
        { days: 16, estimate: 32 },
      ],
    },
    // a window from October running into November is clipped to the month: 3 × 7.5 × 30/30
    {
      name: 'clipped to the month',
      periods: [{ startDate: '2026-10-15', endDate: '2026-12-14', units: 3, unitPrice: 7.5 }],
      expected: [{ days: 30, estimate: 22.5 }],
    },
    // unknown price: days still counted, no estimate
    {
      name: 'no price',
      periods: [{ startDate: '2026-11-01', endDate: '2026-11-30', units: 3, unitPrice: null }],
      expected: [{ days: 30, estimate: null }],
    },
  ])('$name', ({ periods, expected }) => {
    expect(
      estimatePeriods(MONTH, periods).map((p) => ({ days: p.days, estimate: p.estimate })),
    ).toStrictEqual(expected);
  });

  it('knows month lengths', () => {
    expect([
      daysInMonth('2026-02'),
      daysInMonth('2028-02'),
      daysInMonth('2026-11'),
      daysInMonth('2026-12'),
    ]).toStrictEqual([28, 29, 30, 31]);
  });
});

describe('reconcileLine', () => {
  it.each([
    { name: 'mid-month increase we wrote agrees', over: {}, agrees: true, reason: null, estimate: 55.33 },
    {
      name: 'manual edit in the PSA',
      over: {
        periods: [
          { startDate: '2026-11-01', endDate: '2026-11-14', units: 10, unitPrice: 5 },
          { startDate: '2026-11-15', endDate: '2026-11-19', units: 12, unitPrice: 5 },
          { startDate: '2026-11-20', endDate: '2026-11-30', units: 15, unitPrice: 5 },
        ],
      },
      agrees: false,
      reason: 'Units edited by hand in the PSA on 2026-11-20 (12 → 15)',
      // 10×5×14/30 = 23.33; 12×5×5/30 = 10.00; 15×5×11/30 = 27.50
      estimate: 60.83,
    },
    {
      name: 'held line',
      over: {
        counts: [{ day: BILLING, count: 40 }],
        periods: [{ startDate: '2026-11-01', endDate: '2026-11-30', units: 12, unitPrice: 5 }],
        adjustments: [],
        state: 'held' as const,
        stateDetail: 'change of 28 units exceeds the guardrail of 20',
      },
      agrees: false,
      reason: 'Held for approval: change of 28 units exceeds the guardrail of 20',
      estimate: 60,
    },
    {
      name: 'no contract',
      over: { periods: [], adjustments: [], state: 'no_contract' as const },
      agrees: false,
      reason: 'No recurring-service contract for this company',
      estimate: null,
    },
    {
      name: 'service not on contract',
      over: { periods: [], adjustments: [], state: 'service_not_on_contract' as const },
      agrees: false,
      reason: 'Service is not on the contract',
      estimate: null,
    },
    {
      name: 'never synced: no contract known',
      over: { periods: [], adjustments: [], state: 'not_synced' as const },
      agrees: false,
      reason: 'Not synced yet: no sync has found this line’s contract',
      estimate: null,
    },
    {
      name: 'not synced yet',
      over: { counts: [{ day: BILLING, count: 13 }], state: 'not_synced' as const },
      agrees: false,
      reason: 'Not synced this month: Coro counts 13, the PSA has 12',
      estimate: 55.33,
    },
  ])('$name', ({ over, agrees, reason, estimate }) => {
    const row = reconcileLine(MONTH, BILLING, line(over));
    expect({ agrees: row.isAgreeing, reason: row.reason, estimate: row.estimate }).toStrictEqual({
      agrees,
      reason,
      estimate,
    });
  });

  it('reports min / max of the month and the adjustments written', () => {
    const row = reconcileLine(MONTH, BILLING, line());
    expect([row.coroAtBillingDate, row.coroMin, row.coroMax, row.unitsAtBillingDate]).toStrictEqual([
      12, 10, 12, 12,
    ]);
    expect(row.adjustments.map((a) => a.runId)).toStrictEqual(['r1']);
    expect(row.manualChanges).toStrictEqual([]);
  });
});

describe('reconcileMonth', () => {
  const beta = line({
    companyId: '200',
    companyName: 'Beta Co',
    workspaceId: 'w-beta',
    state: 'held',
    stateDetail: 'waiting',
    counts: [{ day: BILLING, count: 20 }],
  });
  const report = reconcileMonth(MONTH, BILLING, [
    line(),
    line({ serviceKey: 'es', serviceName: 'Email' }),
    beta,
  ]);

  it('puts disagreeing rows first and totals per company and month', () => {
    expect(report.rows.map((r) => `${r.companyName}/${r.serviceName}`)).toStrictEqual([
      'Beta Co/EDR',
      'Alpha Co/EDR',
      'Alpha Co/Email',
    ]);
    expect(report.companies).toStrictEqual([
      { companyId: '100', companyName: 'Alpha Co', lines: 2, disagreeing: 0, units: 24, estimate: 110.66 },
      { companyId: '200', companyName: 'Beta Co', lines: 1, disagreeing: 1, units: 12, estimate: 55.33 },
    ]);
    expect(report.total).toStrictEqual({ units: 36, estimate: 165.99, disagreeing: 1 });
  });

  it('compares with the previous month', () => {
    const previous = reconcileMonth('2026-10', '2026-10-31', [
      line({
        companyId: '300',
        companyName: 'Gamma Co',
        periods: [{ startDate: '2026-10-01', endDate: '2026-10-31', units: 5, unitPrice: 5 }],
      }),
      line({ periods: [{ startDate: '2026-10-01', endDate: '2026-10-31', units: 10, unitPrice: 5 }] }),
    ]);
    expect(compareMonths(report, previous)).toStrictEqual({
      previousMonth: '2026-10',
      companiesAdded: ['Beta Co'],
      companiesLost: ['Gamma Co'],
      unitsChange: 36 - 15,
      estimateChange: 90.99,
    });
  });

  it('exports CSV with quoted cells, formula-safe text and the rule', () => {
    const csv = reconciliationCsv(
      reconcileMonth(MONTH, BILLING, [line({ companyName: '=HYPERLINK("x"), Inc' })]),
    );
    const [header, first] = csv.split('\n');
    expect(header).toBe(
      'company,service,coro_at_billing_date,coro_min,coro_max,psa_units_at_billing_date,sub_periods,adjustments_written,manual_changes,estimated_charge,agrees,reason',
    );
    expect(first).toBe(
      `"'=HYPERLINK(""x""), Inc",EDR,12,10,12,12,2026-11-01..2026-11-14: 10 × 5; 2026-11-15..2026-11-30: 12 × 5,2026-11-15: 10 → 12 (run r1),,55.33,yes,`,
    );
    expect(csv.trimEnd().endsWith('calendar days is the rule assumed here.')).toBe(true);
  });
});
