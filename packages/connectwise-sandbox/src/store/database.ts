import type { AdditionRow, AgreementRow, CatalogItemRow, CompanyRow, ContactRow, NamedRow } from './rows.js';

/** What a seed describes; ids explicit. */
export interface SeedData {
  companyStatuses: NamedRow[];
  companyTypes: NamedRow[];
  agreementTypes: NamedRow[];
  billingCycles: NamedRow[];
  productTypes: NamedRow[];
  productSubcategories: NamedRow[];
  unitsOfMeasure: NamedRow[];
  contacts: ContactRow[];
  companies: CompanyRow[];
  catalog: CatalogItemRow[];
  agreements: AgreementRow[];
  additions: AdditionRow[];
}

/** A write the API accepted, for tests and the admin API (`GET /_sandbox/writes`). */
export interface WriteRecord {
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  agreementId: number;
  additionId: number;
  /** the request body as received (JSON) */
  body: unknown;
  receivedAt: string;
}

function byId<T extends { id: number }>(rows: readonly T[]): Map<number, T> {
  return new Map(rows.map((r) => [r.id, structuredClone(r)]));
}

export class Database {
  readonly companyStatuses: Map<number, NamedRow>;
  readonly companyTypes: Map<number, NamedRow>;
  readonly agreementTypes: Map<number, NamedRow>;
  readonly billingCycles: Map<number, NamedRow>;
  readonly productTypes: Map<number, NamedRow>;
  readonly productSubcategories: Map<number, NamedRow>;
  readonly unitsOfMeasure: Map<number, NamedRow>;
  readonly contacts: Map<number, ContactRow>;
  readonly companies: Map<number, CompanyRow>;
  readonly catalog: Map<number, CatalogItemRow>;
  readonly agreements: Map<number, AgreementRow>;
  /** read freely; write through putAddition / deleteAddition so the per-agreement index stays right */
  readonly additions: ReadonlyMap<number, AdditionRow>;
  private readonly additionRows: Map<number, AdditionRow>;
  /** agreement id → its additions' ids: a scale seed has W × S additions and lists are per agreement */
  private readonly additionIdsByAgreement = new Map<number, Set<number>>();
  readonly writes: WriteRecord[] = [];
  /** bumped by every write: serialized lists are cached per version (see cachedList) */
  private version = 0;
  private readonly listCache = new Map<string, { key: string; records: unknown[] }>();
  private nextAdditionId: number;

  constructor(seed: SeedData) {
    this.companyStatuses = byId(seed.companyStatuses);
    this.companyTypes = byId(seed.companyTypes);
    this.agreementTypes = byId(seed.agreementTypes);
    this.billingCycles = byId(seed.billingCycles);
    this.productTypes = byId(seed.productTypes);
    this.productSubcategories = byId(seed.productSubcategories);
    this.unitsOfMeasure = byId(seed.unitsOfMeasure);
    this.contacts = byId(seed.contacts);
    this.companies = byId(seed.companies);
    this.catalog = byId(seed.catalog);
    this.agreements = byId(seed.agreements);
    this.additionRows = byId(seed.additions);
    this.additions = this.additionRows;
    for (const row of this.additionRows.values()) this.index(row);
    this.nextAdditionId = Math.max(0, ...seed.additions.map((a) => a.id)) + 1;
  }

  newAdditionId(): number {
    return this.nextAdditionId++;
  }

  private index(row: AdditionRow): void {
    const ids = this.additionIdsByAgreement.get(row.agreementId) ?? new Set<number>();
    ids.add(row.id);
    this.additionIdsByAgreement.set(row.agreementId, ids);
  }

  /** Call after any change to a stored row. */
  touch(): void {
    this.version += 1;
  }

  /**
   * A serialized list, rebuilt only when the data, the base URL or the second changed. Stored
   * datetimes have whole seconds, so every status computed from "now" is the same within a second.
   */
  cachedList<T>(name: string, apiBase: string, nowMs: number, build: () => T[]): T[] {
    const key = `${this.version}|${apiBase}|${Math.floor(nowMs / 1000)}`;
    const hit = this.listCache.get(name);
    if (hit?.key === key) return hit.records as T[];
    const records = build();
    this.listCache.set(name, { key, records });
    return records;
  }

  putAddition(row: AdditionRow): void {
    this.touch();
    const previous = this.additionRows.get(row.id);
    if (previous) this.additionIdsByAgreement.get(previous.agreementId)?.delete(row.id);
    this.additionRows.set(row.id, row);
    this.index(row);
  }

  deleteAddition(id: number): void {
    const row = this.additionRows.get(id);
    if (!row) return;
    this.touch();
    this.additionRows.delete(id);
    this.additionIdsByAgreement.get(row.agreementId)?.delete(id);
  }

  additionsOf(agreementId: number): AdditionRow[] {
    const ids = this.additionIdsByAgreement.get(agreementId) ?? new Set<number>();
    return [...ids].flatMap((id) => {
      const row = this.additionRows.get(id);
      return row ? [row] : [];
    });
  }
}
