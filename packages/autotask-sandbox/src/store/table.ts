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

/** An in-memory table. Ids only ever grow, so Map insertion order is id order. */
export class Table implements RecordSource {
  private readonly rows = new Map<number, EntityRecord>();
  private nextId: number;
  private lastId = Number.NEGATIVE_INFINITY;

  constructor(
    readonly def: EntityDef,
    firstId: number,
  ) {
    this.nextId = firstId;
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
    if (record.id >= this.nextId) this.nextId = record.id + 1;
    return record;
  }

  get(id: number): EntityRecord | undefined {
    return this.rows.get(id);
  }

  delete(id: number): boolean {
    return this.rows.delete(id);
  }

  *scan(fromId: number, hint: CandidateHint): Iterable<EntityRecord> {
    if (hint.ids) {
      for (const id of [...hint.ids].sort((a, b) => a - b)) {
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
