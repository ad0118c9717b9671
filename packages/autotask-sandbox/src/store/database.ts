import { UnitsLedger, type ContractTerms } from '../billing/units-ledger.js';
import type { EntityRecord } from '../entities/entity-types.js';
import { entities, requireEntity } from '../entities/schema.js';
import { dayOfWire } from '../util/dates.js';
import { Table, type RecordSource } from './table.js';
import { UdfStore } from './udfs.js';

export interface AdjustmentRecord {
  id: number;
  contractID: number;
  serviceID: number;
  contractServiceID: number;
  unitChange: number;
  /** As stored: the tenant-local calendar day at midnight, `YYYY-MM-DDT00:00:00Z`. */
  effectiveDate: string;
  adjustedUnitPrice: number | null;
  /** Sandbox clock when the create was committed. */
  receivedAt: string;
}

export interface RejectedAdjustment {
  body: unknown;
  error: string;
}

/** Where each table's ids start: distinct ranges make a client that mixes up ids fail loudly. */
const firstIds: Record<string, number> = {
  Companies: 174,
  Resources: 29682885,
  BillingCodes: 29682801,
  Services: 201,
  ServiceBundles: 301,
  ServiceBundleServices: 401,
  Contracts: 1001,
  ContractServices: 5001,
  ContractServiceAdjustments: 9001,
  ConfigurationItems: 100001,
};

/** Foreign keys that are read-only after create, so an index on them never goes stale. */
const indexedFields: Record<string, readonly string[]> = {
  Contracts: ['companyID'],
  ContractServices: ['contractID'],
  ServiceBundleServices: ['serviceBundleID'],
  ConfigurationItems: ['companyID'],
};

export class Database {
  private readonly tables = new Map<string, Table>();
  readonly units: UnitsLedger;
  readonly adjustmentLog: AdjustmentRecord[] = [];
  readonly rejectedAdjustments: RejectedAdjustment[] = [];
  readonly udfs = new UdfStore();

  constructor() {
    for (const def of entities.values()) {
      if (def.name === 'ContractServiceUnits') continue;
      this.tables.set(
        def.name.toLowerCase(),
        new Table(def, firstIds[def.name] ?? 1, indexedFields[def.name]),
      );
    }
    this.units = new UnitsLedger(requireEntity('ContractServiceUnits'), (id) => this.contractTerms(id));
  }

  table(name: string): Table {
    const table = this.tables.get(name.toLowerCase());
    if (!table) throw new Error(`no table ${name}`);
    return table;
  }

  source(name: string): RecordSource {
    return name.toLowerCase() === 'contractserviceunits' ? this.units : this.table(name);
  }

  get(name: string, id: number): EntityRecord | undefined {
    return this.source(name).get(id);
  }

  contractTerms(contractId: number): ContractTerms | undefined {
    const c = this.table('Contracts').get(contractId);
    if (!c || typeof c.startDate !== 'string' || typeof c.endDate !== 'string') return undefined;
    if (typeof c.contractPeriodType !== 'number') return undefined;
    return {
      id: c.id,
      startDate: dayOfWire(c.startDate),
      endDate: dayOfWire(c.endDate),
      contractPeriodType: c.contractPeriodType,
    };
  }

  contractServiceFor(contractId: number, serviceId: number): EntityRecord | undefined {
    const services = this.table('ContractServices');
    for (const csId of this.units.contractServiceIds(contractId)) {
      const cs = services.get(csId);
      if (cs?.serviceID === serviceId) return cs;
    }
    return undefined;
  }

  addContractService(record: EntityRecord, initialUnits: number): EntityRecord {
    this.table('ContractServices').insert(record);
    this.units.register({
      id: record.id,
      contractID: Number(record.contractID),
      serviceID: Number(record.serviceID),
      unitPrice: typeof record.unitPrice === 'number' ? record.unitPrice : null,
      unitCost: typeof record.unitCost === 'number' ? record.unitCost : null,
      initialUnits,
    });
    return record;
  }
}
