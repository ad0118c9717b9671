import { describe, expect, it } from 'vitest';
import { requireEntity } from '../entities/schema.js';
import { Table } from './table.js';

function table(): Table {
  const t = new Table(requireEntity('ContractServices'), 1, ['contractID']);
  [
    { id: 1, contractID: 10, serviceID: 1 },
    { id: 2, contractID: 11, serviceID: 1 },
    { id: 3, contractID: 10, serviceID: 2 },
    { id: 4, contractID: 12, serviceID: 2 },
  ].forEach((r) => t.insert(r));
  return t;
}

const ids = (rows: Iterable<{ id: number }>): number[] => [...rows].map((r) => r.id);

describe('Table', () => {
  it('scans in id order from a start id', () => {
    expect(ids(table().scan(2, {}))).toEqual([2, 3, 4]);
  });

  it('narrows by indexed fields and ids, ignoring unindexed hints', () => {
    const t = table();
    expect(ids(t.scan(-1, { byField: new Map([['contractid', new Set([10, 12])]]) }))).toEqual([1, 3, 4]);
    expect(
      ids(t.scan(-1, { ids: new Set([3, 4]), byField: new Map([['contractid', new Set([10])]]) })),
    ).toEqual([3]);
    expect(ids(t.scan(-1, { byField: new Map([['serviceid', new Set([1])]]) }))).toEqual([1, 2, 3, 4]);
  });

  it('refuses ids that do not grow and skips deleted rows', () => {
    const t = table();
    expect(() => t.insert({ id: 2, contractID: 10 })).toThrow(/ids must grow/);
    t.delete(3);
    expect(ids(t.scan(-1, { byField: new Map([['contractid', new Set([10])]]) }))).toEqual([1]);
    expect(t.allocateId()).toBe(5);
  });
});
