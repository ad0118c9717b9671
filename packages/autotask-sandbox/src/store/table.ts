import type { EntityDef, EntityRecord } from '../entities/entity-types.js';

/** Narrowing hint extracted from top-level `eq`/`in` filters so big tables are not scanned in full. */
export interface CandidateHint {
  ids?: ReadonlySet<number>;
  /** lower-case field name → allowed integer values */
  byField?: ReadonlyMap<string, ReadonlySet<number>>;
}

export interface RecordSource {
  readonly def: EntityDef;
  get(id: number): EntityRecord | undefined;
  /** Records in ascending id order, starting at `fromId`. */
  scan(fromId: number, hint: CandidateHint): Iterable<EntityRecord>;
}

/**
 * An in-memory table. Ids only ever grow, so Map insertion order is id order. Foreign keys that can
 * never change after create (e.g. ContractServices.contractID) may be indexed, so a per-contract query
 * on a 300 000-row scale seed does not scan everything.
 */
export class Table implements RecordSource {
  private readonly rows = new Map<number, EntityRecord>();
  private readonly indexes = new Map<string, Map<number, number[]>>();
  private nextId: number;
  private lastId = Number.NEGATIVE_INFINITY;

  constructor(
    readonly def: EntityDef,
    firstId: number,
    immutableIndexedFields: readonly string[] = [],
  ) {
    this.nextId = firstId;
    for (const field of immutableIndexedFields) this.indexes.set(field.toLowerCase(), new Map());
  }

  private fieldOfIndex(key: string): string {
    return this.def.fieldByKey.get(key)?.name ?? key;
  }

  get size(): number {
    return this.rows.size;
  }

  allocateId(): number {
    return this.nextId++;
  }

  insert(record: EntityRecord): EntityRecord {
    if (record.id <= this.lastId) throw new Error(`${this.def.name}: ids must grow (${record.id})`);
    this.rows.set(record.id, record);
    this.lastId = record.id;
    for (const [key, index] of this.indexes) {
      const value = record[this.fieldOfIndex(key)];
      if (typeof value !== 'number') continue;
      const ids = index.get(value);
      if (ids) ids.push(record.id);
      else index.set(value, [record.id]);
    }
    if (record.id >= this.nextId) this.nextId = record.id + 1;
    return record;
  }

  get(id: number): EntityRecord | undefined {
    return this.rows.get(id);
  }

  /** Deleted ids may linger in an index; scan() skips ids that no longer resolve. */
  delete(id: number): boolean {
    return this.rows.delete(id);
  }

  /** Candidate ids from the hint (ids and indexed fields intersected), or null for a full scan. */
  private candidates(hint: CandidateHint): number[] | null {
    const lists: number[][] = [];
    if (hint.ids) lists.push([...hint.ids]);
    for (const [key, values] of hint.byField ?? []) {
      const index = this.indexes.get(key);
      if (index) lists.push([...values].flatMap((v) => index.get(v) ?? []));
    }
    const [first, ...others] = lists;
    if (first === undefined) return null;
    const sets = others.map((l) => new Set(l));
    return [...new Set(first)].filter((id) => sets.every((s) => s.has(id))).sort((a, b) => a - b);
  }

  *scan(fromId: number, hint: CandidateHint): Iterable<EntityRecord> {
    const candidates = this.candidates(hint);
    if (candidates) {
      for (const id of candidates) {
        const row = id >= fromId ? this.rows.get(id) : undefined;
        if (row) yield row;
      }
      return;
    }
    for (const row of this.rows.values()) if (row.id >= fromId) yield row;
  }

  values(): IterableIterator<EntityRecord> {
    return this.rows.values();
  }
}
