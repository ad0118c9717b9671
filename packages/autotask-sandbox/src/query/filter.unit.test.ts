import { describe, expect, it } from 'vitest';
import type { EntityRecord } from '../entities/entity-types.js';
import { requireEntity } from '../entities/schema.js';
import { compileFilter } from './filter.js';
import { ApiError } from '../api-error.js';

const companies = requireEntity('Companies');
const rows: EntityRecord[] = [
  { id: 0, companyName: 'Northwind MSP', companyType: 1, isActive: true, createDate: '2025-01-01T00:00:00Z' },
  {
    id: 1,
    companyName: 'Acme Corporation',
    companyType: 1,
    isActive: true,
    createDate: '2025-06-01T10:00:00Z',
    city: 'Boston',
  },
  {
    id: 2,
    companyName: 'Blue Harbor Logistics',
    companyType: 3,
    isActive: false,
    createDate: '2025-06-01T12:00:00Z',
  },
  {
    id: 3,
    companyName: 'acme holdings',
    companyType: 7,
    isActive: true,
    createDate: '2026-01-01T00:00:00Z',
    city: 'Salem',
  },
];

function ids(filter: unknown): number[] {
  const { predicate } = compileFilter(companies, filter);
  return rows.filter(predicate).map((r) => r.id);
}

function apiError(filter: unknown): string {
  try {
    compileFilter(companies, filter);
  } catch (error) {
    if (error instanceof ApiError) return error.message;
  }
  throw new Error('expected an ApiError');
}

describe('filter operators', () => {
  it.each([
    ['eq', { op: 'eq', field: 'companyType', value: 1 }, [0, 1]],
    ['eq on strings ignores case', { op: 'eq', field: 'companyName', value: 'ACME CORPORATION' }, [1]],
    ['noteq skips nulls like SQL', { op: 'noteq', field: 'city', value: 'Boston' }, [3]],
    ['gt', { op: 'gt', field: 'id', value: 1 }, [2, 3]],
    ['gte', { op: 'gte', field: 'id', value: 1 }, [1, 2, 3]],
    ['lt', { op: 'lt', field: 'id', value: 1 }, [0]],
    ['lte', { op: 'lte', field: 'id', value: 1 }, [0, 1]],
    ['beginsWith', { op: 'beginsWith', field: 'companyName', value: 'acme' }, [1, 3]],
    ['endsWith', { op: 'endsWith', field: 'companyName', value: 'LOGISTICS' }, [2]],
    ['contains', { op: 'contains', field: 'companyName', value: 'harbor' }, [2]],
    ['exist', { op: 'exist', field: 'city' }, [1, 3]],
    ['notExist', { op: 'notExist', field: 'city' }, [0, 2]],
    ['in', { op: 'in', field: 'companyType', value: [3, 7] }, [2, 3]],
    ['notIn', { op: 'notIn', field: 'companyType', value: [3, 7] }, [0, 1]],
    ['booleans accept "true" strings', { op: 'eq', field: 'isActive', value: 'True' }, [0, 1, 3]],
    [
      'dates compare as instants',
      { op: 'gt', field: 'createDate', value: '2025-06-01T06:00:00-05:00' },
      [2, 3],
    ],
    [
      'field names and operators ignore case',
      { op: 'BEGINSWITH', field: 'COMPANYNAME', value: 'north' },
      [0],
    ],
  ])('%s', (_name, filter, expected) => {
    expect(ids([filter])).toEqual(expected);
  });

  it('ANDs top-level filters and nests and/or groups', () => {
    expect(
      ids([
        { op: 'eq', field: 'isActive', value: true },
        {
          op: 'or',
          items: [
            { op: 'eq', field: 'companyType', value: 7 },
            {
              op: 'and',
              items: [
                { op: 'eq', field: 'companyType', value: 1 },
                { op: 'exist', field: 'city' },
              ],
            },
          ],
        },
      ]),
    ).toEqual([1, 3]);
  });

  it('silently drops unknown operators, as the real API does', () => {
    expect(ids([{ op: 'ne', field: 'companyType', value: 1 }])).toEqual([0, 1, 2, 3]);
  });

  it('accepts capitalised body keys inside conditions', () => {
    expect(ids([{ Op: 'eq', Field: 'id', Value: 2 }])).toEqual([2]);
  });
});

describe('filter errors', () => {
  it('requires at least one condition', () => {
    expect(apiError([])).toMatch(/at least one filter/);
    expect(apiError(undefined)).toMatch(/at least one filter/);
  });

  it('names the unknown field and entity', () => {
    expect(apiError([{ op: 'eq', field: 'accountName', value: 'x' }])).toBe(
      'Unable to find accountName in the Company Entity',
    );
  });

  it('limits in-lists and OR groups to 500 conditions in total', () => {
    const values = Array.from({ length: 501 }, (_, i) => i);
    const message = "Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions.";
    expect(apiError([{ op: 'in', field: 'id', value: values }])).toBe(message);
    expect(apiError([{ op: 'notIn', field: 'id', value: values }])).toBe(message);
    expect(() => compileFilter(companies, [{ op: 'in', field: 'id', value: values.slice(1) }])).not.toThrow();
    const ors = { op: 'or', items: values.slice(0, 300).map((v) => ({ op: 'eq', field: 'id', value: v })) };
    expect(apiError([ors, { op: 'in', field: 'id', value: values.slice(0, 201) }])).toBe(message);
  });

  it('rejects values that do not convert to the field type', () => {
    expect(apiError([{ op: 'eq', field: 'companyType', value: 'customer' }])).toMatch(/Conversion failed/);
    expect(apiError([{ op: 'eq', field: 'isActive', value: 'yes' }])).toMatch(/boolean/);
    expect(apiError([{ op: 'in', field: 'id', value: 3 }])).toMatch(/array/);
  });

  it('narrows candidates for top-level eq/in on integer fields', () => {
    const { hint } = compileFilter(companies, [
      { op: 'in', field: 'id', value: [1, 2] },
      { op: 'eq', field: 'ownerResourceID', value: 5 },
    ]);
    expect([...(hint.ids ?? [])]).toEqual([1, 2]);
    expect([...(hint.byField?.get('ownerresourceid') ?? [])]).toEqual([5]);
  });
});
