import type { EntityDef, EntityRecord, FieldDef } from '../entities/entity-types.js';
import type { CandidateHint } from '../store/table.js';
import { parseInstant } from '../util/dates.js';
import { ApiError, unknownField } from '../api-error.js';

export const comparisonOperators = [
  'eq',
  'noteq',
  'gt',
  'gte',
  'lt',
  'lte',
  'beginsWith',
  'endsWith',
  'contains',
  'exist',
  'notExist',
  'in',
  'notIn',
] as const;
export type ComparisonOperator = (typeof comparisonOperators)[number];
export const maxOrConditions = 500;

type Scalar = number | string | boolean;

type Condition =
  | {
      kind: 'compare';
      op: ComparisonOperator;
      field: FieldDef;
      read: (record: EntityRecord) => Scalar | null;
      value: Scalar | null;
      values: readonly Scalar[];
    }
  | { kind: 'group'; op: 'and' | 'or'; items: readonly Condition[] };

export type Predicate = (record: EntityRecord) => boolean;

export interface CompiledFilter {
  predicate: Predicate;
  hint: CandidateHint;
}

const operatorByLowerName = new Map<string, ComparisonOperator | 'and' | 'or'>([
  ...comparisonOperators.map((op) => [op.toLowerCase(), op] as const),
  ['and', 'and'],
  ['or', 'or'],
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Json.NET binds property names case-insensitively; so does this. */
export function prop(obj: Record<string, unknown>, name: string): unknown {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(obj)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

const dataTypeLabel: Record<string, string> = {
  long: 'bigint',
  integer: 'int',
  decimal: 'decimal',
  boolean: 'bit',
  datetime: 'datetime',
  string: 'nvarchar',
};

function conversionError(value: unknown, field: FieldDef): ApiError {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return new ApiError(
    `Conversion failed when converting the nvarchar value '${shown}' to data type ${dataTypeLabel[field.dataType] ?? field.dataType}.`,
  );
}

/** Normalises a filter value into the comparable form of the field's type. */
function normalise(value: unknown, field: FieldDef): Scalar {
  switch (field.dataType) {
    case 'long':
    case 'integer':
    case 'decimal': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : NaN;
      if (!Number.isFinite(n)) throw conversionError(value, field);
      return n;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const text = typeof value === 'string' || typeof value === 'number' ? String(value).toLowerCase() : '';
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      throw new ApiError(`Invalid value for boolean field ${field.name}. Use true or false.`);
    }
    case 'datetime': {
      const ms = typeof value === 'string' ? parseInstant(value) : null;
      if (ms === null) throw conversionError(value, field);
      return ms;
    }
    case 'string':
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        return String(value).toLowerCase();
      }
      throw conversionError(value, field);
  }
}

/** The stored value in the same comparable form, or null. */
export function comparable(record: EntityRecord, field: FieldDef): Scalar | null {
  const raw = record[field.name];
  if (raw === undefined || raw === null) return null;
  switch (field.dataType) {
    case 'datetime':
      return typeof raw === 'string' ? parseInstant(raw) : null;
    case 'string':
      return String(raw).toLowerCase();
    case 'long':
    case 'integer':
    case 'decimal':
    case 'boolean':
      return raw;
  }
}

function compareScalars(a: Scalar, b: Scalar): number {
  if (typeof a === 'string' || typeof b === 'string') {
    const x = String(a);
    const y = String(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return Number(a) - Number(b);
}

function evaluate(condition: Condition, record: EntityRecord): boolean {
  if (condition.kind === 'group') {
    if (condition.items.length === 0) return true;
    return condition.op === 'and'
      ? condition.items.every((c) => evaluate(c, record))
      : condition.items.some((c) => evaluate(c, record));
  }
  const actual = condition.read(record);
  const { op, value, values } = condition;
  if (op === 'exist') return actual !== null;
  if (op === 'notExist') return actual === null;
  // SQL semantics: NULL matches no comparison, not even `noteq`/`notIn`.
  if (actual === null) return false;
  switch (op) {
    case 'in':
      return values.some((v) => compareScalars(actual, v) === 0);
    case 'notIn':
      return values.every((v) => compareScalars(actual, v) !== 0);
    case 'eq':
      return value !== null && compareScalars(actual, value) === 0;
    case 'noteq':
      return value !== null && compareScalars(actual, value) !== 0;
    case 'gt':
      return value !== null && compareScalars(actual, value) > 0;
    case 'gte':
      return value !== null && compareScalars(actual, value) >= 0;
    case 'lt':
      return value !== null && compareScalars(actual, value) < 0;
    case 'lte':
      return value !== null && compareScalars(actual, value) <= 0;
    case 'beginsWith':
      return String(actual).startsWith(String(value));
    case 'endsWith':
      return String(actual).endsWith(String(value));
    case 'contains':
      return String(actual).includes(String(value));
  }
}

export function resolveField(def: EntityDef, name: unknown): FieldDef {
  if (typeof name !== 'string' || name.trim() === '')
    throw unknownField(typeof name === 'string' ? name : JSON.stringify(name ?? ''), def.singular);
  const field = def.fieldByKey.get(name.trim().toLowerCase());
  if (!field) throw unknownField(name, def.singular);
  return field;
}

interface CompileState {
  orConditions: number;
  udfs: number;
  lookup: UdfLookup | null;
}

/** Access to the entity's user-defined fields, for `"udf": true` conditions. */
export interface UdfLookup {
  find(name: string): { name: string; type: 'string' | 'number' | 'date' } | undefined;
  value(id: number, name: string): string | null;
}

function udfField(
  def: EntityDef,
  raw: Record<string, unknown>,
  state: CompileState,
): { field: FieldDef; read: (record: EntityRecord) => Scalar | null } {
  const rawName = prop(raw, 'field');
  const name = typeof rawName === 'string' ? rawName : JSON.stringify(rawName ?? '');
  const udf = state.lookup?.find(name);
  if (!udf) throw unknownField(name, def.singular);
  const dataType = udf.type === 'number' ? 'decimal' : udf.type === 'date' ? 'datetime' : 'string';
  const field: FieldDef = {
    name: udf.name,
    dataType,
    key: `udf:${udf.name.toLowerCase()}`,
    isDateOnly: false,
    isRequired: false,
    isReadOnly: false,
    isQueryable: true,
    referenceEntityType: null,
    picklist: null,
    length: 0,
  };
  const lookup = state.lookup;
  const read = (record: EntityRecord): Scalar | null => {
    const text = lookup?.value(record.id, udf.name) ?? null;
    if (text === null) return null;
    if (dataType === 'decimal') return Number(text);
    if (dataType === 'datetime') return parseInstant(text);
    return text.toLowerCase();
  };
  return { field, read };
}

function compileOne(def: EntityDef, raw: unknown, state: CompileState): Condition | null {
  if (!isObject(raw)) throw new ApiError('Invalid query syntax. Each filter must be an object with an op.');
  const opName = prop(raw, 'op');
  const op = typeof opName === 'string' ? operatorByLowerName.get(opName.toLowerCase()) : undefined;
  // Autotask drops conditions whose operator it does not know (e.g. `ne`) instead of rejecting them.
  if (op === undefined) return null;
  if (op === 'and' || op === 'or') {
    const rawItems = prop(raw, 'items');
    const items = (Array.isArray(rawItems) ? rawItems : [])
      .map((item) => compileOne(def, item, state))
      .filter((c): c is Condition => c !== null);
    if (op === 'or') state.orConditions += items.length;
    return { kind: 'group', op, items };
  }
  let field: FieldDef;
  let read: (record: EntityRecord) => Scalar | null;
  if (prop(raw, 'udf') === true) {
    state.udfs += 1;
    if (state.udfs > 1) throw new ApiError('You can only query by one user-defined field at a time.');
    ({ field, read } = udfField(def, raw, state));
  } else {
    const resolved = resolveField(def, prop(raw, 'field'));
    if (!resolved.isQueryable) throw new ApiError(`The field ${resolved.name} cannot be queried.`);
    field = resolved;
    read = (record) => comparable(record, resolved);
  }
  const rawValue = prop(raw, 'value');
  if (op === 'in' || op === 'notIn') {
    if (!Array.isArray(rawValue))
      throw new ApiError(`The '${op}' operator requires an array value for ${field.name}.`);
    state.orConditions += rawValue.length;
    return {
      kind: 'compare',
      op,
      field,
      read,
      value: null,
      values: rawValue.map((v) => normalise(v, field)),
    };
  }
  if (op === 'exist' || op === 'notExist')
    return { kind: 'compare', op, field, read, value: null, values: [] };
  if (rawValue === null || rawValue === undefined) {
    throw new ApiError(`A value is required for the '${op}' operator on ${field.name}.`);
  }
  return { kind: 'compare', op, field, read, value: normalise(rawValue, field), values: [] };
}

function hintFrom(conditions: readonly Condition[]): CandidateHint {
  let ids: Set<number> | undefined;
  const byField = new Map<string, Set<number>>();
  for (const c of conditions) {
    if (c.kind !== 'compare' || (c.op !== 'eq' && c.op !== 'in')) continue;
    if (c.field.key.startsWith('udf:') || (c.field.dataType !== 'long' && c.field.dataType !== 'integer'))
      continue;
    const values = new Set((c.op === 'eq' ? [c.value] : c.values).map(Number));
    if (c.field.key === 'id') ids = ids ? new Set([...ids].filter((v) => values.has(v))) : values;
    else byField.set(c.field.key, values);
  }
  return ids ? { ids, byField } : { byField };
}

/** Compiles the top-level filter array (its items are ANDed) into a predicate plus a narrowing hint. */
export function compileFilter(
  def: EntityDef,
  rawFilter: unknown,
  udfs: UdfLookup | null = null,
): CompiledFilter {
  const list = Array.isArray(rawFilter) ? rawFilter : isObject(rawFilter) ? [rawFilter] : [];
  if (list.length === 0) throw new ApiError('Invalid query syntax. A query requires at least one filter.');
  const state: CompileState = { orConditions: 0, udfs: 0, lookup: udfs };
  const conditions = list.map((raw) => compileOne(def, raw, state)).filter((c): c is Condition => c !== null);
  if (state.orConditions > maxOrConditions) {
    throw new ApiError("Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions.");
  }
  const root: Condition = { kind: 'group', op: 'and', items: conditions };
  return { predicate: (record) => evaluate(root, record), hint: hintFrom(conditions) };
}
