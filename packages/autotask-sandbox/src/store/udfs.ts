import type { UdfValue } from '../entities/entity-types.js';

export const udfTypes = ['string', 'number', 'date'] as const;
export type UdfType = (typeof udfTypes)[number];

export interface UdfDefinition {
  name: string;
  label: string;
  type: UdfType;
  length: number;
  isRequired: boolean;
}

/** User-defined fields: per-entity definitions and per-record values, all values kept as strings like the API prints them. */
export class UdfStore {
  private readonly definitions = new Map<string, UdfDefinition[]>();
  private readonly values = new Map<string, Map<number, Map<string, string | null>>>();

  define(entity: string, definition: UdfDefinition): void {
    const key = entity.toLowerCase();
    const list = this.definitions.get(key) ?? [];
    if (list.some((d) => d.name.toLowerCase() === definition.name.toLowerCase())) {
      throw new Error(`UDF ${definition.name} is already defined on ${entity}`);
    }
    list.push(definition);
    this.definitions.set(key, list);
  }

  list(entity: string): readonly UdfDefinition[] {
    return this.definitions.get(entity.toLowerCase()) ?? [];
  }

  find(entity: string, name: string): UdfDefinition | undefined {
    const lower = name.toLowerCase();
    return this.list(entity).find((d) => d.name.toLowerCase() === lower);
  }

  get(entity: string, id: number, name: string): string | null {
    return this.values.get(entity.toLowerCase())?.get(id)?.get(name.toLowerCase()) ?? null;
  }

  set(entity: string, id: number, name: string, value: string | null): void {
    const key = entity.toLowerCase();
    let byId = this.values.get(key);
    if (!byId) {
      byId = new Map();
      this.values.set(key, byId);
    }
    let fields = byId.get(id);
    if (!fields) {
      fields = new Map();
      byId.set(id, fields);
    }
    fields.set(name.toLowerCase(), value);
  }

  /** Every UDF of the entity, `null` where unset — the API always returns the full list. */
  wire(entity: string, id: number): UdfValue[] {
    return this.list(entity).map((d) => ({ name: d.name, value: this.get(entity, id, d.name) }));
  }
}
