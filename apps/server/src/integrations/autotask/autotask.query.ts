/**
 * Typed builder for Autotask query bodies (`POST {Entity}/query`).
 *
 * Autotask silently IGNORES an unknown operator (`ne` instead of `noteq` returned every row in
 * the wild), so operator names are a closed set checked at build time and again at runtime: a
 * typo must fail here, not widen a query against a customer's tenant.
 */

export const comparisonOperators = ['eq', 'noteq', 'gt', 'gte', 'lt', 'lte'] as const;
export const stringOperators = ['beginsWith', 'endsWith', 'contains'] as const;
export const existenceOperators = ['exist', 'notExist'] as const;
export const listOperators = ['in', 'notIn'] as const;
export const groupOperators = ['and', 'or'] as const;

export const filterOperators = [
  ...comparisonOperators,
  ...stringOperators,
  ...existenceOperators,
  ...listOperators,
] as const;
export type GroupOperator = (typeof groupOperators)[number];

/** Autotask's hard limits: 500 rows per page and 500 OR conditions (an `in` list counts as ORs). */
export const maxRecordsPerPage = 500;
export const maxInListSize = 500;

export type FilterValue = string | number | boolean;

export type Filter =
  | { readonly op: (typeof comparisonOperators)[number]; readonly field: string; readonly value: FilterValue }
  | { readonly op: (typeof stringOperators)[number]; readonly field: string; readonly value: string }
  | { readonly op: (typeof existenceOperators)[number]; readonly field: string }
  | {
      readonly op: (typeof listOperators)[number];
      readonly field: string;
      readonly value: readonly FilterValue[];
    }
  | { readonly op: GroupOperator; readonly items: readonly Filter[] };

export interface QueryBody {
  readonly MaxRecords: number;
  readonly IncludeFields: readonly string[];
  readonly filter: readonly Filter[];
}

export class QueryBuildError extends Error {
  override readonly name = 'QueryBuildError';
}

export const f = {
  eq: (field: string, value: FilterValue): Filter => ({ op: 'eq', field, value }),
  noteq: (field: string, value: FilterValue): Filter => ({ op: 'noteq', field, value }),
  gt: (field: string, value: FilterValue): Filter => ({ op: 'gt', field, value }),
  gte: (field: string, value: FilterValue): Filter => ({ op: 'gte', field, value }),
  lt: (field: string, value: FilterValue): Filter => ({ op: 'lt', field, value }),
  lte: (field: string, value: FilterValue): Filter => ({ op: 'lte', field, value }),
  beginsWith: (field: string, value: string): Filter => ({ op: 'beginsWith', field, value }),
  endsWith: (field: string, value: string): Filter => ({ op: 'endsWith', field, value }),
  contains: (field: string, value: string): Filter => ({ op: 'contains', field, value }),
  exist: (field: string): Filter => ({ op: 'exist', field }),
  notExist: (field: string): Filter => ({ op: 'notExist', field }),
  in: (field: string, value: readonly FilterValue[]): Filter => ({ op: 'in', field, value }),
  notIn: (field: string, value: readonly FilterValue[]): Filter => ({ op: 'notIn', field, value }),
  and: (...items: readonly Filter[]): Filter => ({ op: 'and', items }),
  or: (...items: readonly Filter[]): Filter => ({ op: 'or', items }),
} as const;

const knownOperators: ReadonlySet<string> = new Set<string>([...filterOperators, ...groupOperators]);

/**
 * Runtime check of a filter tree (callers can hand-build objects or cast): unknown operators,
 * missing fields, empty groups, `in` lists over the limit and non-scalar values are rejected.
 */
export function validateFilter(filter: Filter, path = 'filter'): void {
  const op: string = filter.op;
  if (!knownOperators.has(op)) throw new QueryBuildError(`${path}: unknown operator "${op}"`);
  if ('items' in filter) {
    if (filter.items.length === 0) throw new QueryBuildError(`${path}: empty "${op}" group`);
    filter.items.forEach((item, i) => validateFilter(item, `${path}.items[${i}]`));
    return;
  }
  if (filter.field.length === 0) throw new QueryBuildError(`${path}: empty field name`);
  if (!('value' in filter)) return;
  const value: unknown = filter.value;
  if (Array.isArray(value)) {
    if (value.length === 0) throw new QueryBuildError(`${path}: empty "${op}" list`);
    if (value.length > maxInListSize) {
      throw new QueryBuildError(
        `${path}: "${op}" list of ${value.length} exceeds ${maxInListSize}; chunk it`,
      );
    }
    if (!value.every(isScalar)) throw new QueryBuildError(`${path}: "${op}" list holds a non-scalar value`);
    return;
  }
  if (!isScalar(value))
    throw new QueryBuildError(`${path}: value must be a string, finite number or boolean`);
}

function isScalar(value: unknown): value is FilterValue {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * Builds a query body. Top-level filters are ANDed by Autotask. `id` is always included because
 * Autotask requires it in IncludeFields for result sets larger than one page.
 *
 * @example
 * buildQuery({ filters: [f.in('companyID', [1, 2]), f.eq('status', 1)], includeFields: ['id', 'contractName'] })
 */
export function buildQuery(input: {
  readonly filters: readonly Filter[];
  readonly includeFields: readonly string[];
  readonly maxRecords?: number;
}): QueryBody {
  if (input.filters.length === 0) {
    // Autotask requires a filter; an explicit "all rows" filter keeps intent visible at call sites.
    throw new QueryBuildError('at least one filter is required (use f.exist("id") for all rows)');
  }
  input.filters.forEach((filter, i) => validateFilter(filter, `filter[${i}]`));
  const maxRecords = input.maxRecords ?? maxRecordsPerPage;
  if (!Number.isInteger(maxRecords) || maxRecords < 1 || maxRecords > maxRecordsPerPage) {
    throw new QueryBuildError(`maxRecords must be an integer between 1 and ${maxRecordsPerPage}`);
  }
  const fields = input.includeFields.includes('id') ? input.includeFields : ['id', ...input.includeFields];
  return { MaxRecords: maxRecords, IncludeFields: [...fields], filter: input.filters };
}

/** Splits values into chunks of at most `size` (default: Autotask's 500 `in` values), dropping duplicates. */
export function chunk<T>(values: readonly T[], size: number = maxInListSize): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('chunk size must be a positive integer');
  const unique = [...new Set(values)];
  const chunks: T[][] = [];
  for (let i = 0; i < unique.length; i += size) chunks.push(unique.slice(i, i + size));
  return chunks;
}
