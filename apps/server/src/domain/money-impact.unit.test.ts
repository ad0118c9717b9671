import { describe, expect, it } from 'vitest';

import { describeImpact, formatMoney, summarizeImpact, type ImpactLine } from './money-impact.js';

const line = (over: Partial<ImpactLine> & Pick<ImpactLine, 'id'>): ImpactLine => ({
  workspaceName: 'Brightside',
  serviceName: 'EDR',
  companyId: 'c1',
  currentUnits: 10,
  targetUnits: 10,
  unitPrice: 2.5,
  ...over,
});

describe('summarizeImpact', () => {
  it('sums units and money per company and in total, largest decreases first', () => {
    const impact = summarizeImpact(
      [
        line({ id: 'a', currentUnits: 110, targetUnits: 13, unitPrice: 4 }),
        line({ id: 'b', currentUnits: 10, targetUnits: 15, unitPrice: 2.5 }),
        line({ id: 'c', workspaceName: 'Evergreen', companyId: 'c2', currentUnits: 4, targetUnits: 2 }),
        line({ id: 'd', workspaceName: 'Evergreen', companyId: 'c2', currentUnits: 7, targetUnits: 7 }),
      ],
      'USD',
    );
    expect(impact).toMatchObject({ changes: 3, unitsAdded: 5, unitsRemoved: 99, currency: 'USD' });
    expect(impact.monthlyAmount).toBe(-388 + 12.5 - 5);
    expect(impact.byCompany.map((c) => [c.workspaceName, c.changes, c.monthlyAmount])).toEqual([
      ['Brightside', 2, -375.5],
      ['Evergreen', 1, -5],
    ]);
    expect(impact.largestDecreases.map((d) => [d.lineId, d.delta, d.monthlyAmount])).toEqual([
      ['a', -97, -388],
      ['c', -2, -5],
    ]);
  });

  it('counts unpriced lines apart and never prices them', () => {
    const impact = summarizeImpact([line({ id: 'a', targetUnits: 20, unitPrice: null })], null);
    expect(impact).toMatchObject({ changes: 1, unitsAdded: 10, monthlyAmount: 0, unpricedChanges: 1 });
    expect(describeImpact(impact)).toBe('1 change, +10 / −0 units, 0.00 per month (1 without a price)');
  });

  it('keeps cents exact and shows at most five decreases', () => {
    const lines = Array.from({ length: 8 }, (_, i) =>
      line({ id: `l${i}`, currentUnits: 10, targetUnits: 9 - i, unitPrice: 0.1 }),
    );
    const impact = summarizeImpact(lines, 'EUR');
    expect(impact.largestDecreases).toHaveLength(5);
    expect(impact.largestDecreases[0]?.lineId).toBe('l7');
    expect(impact.monthlyAmount).toBe(-3.6);
    expect(formatMoney(impact.monthlyAmount, 'EUR')).toBe('−3.60 EUR');
    expect(formatMoney(1234.5, 'USD')).toBe('+1,234.50 USD');
  });

  it('has nothing to say about no changes', () => {
    expect(summarizeImpact([], 'USD')).toEqual({
      changes: 0,
      unitsAdded: 0,
      unitsRemoved: 0,
      currency: 'USD',
      monthlyAmount: 0,
      unpricedChanges: 0,
      byCompany: [],
      largestDecreases: [],
    });
  });
});
