import { ApiError, unknownField } from '../api-error.js';
import { dayWire, instantWire, parseInstant, toTenantDay } from '../util/dates.js';
import type { EntityDef, FieldDef, FieldValue } from './entity-types.js';

const ignoredKeys = new Set(['userdefinedfields']);

function conversion(value: unknown, field: FieldDef): ApiError {
  return new ApiError(
    `Value ${JSON.stringify(value)} is not valid for field ${field.name} (${field.dataType}).`,
  );
}

/** Converts one incoming JSON value to its stored form; date-only fields get the tenant day-shift. */
export function coerceValue(field: FieldDef, value: unknown, timeZone: string): FieldValue {
  if (value === null || value === undefined) return null;
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
      if (!Number.isFinite(n) || (field.dataType !== 'decimal' && !Number.isInteger(n)))
        throw conversion(value, field);
      if (field.picklist && !field.picklist.some((p) => p.value === String(n))) {
        throw new ApiError(`Value ${n} is not a valid picklist value for field ${field.name}.`);
      }
      return n;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'True') return true;
      if (value === 'false' || value === 'False') return false;
      throw conversion(value, field);
    case 'datetime': {
      if (typeof value !== 'string') throw conversion(value, field);
      if (field.isDateOnly) {
        const day = toTenantDay(value, timeZone);
        if (day === null) throw conversion(value, field);
        return dayWire(day);
      }
      const ms = parseInstant(value);
      if (ms === null) throw conversion(value, field);
      return instantWire(ms);
    }
    case 'string': {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw conversion(value, field);
      }
      const text = String(value);
      if (text.length > field.length) {
        throw new ApiError(
          `The value of ${field.name} exceeds the maximum length of ${field.length} characters.`,
        );
      }
      return text;
    }
  }
}

export interface CoercedBody {
  id: number | null;
  values: Map<FieldDef, FieldValue>;
}

/**
 * Reads a create/update body: unknown properties fail like the API ("Unable to find x in the Y Entity"),
 * read-only properties are ignored.
 */
export function coerceBody(def: EntityDef, body: unknown, timeZone: string): CoercedBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(`The request body must be a ${def.singular} object.`);
  }
  let id: number | null = null;
  const values = new Map<FieldDef, FieldValue>();
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const lower = key.toLowerCase();
    if (ignoredKeys.has(lower)) continue;
    const field = def.fieldByKey.get(lower);
    if (!field) throw unknownField(key, def.singular);
    if (lower === 'id') {
      if (value !== null && value !== undefined) {
        const n = Number(value);
        if (!Number.isInteger(n)) throw conversion(value, field);
        id = n;
      }
      continue;
    }
    if (field.isReadOnly) continue;
    values.set(field, coerceValue(field, value, timeZone));
  }
  return { id, values };
}

export function requireFields(def: EntityDef, record: Readonly<Record<string, FieldValue>>): void {
  const missing = def.fields.filter(
    (f) => f.isRequired && (record[f.name] === null || record[f.name] === undefined),
  );
  if (missing.length > 0) {
    throw new ApiError(
      `Missing required field(s) on ${def.singular}: ${missing.map((f) => f.name).join(', ')}.`,
    );
  }
}
