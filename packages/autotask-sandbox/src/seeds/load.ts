import { coerceValue } from '../entities/coerce.js';
import type { EntityRecord, FieldValue } from '../entities/entity-types.js';
import { requireEntity } from '../entities/schema.js';
import { unknownField } from '../api-error.js';
import { Database } from '../store/database.js';
import { seedEntityLists, type SeedDescription, type SeedRecord } from './seed-types.js';

function toRecord(entity: string, seed: SeedRecord, timeZone: string): EntityRecord {
  const def = requireEntity(entity);
  const record: Record<string, FieldValue> = { id: seed.id };
  for (const [key, value] of Object.entries(seed)) {
    if (key === 'id' || key === 'units' || value === null) continue;
    const field = def.fieldByKey.get(key.toLowerCase());
    if (!field) throw unknownField(key, def.singular);
    record[field.name] = coerceValue(field, value, timeZone);
  }
  return record as EntityRecord;
}

function stripUnits(item: SeedRecord): EntityRecord {
  const record: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(item)) if (key !== 'units' && value !== null) record[key] = value;
  return record as EntityRecord;
}

/** Loads a seed description into a fresh database. Seeds are trusted: no business-rule validation. */
export function loadSeed(seed: SeedDescription, timeZone: string, isTrusted = false): Database {
  const db = new Database();
  // Generated seeds are already in stored form; converting 2.5 M values of scale:50000 would take seconds.
  const convert = isTrusted
    ? (_entity: string, item: SeedRecord): EntityRecord => stripUnits(item)
    : (entity: string, item: SeedRecord) => toRecord(entity, item, timeZone);
  for (const [key, entity] of seedEntityLists) {
    const table = db.table(entity);
    for (const item of seed[key] ?? []) table.insert(convert(entity, item));
  }
  for (const udf of seed.userDefinedFields ?? []) {
    const def = requireEntity(udf.entity);
    if (!def.hasUserDefinedFields) throw new Error(`${def.name} has no user-defined fields`);
    db.udfs.define(def.name, {
      name: udf.name,
      label: udf.label ?? udf.name,
      type: udf.type ?? 'string',
      length: 100,
      isRequired: false,
    });
    for (const v of udf.values ?? []) db.udfs.set(def.name, v.id, udf.name, v.value);
  }
  for (const cs of seed.contractServices) {
    db.addContractService(convert('ContractServices', cs), cs.units);
  }
  return db;
}
