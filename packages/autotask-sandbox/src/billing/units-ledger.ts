import type { EntityDef, EntityRecord } from '../entities/entity-types.js';
import type { CandidateHint, RecordSource } from '../store/table.js';
import { addDays, dayOfWire, dayWire, type Day } from '../util/dates.js';
import { generatePeriods } from './periods.js';

/**
 * ContractServiceUnits ids are carved from a block per contract service (`csId * 1000 + n`) so rows can
 * be generated lazily — 50 000 contracts × 6 services × 24 months would not fit eagerly — while ids stay
 * stable and ascending. Period rows take 0..499, rows created by mid-period adjustments 500..999.
 */
export const unitIdBlock = 1000;
const splitOffset = 500;
export const maxPeriodsPerContract = splitOffset;

export interface ContractTerms {
  id: number;
  startDate: Day;
  endDate: Day;
  contractPeriodType: number;
}

interface ServiceLedger {
  csId: number;
  contractID: number;
  serviceID: number;
  initialUnits: number;
  unitPrice: number | null;
  unitCost: number | null;
  rows: EntityRecord[] | null;
  splits: number;
}

export class UnitsLedger implements RecordSource {
  private readonly services = new Map<number, ServiceLedger>();
  private readonly byContract = new Map<number, number[]>();

  constructor(
    readonly def: EntityDef,
    private readonly contractTerms: (contractId: number) => ContractTerms | undefined,
  ) {}

  register(cs: {
    id: number;
    contractID: number;
    serviceID: number;
    unitPrice: number | null;
    unitCost: number | null;
    initialUnits: number;
  }): void {
    this.services.set(cs.id, {
      csId: cs.id,
      contractID: cs.contractID,
      serviceID: cs.serviceID,
      initialUnits: cs.initialUnits,
      unitPrice: cs.unitPrice,
      unitCost: cs.unitCost,
      rows: null,
      splits: 0,
    });
    const list = this.byContract.get(cs.contractID);
    if (list) list.push(cs.id);
    else this.byContract.set(cs.contractID, [cs.id]);
  }

  contractServiceIds(contractId: number): readonly number[] {
    return this.byContract.get(contractId) ?? [];
  }

  rowsOf(csId: number): EntityRecord[] {
    const ledger = this.services.get(csId);
    if (!ledger) return [];
    if (ledger.rows === null) ledger.rows = this.materialise(ledger);
    return ledger.rows;
  }

  private materialise(ledger: ServiceLedger): EntityRecord[] {
    const terms = this.contractTerms(ledger.contractID);
    if (!terms) return [];
    const periods = generatePeriods(terms.startDate, terms.endDate, terms.contractPeriodType).slice(
      0,
      splitOffset,
    );
    return periods.map((p, index) =>
      this.row(
        ledger,
        ledger.csId * unitIdBlock + index,
        p.start,
        p.end,
        ledger.initialUnits,
        ledger.unitPrice,
      ),
    );
  }

  private row(
    ledger: ServiceLedger,
    id: number,
    start: Day,
    end: Day,
    units: number,
    price: number | null,
  ): EntityRecord {
    return {
      id,
      contractID: ledger.contractID,
      contractServiceID: ledger.csId,
      serviceID: ledger.serviceID,
      startDate: dayWire(start),
      endDate: dayWire(end),
      units,
      price,
      internalCurrencyPrice: price,
      cost: ledger.unitCost,
    };
  }

  get(id: number): EntityRecord | undefined {
    return this.rowsOf(Math.floor(id / unitIdBlock)).find((r) => r.id === id);
  }

  *scan(fromId: number, hint: CandidateHint): Iterable<EntityRecord> {
    for (const csId of this.candidateServices(hint)) {
      if ((csId + 1) * unitIdBlock <= fromId) continue;
      for (const row of this.rowsOf(csId)) if (row.id >= fromId) yield row;
    }
  }

  private candidateServices(hint: CandidateHint): number[] {
    const filters: number[][] = [];
    if (hint.ids) filters.push([...hint.ids].map((id) => Math.floor(id / unitIdBlock)));
    const byCs = hint.byField?.get('contractserviceid');
    if (byCs) filters.push([...byCs]);
    const byContract = hint.byField?.get('contractid');
    if (byContract) filters.push([...byContract].flatMap((c) => this.byContract.get(c) ?? []));
    const [firstFilter, ...others] = filters;
    if (firstFilter === undefined) return [...this.services.keys()];
    const otherSets = others.map((f) => new Set(f));
    return [...new Set(firstFilter)]
      .filter((id) => this.services.has(id) && otherSets.every((f) => f.has(id)))
      .sort((x, y) => x - y);
  }

  unitsOn(csId: number, day: Day): number | null {
    const row = this.rowOn(csId, day);
    return row ? Number(row.units) : null;
  }

  private rowOn(csId: number, day: Day): EntityRecord | undefined {
    return this.rowsOf(csId).find(
      (r) => dayOfWire(String(r.startDate)) <= day && day <= dayOfWire(String(r.endDate)),
    );
  }

  /** Lowest unit count in force from `day` onward, i.e. the floor an adjustment must not push below zero. */
  minUnitsFrom(csId: number, day: Day): number | null {
    let min: number | null = null;
    for (const r of this.rowsOf(csId)) {
      if (dayOfWire(String(r.endDate)) < day) continue;
      const units = Number(r.units);
      if (min === null || units < min) min = units;
    }
    return min;
  }

  /**
   * Splits the row in force on `day` (it now ends the day before, a new row starts on `day` and runs to
   * the old end) and carries the change into every later row.
   */
  apply(csId: number, day: Day, unitChange: number, newPrice: number | null): void {
    const ledger = this.services.get(csId);
    if (!ledger) throw new Error(`no ledger for contract service ${csId}`);
    const rows = this.rowsOf(csId);
    const current = this.rowOn(csId, day);
    if (!current) throw new Error(`no unit row on ${day} for contract service ${csId}`);
    const currentStart = dayOfWire(String(current.startDate));
    for (const r of rows) {
      if (r !== current && dayOfWire(String(r.startDate)) > day) {
        r.units = Number(r.units) + unitChange;
        if (newPrice !== null) r.price = r.internalCurrencyPrice = newPrice;
      }
    }
    if (currentStart === day) {
      current.units = Number(current.units) + unitChange;
      if (newPrice !== null) current.price = current.internalCurrencyPrice = newPrice;
      return;
    }
    if (ledger.splits >= unitIdBlock - splitOffset)
      throw new Error(`too many adjustments on contract service ${csId}`);
    const end = dayOfWire(String(current.endDate));
    current.endDate = dayWire(addDays(day, -1));
    const price = newPrice ?? (current.price as number | null);
    rows.push(
      this.row(
        ledger,
        csId * unitIdBlock + splitOffset + ledger.splits,
        day,
        end,
        Number(current.units) + unitChange,
        price,
      ),
    );
    ledger.splits += 1;
  }
}
