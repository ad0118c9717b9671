import { describe, expect, it } from 'vitest';
import {
  buildQuery,
  chunk,
  f,
  filterOperators,
  QueryBuildError,
  validateFilter,
  type Filter,
} from './autotask.query.js';

describe('buildQuery', () => {
  it('builds the wire body with id always included and 500 rows per page', () => {
    expect(
      buildQuery({
        filters: [
          f.in('companyID', [1, 2]),
          f.or(f.eq('status', 1), f.and(f.gte('startDate', '2026-01-01T00:00:00'), f.exist('endDate'))),
        ],
        includeFields: ['contractName'],
      }),
    ).toStrictEqual({
      MaxRecords: 500,
      IncludeFields: ['id', 'contractName'],
      filter: [
        { op: 'in', field: 'companyID', value: [1, 2] },
        {
          op: 'or',
          items: [
            { op: 'eq', field: 'status', value: 1 },
            {
              op: 'and',
              items: [
                { op: 'gte', field: 'startDate', value: '2026-01-01T00:00:00' },
                { op: 'exist', field: 'endDate' },
              ],
            },
          ],
        },
      ],
    });
  });

  it('has exactly the 13 Autotask operators', () => {
    expect([...filterOperators].sort()).toStrictEqual(
      [
        'beginsWith',
        'contains',
        'endsWith',
        'eq',
        'exist',
        'gt',
        'gte',
        'in',
        'lt',
        'lte',
        'notExist',
        'notIn',
        'noteq',
      ].sort(),
    );
  });

  it('every helper produces a filter that validates', () => {
    const all: Filter[] = [
      f.eq('a', 1),
      f.noteq('a', 'x'),
      f.gt('a', 1),
      f.gte('a', 1),
      f.lt('a', 1),
      f.lte('a', 1),
      f.beginsWith('a', 'x'),
      f.endsWith('a', 'x'),
      f.contains('a', 'x'),
      f.exist('a'),
      f.notExist('a'),
      f.in('a', [1]),
      f.notIn('a', ['x']),
      f.and(f.eq('a', true)),
      f.or(f.eq('a', false)),
    ];
    for (const filter of all) expect(() => validateFilter(filter)).not.toThrow();
  });

  it.each([
    [
      'unknown operator (Autotask would silently ignore it)',
      { op: 'ne', field: 'a', value: 1 },
      /unknown operator "ne"/,
    ],
    [
      'nested unknown operator',
      { op: 'or', items: [{ op: 'equals', field: 'a', value: 1 }] },
      /filter\[0\]\.items\[0\]: unknown operator "equals"/,
    ],
    ['empty group', { op: 'and', items: [] }, /empty "and" group/],
    ['empty field', { op: 'eq', field: '', value: 1 }, /empty field name/],
    [
      'in over 500',
      { op: 'in', field: 'id', value: Array.from({ length: 501 }, (_, i) => i) },
      /501 exceeds 500/,
    ],
    ['empty in', { op: 'in', field: 'id', value: [] }, /empty "in" list/],
    ['null value', { op: 'eq', field: 'a', value: null }, /value must be/],
    ['NaN value', { op: 'eq', field: 'a', value: Number.NaN }, /value must be/],
    ['object in list', { op: 'in', field: 'a', value: [{}] }, /non-scalar/],
  ])('rejects %s', (_name, filter, message) => {
    expect(() => buildQuery({ filters: [filter as unknown as Filter], includeFields: ['id'] })).toThrow(
      message,
    );
  });

  it('requires a filter and a sane page size', () => {
    expect(() => buildQuery({ filters: [], includeFields: [] })).toThrow(QueryBuildError);
    expect(() => buildQuery({ filters: [f.exist('id')], includeFields: [], maxRecords: 501 })).toThrow(
      /between 1 and 500/,
    );
    expect(() => buildQuery({ filters: [f.exist('id')], includeFields: [], maxRecords: 0 })).toThrow(
      /between 1 and 500/,
    );
    expect(buildQuery({ filters: [f.exist('id')], includeFields: ['id'], maxRecords: 10 })).toStrictEqual({
      MaxRecords: 10,
      IncludeFields: ['id'],
      filter: [{ op: 'exist', field: 'id' }],
    });
  });
});

describe('chunk', () => {
  it('splits at 500 by default', () => {
    const ids = Array.from({ length: 1_201 }, (_, i) => i + 1);
    const chunks = chunk(ids);
    expect(chunks.map((c) => c.length)).toStrictEqual([500, 500, 201]);
    expect(chunks.flat()).toStrictEqual(ids);
  });

  it('drops duplicates before chunking and handles edges', () => {
    expect(chunk([1, 1, 2, 3, 3], 2)).toStrictEqual([[1, 2], [3]]);
    expect(chunk([])).toStrictEqual([]);
    expect(chunk(Array.from({ length: 500 }, (_, i) => i)).length).toBe(1);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});
