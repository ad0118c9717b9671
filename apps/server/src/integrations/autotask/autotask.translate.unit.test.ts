import { describe, expect, it } from 'vitest';
import {
  documentedContractPicklists,
  resolveContractPicklists,
  selectWindowsInForce,
} from './autotask.translate.js';
import { parseFieldPicklist } from './autotask.schemas.js';
import type { ContractServiceUnitWire } from './autotask.schemas.js';

const row = (
  id: number,
  contractServiceID: number,
  start: string,
  end: string,
  units = 10,
): ContractServiceUnitWire => ({
  id,
  contractID: 1,
  serviceID: 2,
  contractServiceID,
  startDate: `${start}T00:00:00Z`,
  endDate: `${end}T00:00:00Z`,
  units,
});

describe('selectWindowsInForce', () => {
  it('keeps only windows covering the date, inclusive on both ends', () => {
    const rows = [
      row(1, 10, '2026-10-01', '2026-10-31'),
      row(2, 10, '2026-11-01', '2026-11-30'),
      row(3, 10, '2026-12-01', '2026-12-31'),
    ];
    expect(selectWindowsInForce(rows, '2026-11-01').map((r) => r.id)).toStrictEqual([2]);
    expect(selectWindowsInForce(rows, '2026-11-30').map((r) => r.id)).toStrictEqual([2]);
    expect(selectWindowsInForce(rows, '2026-10-31').map((r) => r.id)).toStrictEqual([1]);
    expect(selectWindowsInForce(rows, '2027-01-01')).toStrictEqual([]);
  });

  it('after a mid-period adjustment the later-starting window is in force on the shared day', () => {
    const rows = [row(1, 10, '2026-11-01', '2026-11-15', 10), row(2, 10, '2026-11-15', '2026-11-30', 17)];
    expect(selectWindowsInForce(rows, '2026-11-15').map((r) => r.units)).toStrictEqual([17]);
    expect(selectWindowsInForce(rows, '2026-11-14').map((r) => r.units)).toStrictEqual([10]);
    expect(selectWindowsInForce([...rows].reverse(), '2026-11-15').map((r) => r.units)).toStrictEqual([17]);
  });

  it('one window per contract service; same start → higher id wins', () => {
    const rows = [
      row(5, 10, '2026-11-15', '2026-11-30', 1),
      row(6, 10, '2026-11-15', '2026-11-30', 2),
      row(7, 11, '2026-11-01', '2026-11-30', 3),
    ];
    expect(selectWindowsInForce(rows, '2026-11-20').map((r) => [r.contractServiceID, r.units])).toStrictEqual(
      [
        [10, 2],
        [11, 3],
      ],
    );
  });
});

describe('contract picklists', () => {
  const fields = {
    fields: [
      { name: 'id', picklistValues: null },
      {
        name: 'contractType',
        isPickList: true,
        picklistValues: [
          { value: '1', label: 'Time and Materials', isActive: true },
          { value: '12', label: 'Recurring Service', isActive: true },
          { value: 'x', label: 'broken' },
        ],
      },
      {
        name: 'Status',
        picklistValues: [
          { value: '0', label: 'Inactive' },
          { value: '5', label: 'Active' },
        ],
      },
    ],
  };

  it('parses string picklist values into integers, skipping junk', () => {
    expect(parseFieldPicklist(fields, 'contractType')).toStrictEqual([
      { value: 1, label: 'Time and Materials', isActive: true },
      { value: 12, label: 'Recurring Service', isActive: true },
    ]);
    expect(parseFieldPicklist(fields, 'status')?.map((v) => v.value)).toStrictEqual([0, 5]);
    expect(parseFieldPicklist(fields, 'id')).toBeNull();
    expect(parseFieldPicklist({ nope: 1 }, 'status')).toBeNull();
  });

  it('resolves by label from the tenant, else the documented values', () => {
    expect(
      resolveContractPicklists(
        parseFieldPicklist(fields, 'contractType'),
        parseFieldPicklist(fields, 'status'),
      ),
    ).toStrictEqual({ recurringServiceTypes: new Set([12]), activeStatuses: new Set([5]) });
    expect(resolveContractPicklists(null, [])).toStrictEqual(documentedContractPicklists);
    expect(documentedContractPicklists).toStrictEqual({
      recurringServiceTypes: new Set([7]),
      activeStatuses: new Set([1]),
    });
  });
});
