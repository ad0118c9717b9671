import type { EntityDef, EntityRecord, FieldDef, FieldValue, UdfValue } from './entity-types.js';

export type WireItem = Record<string, FieldValue | UdfValue[]>;

/** Every field of the entity, nulls included, in Swagger order; `userDefinedFields` on UDF-capable entities. */
export function toWire(
  def: EntityDef,
  record: EntityRecord,
  include: ReadonlySet<FieldDef> | null = null,
  udfs: UdfValue[] = [],
): WireItem {
  const item: WireItem = {};
  for (const field of def.fields) {
    if (include && field.key !== 'id' && !include.has(field)) continue;
    item[field.name] = record[field.name] ?? null;
  }
  if (def.hasUserDefinedFields) item.userDefinedFields = udfs;
  return item;
}
