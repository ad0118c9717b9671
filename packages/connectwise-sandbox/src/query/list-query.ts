import { CwError } from '../cw-error.js';
import { matches, parseConditions, type Condition } from './conditions.js';
import { valuesAt, type FieldTypes } from './field-types.js';

export const defaultPageSize = 25;
export const maxPageSize = 1000;

export interface ListQuery {
  conditions: Condition | null;
  childConditions: Condition | null;
  orderBy: { path: string; descending: boolean }[];
  fields: string[] | null;
  page: number;
  pageSize: number;
  /** forward-only paging: `pagination-type: forward-only` + `pageId` */
  forwardOnly: boolean;
  pageId: number;
}

function positiveInt(params: URLSearchParams, name: string, fallback: number): number {
  const raw = params.get(name.toLowerCase());
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new CwError(400, 'InvalidObject', `The value '${raw}' is not valid for ${name}.`);
  return n;
}

function checkPath(path: string, types: FieldTypes, what: string): string {
  const lower = path.toLowerCase();
  const known = [...types.keys()].some((k) => k === lower || k.startsWith(`${lower}/`));
  if (!known) throw new CwError(400, 'InvalidObject', `${what}: '${path}' is not a valid field.`);
  return path;
}

/** Parses the list query parameters; query names are case-insensitive as on the real server. */
export function parseListQuery(search: URLSearchParams, headers: Headers, types: FieldTypes): ListQuery {
  const params = new URLSearchParams();
  for (const [key, value] of search) params.set(key.toLowerCase(), value);
  const conditionsText = params.get('conditions');
  const childText = params.get('childconditions');
  const forwardOnly = (headers.get('pagination-type') ?? '').toLowerCase() === 'forward-only';
  const orderByText = params.get('orderby') ?? '';
  if (forwardOnly && orderByText.trim() !== '')
    throw new CwError(400, 'InvalidObject', 'orderBy is not supported with forward-only pagination.');
  const orderBy = orderByText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((clause) => {
      const [path = '', direction = 'asc', ...rest] = clause.split(/\s+/);
      if (rest.length > 0 || !['asc', 'desc'].includes(direction.toLowerCase()))
        throw new CwError(400, 'InvalidObject', `orderBy: '${clause}' is not valid; use 'field asc|desc'.`);
      return { path: checkPath(path, types, 'orderBy'), descending: direction.toLowerCase() === 'desc' };
    });
  const fieldsText = params.get('fields');
  const fields =
    fieldsText === null || fieldsText.trim() === ''
      ? null
      : fieldsText.split(',').map((f) => checkPath(f.trim(), types, 'fields'));
  const pageSize = positiveInt(params, 'pageSize', defaultPageSize);
  if (pageSize > maxPageSize)
    throw new CwError(400, 'InvalidObject', `pageSize must be between 1 and ${maxPageSize}.`);
  return {
    conditions:
      conditionsText === null || conditionsText.trim() === '' ? null : parseConditions(conditionsText, types),
    childConditions: childText === null || childText.trim() === '' ? null : parseConditions(childText, types),
    orderBy,
    fields,
    page: Math.max(1, positiveInt(params, 'page', 1)),
    pageSize: pageSize === 0 ? defaultPageSize : pageSize,
    forwardOnly,
    pageId: positiveInt(params, 'pageId', 0),
  };
}

/** Only `conditions` / `childConditions` count: `/count` ignores paging. */
export function parseCountQuery(search: URLSearchParams, types: FieldTypes): Condition[] {
  const out: Condition[] = [];
  for (const [key, value] of search) {
    const k = key.toLowerCase();
    if ((k === 'conditions' || k === 'childconditions') && value.trim() !== '')
      out.push(parseConditions(value, types));
  }
  return out;
}

export function filterRecords<T>(records: readonly T[], conditions: readonly (Condition | null)[]): T[] {
  return records.filter((r) => conditions.every((c) => c === null || matches(r, c)));
}

function sortKey(value: unknown): number | string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? value.toLowerCase() : JSON.stringify(value);
}

export function sortRecords<T>(records: T[], orderBy: ListQuery['orderBy']): T[] {
  // Collections list in id order already, which is also the tie-breaker.
  if (orderBy.length === 0) return records;
  const keyed = records.map((record, index) => ({
    record,
    index,
    keys: orderBy.map(({ path }) => sortKey(valuesAt(record, path)[0])),
  }));
  keyed.sort((a, b) => {
    for (const [i, { descending }] of orderBy.entries()) {
      const x = a.keys[i] ?? null;
      const y = b.keys[i] ?? null;
      if (x === y) continue;
      // Nulls first ascending, as SQL Server orders them.
      const cmp = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return descending ? -cmp : cmp;
    }
    return a.index - b.index;
  });
  return keyed.map((k) => k.record);
}

/** Keeps only the requested paths (`company/id` keeps `company.id`), in the record's own key order. */
export function projectFields(
  record: Record<string, unknown>,
  fields: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const byTop = new Map<string, string[]>();
  for (const f of fields) {
    const [top = '', ...rest] = f.split('/');
    const list = byTop.get(top.toLowerCase()) ?? [];
    if (rest.length > 0) list.push(rest.join('/'));
    else list.push('');
    byTop.set(top.toLowerCase(), list);
  }
  for (const [key, value] of Object.entries(record)) {
    const subs = byTop.get(key.toLowerCase());
    if (!subs) continue;
    if (subs.includes('') || value === null || typeof value !== 'object' || Array.isArray(value))
      out[key] = value;
    else out[key] = projectFields(value as Record<string, unknown>, subs);
  }
  return out;
}
