import { describe, expect, it } from 'vitest';
import { CwError } from '../cw-error.js';
import { fieldTypeMap } from './field-types.js';
import { parseListQuery, projectFields, sortRecords } from './list-query.js';

const types = fieldTypeMap({
  id: 'number',
  name: 'string',
  'company/id': 'number',
  'company/name': 'string',
});
const parse = (query: string, headers: Record<string, string> = {}) =>
  parseListQuery(new URLSearchParams(query), new Headers(headers), types);

describe('list query parameters', () => {
  it('defaults: page 1, pageSize 25, no order, all fields', () => {
    expect(parse('')).toMatchObject({ page: 1, pageSize: 25, orderBy: [], fields: null, forwardOnly: false });
  });

  it('parameter names are case-insensitive', () => {
    expect(parse('PAGE=3&pagesize=10&ORDERBY=name%20desc&Fields=id')).toMatchObject({
      page: 3,
      pageSize: 10,
      orderBy: [{ path: 'name', descending: true }],
      fields: ['id'],
    });
  });

  it.each(['pageSize=1001', 'page=x', 'pageSize=-2', 'orderBy=name%20up', 'orderBy=nope', 'fields=id,nope'])(
    '%s is a 400',
    (query) => {
      expect(() => parse(query)).toThrow(CwError);
    },
  );

  it('forward-only refuses orderBy and reads pageId', () => {
    expect(parse('pageId=40', { 'pagination-type': 'forward-only' })).toMatchObject({
      forwardOnly: true,
      pageId: 40,
    });
    expect(() => parse('orderBy=name', { 'pagination-type': 'Forward-Only' })).toThrow(/forward-only/);
  });
});

describe('sorting and projection', () => {
  const rows = [
    { id: 1, name: 'b', company: { id: 9, name: null } },
    { id: 2, name: 'A', company: { id: 8, name: 'x' } },
    { id: 3, name: 'a', company: { id: 7, name: 'y' } },
  ];

  it('sorts case-insensitively, nulls first ascending, ties in id order', () => {
    expect(sortRecords([...rows], [{ path: 'name', descending: false }]).map((r) => r.id)).toEqual([2, 3, 1]);
    expect(sortRecords([...rows], [{ path: 'company/name', descending: false }]).map((r) => r.id)).toEqual([
      1, 2, 3,
    ]);
    expect(sortRecords([...rows], [{ path: 'company/name', descending: true }]).map((r) => r.id)).toEqual([
      3, 2, 1,
    ]);
  });

  it('projects nested paths into nested objects and keeps whole objects when named', () => {
    expect(projectFields(rows[0] ?? {}, ['company/id', 'id'])).toEqual({ id: 1, company: { id: 9 } });
    expect(projectFields(rows[0] ?? {}, ['company', 'company/id'])).toEqual({
      company: { id: 9, name: null },
    });
  });
});
