import { describe, expect, it } from 'vitest';

import {
  columnCount,
  defaultMappingQuery,
  emptyMessage,
  filterTabLabel,
  firstPageQuery,
  matchPercent,
  pickerIntent,
  rowsPerPageLabel,
  sortedQuery,
  type MappingTableRow,
} from './mapping-table.model.js';

const row = (target: MappingTableRow['target']): MappingTableRow => ({
  id: 'w1',
  name: 'Acme',
  target,
  status: { tone: 'default', label: 'Not mapped' },
});

describe('mapping table model', () => {
  it('flips the order on the active column and starts another column ascending, on page 1', () => {
    const onPage3 = { ...defaultMappingQuery, page: 3 };
    expect(sortedQuery(onPage3, 'subject')).toMatchObject({ sort: 'subject', order: 'desc', page: 0 });
    expect(sortedQuery({ ...onPage3, order: 'desc' }, 'subject')).toMatchObject({ order: 'asc', page: 0 });
    expect(sortedQuery({ ...onPage3, order: 'desc' }, 'status')).toMatchObject({
      sort: 'status',
      order: 'asc',
    });
    expect(firstPageQuery(onPage3, { filter: 'problems' })).toMatchObject({ filter: 'problems', page: 0 });
  });

  it('turns a pick into map, unmap or nothing', () => {
    const acme = { id: '1', name: 'Acme Corp' };
    expect(pickerIntent(row(null), acme)).toStrictEqual({ kind: 'map', option: acme });
    expect(pickerIntent(row(acme), { id: '2', name: 'Other' })).toMatchObject({ kind: 'map' });
    expect(pickerIntent(row(acme), acme)).toBeNull();
    expect(pickerIntent(row(acme), null)).toStrictEqual({ kind: 'unmap' });
    expect(pickerIntent(row(null), null)).toBeNull();
  });

  it('words the labels', () => {
    expect(filterTabLabel('unmapped', undefined)).toBe('Unmapped');
    expect(filterTabLabel('problems', { all: 5, mapped: 3, unmapped: 2, problems: 1 })).toBe('Problems (1)');
    expect(emptyMessage('', 'workspaces')).toBe('No workspaces here.');
    expect(emptyMessage('acme', 'workspaces')).toBe('No workspaces match "acme".');
    expect(rowsPerPageLabel('workspaces')).toBe('Workspaces per page');
    expect(matchPercent(0.876)).toBe(88);
    expect(columnCount(1, false)).toBe(5);
    expect(columnCount(0, true)).toBe(3);
  });
});
