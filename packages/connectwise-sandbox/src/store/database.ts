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
  readonly additions: Map<number, AdditionRow>;
  readonly writes: WriteRecord[] = [];
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
    this.additions = byId(seed.additions);
    this.nextAdditionId = Math.max(0, ...seed.additions.map((a) => a.id)) + 1;
  }

  newAdditionId(): number {
    return this.nextAdditionId++;
  }

  additionsOf(agreementId: number): AdditionRow[] {
    return [...this.additions.values()].filter((a) => a.agreementId === agreementId);
  }
}
