import { describe, expect, it } from 'vitest';
import { requireEntity } from '../entities/schema.js';
import { contractPeriodTypes } from '../entities/picklists.js';
import { UnitsLedger, unitIdBlock } from './units-ledger.js';

function ledger(): UnitsLedger {
  const l = new UnitsLedger(requireEntity('ContractServiceUnits'), (id) =>
    id === 1
      ? {
          id,
          startDate: '2026-01-01',
          endDate: '2026-06-30',
          contractPeriodType: contractPeriodTypes.monthly,
        }
      : undefined,
  );
  l.register({ id: 7, contractID: 1, serviceID: 3, unitPrice: 2, unitCost: 1, initialUnits: 10 });
  return l;
}

const spans = (l: UnitsLedger): string[] =>
  l
    .rowsOf(7)
    .map((r) => `${String(r.startDate).slice(5, 10)}..${String(r.endDate).slice(5, 10)}=${String(r.units)}`);

describe('UnitsLedger', () => {
  it('materialises one row per period with block ids', () => {
    const l = ledger();
    expect(spans(l)).toEqual([
      '01-01..01-31=10',
      '02-01..02-28=10',
      '03-01..03-31=10',
      '04-01..04-30=10',
      '05-01..05-31=10',
      '06-01..06-30=10',
    ]);
    expect(l.rowsOf(7).map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5].map((i) => 7 * unitIdBlock + i));
  });

  it('splits the period in force and carries the change forward', () => {
    const l = ledger();
    l.apply(7, '2026-03-10', 5, null);
    l.apply(7, '2026-03-20', -2, 2.5);
    expect(spans(l)).toEqual([
      '01-01..01-31=10',
      '02-01..02-28=10',
      '03-01..03-09=10',
      '04-01..04-30=13',
      '05-01..05-31=13',
      '06-01..06-30=13',
      '03-10..03-19=15',
      '03-20..03-31=13',
    ]);
    expect(l.unitsOn(7, '2026-03-15')).toBe(15);
    expect(l.get(7 * unitIdBlock + 501)?.price).toBe(2.5);
    expect(l.minUnitsFrom(7, '2026-03-12')).toBe(13);
  });

  it('scans in id order and narrows by contract', () => {
    const l = ledger();
    l.apply(7, '2026-02-15', 1, null);
    const ids = [...l.scan(-1, {})].map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect([...l.scan(-1, { byField: new Map([['contractid', new Set([2])]]) })]).toHaveLength(0);
    expect([...l.scan(7 * unitIdBlock + 3, {})].map((r) => r.id)[0]).toBe(7 * unitIdBlock + 3);
  });
});
