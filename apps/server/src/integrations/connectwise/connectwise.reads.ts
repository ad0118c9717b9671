/**
 * The read side of a ConnectWise connection: companies, catalog items, agreements, and their
 * additions as contract services and units. Owns the two caches a sync's reads fill and its
 * writes use: the additions hand-over (contract services → units) and the last reading of each
 * addition (the base of the next PATCH, see `connectwise.writes.ts`).
 */
import {
  err,
  ok,
  type PsaCompany,
  type PsaContract,
  type PsaContractService,
  type PsaError,
  type PsaResult,
  type PsaService,
  type PsaUnitsWindow,
} from '../../psa/psa-provider.port.js';
import type { CwClient } from './connectwise.client.js';
import {
  calendarDate,
  chunks,
  invalid,
  isAdditionInForce,
  isCalendarDate,
  lastUpdated,
  num,
  openEnd,
  parseAddition,
  ref,
  sinceCondition,
  wireIds,
  type AdditionWire,
} from './connectwise.translate.js';

export interface CwReadLimits {
  readonly idsPerQuery: number;
  readonly pageSize: number;
  readonly readConcurrency: number;
}

export class CwReads {
  readonly #client: CwClient | null;
  readonly #problem: PsaError | null;
  readonly #idsPerQuery: number;
  readonly #pageSize: number;
  readonly #readConcurrency: number;
  /**
   * The additions the last `readContractServices` read, by agreement, for the `readUnits` of the
   * same agreements that follows it in a sync (psa-view.reader.ts): each list is handed over once,
   * then dropped; the next `readContractServices` and any write to the agreement drop it too.
   */
  #handOver = new Map<number, AdditionWire[]>();
  /**
   * Quantity and product of each addition as this connection last read or wrote it: the base of the
   * next PATCH (the delta the sync sends was computed from that same reading). Dropped after any
   * failed write, so a retry without a re-read reads the addition first.
   */
  readonly #lastRead = new Map<number, { readonly quantity: number; readonly productId: number }>();

  constructor(client: CwClient | null, problem: PsaError | null, limits: CwReadLimits) {
    this.#client = client;
    this.#problem = problem;
    this.#idsPerQuery = limits.idsPerQuery;
    this.#pageSize = limits.pageSize;
    this.#readConcurrency = limits.readConcurrency;
  }

  async *listCompanies(
    options: { modifiedSince?: string } = {},
  ): AsyncIterable<PsaResult<readonly PsaCompany[]>> {
    if (this.#client === null) {
      yield err(this.#problem as PsaError);
      return;
    }
    const since = sinceCondition(options.modifiedSince);
    if (since !== null && !since.ok) {
      yield since;
      return;
    }
    const conditions = ['deletedFlag=false', ...(since === null ? [] : [since.value])].join(' and ');
    const path = this.#listPath('company/companies', conditions, 'id,name,status,deletedFlag,_info');
    for await (const page of this.#client.pages('company/companies', path)) {
      if (!page.ok) {
        yield page;
        return;
      }
      yield ok(
        page.value.flatMap((row) => {
          const id = num(row.id);
          if (id === null) return [];
          return [
            {
              id: String(id),
              name: typeof row.name === 'string' ? row.name : '',
              isActive: ref(row.status)?.name === 'Active' && row.deletedFlag !== true,
              modifiedAt: lastUpdated(row),
            },
          ];
        }),
      );
    }
  }

  async listServices(options: { modifiedSince?: string } = {}): Promise<PsaResult<readonly PsaService[]>> {
    const since = sinceCondition(options.modifiedSince);
    if (since !== null && !since.ok) return since;
    const rows = await this.#collect(
      'procurement/catalog',
      this.#listPath(
        'procurement/catalog',
        since?.value ?? null,
        'id,identifier,description,customerDescription,inactiveFlag,price,_info',
      ),
    );
    if (!rows.ok) return rows;
    return ok(
      rows.value.flatMap((row) => {
        const id = num(row.id);
        if (id === null) return [];
        const name =
          typeof row.description === 'string'
            ? row.description
            : typeof row.identifier === 'string'
              ? row.identifier
              : String(id);
        return [
          {
            id: String(id),
            name,
            description: typeof row.customerDescription === 'string' ? row.customerDescription : null,
            isActive: row.inactiveFlag !== true,
            unitPrice: num(row.price),
            modifiedAt: lastUpdated(row),
          },
        ];
      }),
    );
  }

  async readContracts(companyIds: readonly string[]): Promise<PsaResult<readonly PsaContract[]>> {
    const ids = wireIds(companyIds);
    if (!ids.ok) return ids;
    const out: PsaContract[] = [];
    for (const chunk of chunks(ids.value, this.#idsPerQuery)) {
      const rows = await this.#collect(
        'finance/agreements',
        this.#listPath(
          'finance/agreements',
          `company/id in (${chunk.join(',')})`,
          'id,name,company/id,startDate,endDate,noEndingDateFlag,cancelledFlag,agreementStatus,billingCycle',
        ),
      );
      if (!rows.ok) return rows;
      for (const row of rows.value) {
        const id = num(row.id);
        const companyId = num(ref(row.company)?.id);
        const startDate = calendarDate(row.startDate);
        if (id === null || companyId === null || startDate === null) continue;
        const cycle = ref(row.billingCycle);
        out.push({
          id: String(id),
          companyId: String(companyId),
          name: typeof row.name === 'string' ? row.name : String(id),
          // Additions bill per unit only on agreements that invoice on a cycle (not block time).
          isRecurringService: cycle !== null && cycle.name !== 'None',
          isActive: row.agreementStatus === 'Active' && row.cancelledFlag !== true,
          startDate,
          endDate: row.noEndingDateFlag === true ? openEnd : (calendarDate(row.endDate) ?? openEnd),
        });
      }
    }
    return ok(out);
  }

  /** Additions not cancelled (a cancelled addition is history, not a line we could adjust). */
  async readContractServices(
    contractIds: readonly string[],
  ): Promise<PsaResult<readonly PsaContractService[]>> {
    const ids = wireIds(contractIds);
    if (!ids.ok) return ids;
    this.#handOver = new Map();
    const additions = await this.#additions(ids.value);
    if (!additions.ok) return additions;
    for (const a of additions.value)
      this.#handOver.set(a.agreementId, [...(this.#handOver.get(a.agreementId) ?? []), a]);
    // Agreements without additions are handed over too (as empty lists).
    for (const id of ids.value) if (!this.#handOver.has(id)) this.#handOver.set(id, []);
    return ok(
      additions.value
        .filter((a) => a.cancelledDate === null)
        .map((a) => ({
          id: String(a.id),
          contractId: String(a.agreementId),
          serviceId: String(a.productId),
        })),
    );
  }

  async readUnits(
    contractIds: readonly string[],
    onDate: string,
  ): Promise<PsaResult<readonly PsaUnitsWindow[]>> {
    if (!isCalendarDate(onDate)) return err(invalid('onDate must be a calendar date YYYY-MM-DD.', onDate));
    const ids = wireIds(contractIds);
    if (!ids.ok) return ids;
    const handed: AdditionWire[] = [];
    const toRead: number[] = [];
    for (const id of new Set(ids.value)) {
      const list = this.#handOver.get(id);
      this.#handOver.delete(id);
      if (list === undefined) toRead.push(id);
      else handed.push(...list);
    }
    const additions = await this.#additions(toRead);
    if (!additions.ok) return additions;
    return ok(
      [...handed, ...additions.value]
        .filter((a) => isAdditionInForce(a, onDate))
        .map((a) => ({
          id: String(a.id),
          contractServiceId: String(a.id),
          contractId: String(a.agreementId),
          serviceId: String(a.productId),
          startDate: a.effectiveDate ?? onDate,
          endDate: a.cancelledDate ?? openEnd,
          units: a.quantity,
          unitPrice: a.unitPrice,
          ...(a.lessIncluded > 0 ? { includedUnits: a.lessIncluded } : {}),
        })),
    );
  }

  /** A write to the agreement makes its handed-over list stale. */
  dropHandOver(agreementId: number): void {
    this.#handOver.delete(agreementId);
  }

  /** The addition as last read or written, forgotten as it is taken (a failed write must re-read). */
  takeLastRead(additionId: number): { readonly quantity: number; readonly productId: number } | undefined {
    const addition = this.#lastRead.get(additionId);
    this.#lastRead.delete(additionId);
    return addition;
  }

  remember(a: AdditionWire): void {
    this.#lastRead.set(a.id, { quantity: a.quantity, productId: a.productId });
  }

  async #additions(agreementIds: readonly number[]): Promise<PsaResult<AdditionWire[]>> {
    // ConnectWise lists additions only under their agreement: one (paged) query per agreement, a
    // few in flight; results in the order asked.
    const unique = [...new Set(agreementIds)];
    const lists: (AdditionWire[] | undefined)[] = [];
    const state: { failure: PsaError | null; next: number } = { failure: null, next: 0 };
    const worker = async (): Promise<void> => {
      while (state.failure === null && state.next < unique.length) {
        const index = state.next++;
        const agreementId = unique[index] ?? 0;
        const rows = await this.#collect(
          'finance/agreements/additions',
          this.#listPath(
            `finance/agreements/${agreementId}/additions`,
            null,
            'id,agreementId,product/id,quantity,lessIncluded,unitPrice,effectiveDate,cancelledDate',
          ),
        );
        if (!rows.ok) {
          if (rows.error.code !== 'not_found') state.failure ??= rows.error;
          continue;
        }
        const list: AdditionWire[] = [];
        for (const row of rows.value) {
          const a = parseAddition(row, agreementId);
          if (a !== null) list.push(a);
        }
        lists[index] = list;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#readConcurrency, unique.length) }, worker));
    if (state.failure !== null) return err(state.failure);
    const out = lists.flatMap((list) => list ?? []);
    for (const a of out) this.remember(a);
    return ok(out);
  }

  #listPath(collection: string, conditions: string | null, fields: string): string {
    const query = new URLSearchParams();
    if (conditions !== null) query.set('conditions', conditions);
    query.set('fields', fields);
    query.set('orderBy', 'id asc');
    query.set('pageSize', String(this.#pageSize));
    query.set('page', '1');
    return `${collection}?${query.toString()}`;
  }

  async #collect(entity: string, path: string): Promise<PsaResult<Record<string, unknown>[]>> {
    if (this.#client === null) return err(this.#problem as PsaError);
    const out: Record<string, unknown>[] = [];
    for await (const page of this.#client.pages(entity, path)) {
      if (!page.ok) return page;
      out.push(...page.value);
    }
    return ok(out);
  }
}
