/**
 * ConnectWise PSA behind the port: companies and catalog items as lookups, agreements as
 * contracts, agreement additions as contract services whose `quantity` is the units in force.
 * A unit change edits the owned addition's quantity in place (ADR 0013), never retried blindly.
 *
 * Calls (bench/connectwise-sync.bench.ts): ConnectWise lists additions only under their agreement,
 * so a sync costs one additions query per agreement. The sync asks for a chunk's contract services
 * and then its units, both made of the same additions: the list read for the first is handed to the
 * second once, not read twice. A write PATCHes the quantity this connection last read plus the
 * delta, without reading the addition again first; it re-reads only when it has no such reading.
 */
import type {
  PsaBudget,
  PsaCompany,
  PsaConnection,
  PsaConnectionOptions,
  PsaContract,
  PsaContractService,
  PsaCredentials,
  PsaError,
  PsaProvider,
  PsaResult,
  PsaService,
  PsaUnitAdjustment,
  PsaUnitsWindow,
  PsaVerification,
} from '../../psa/psa-provider.port.js';
import { err, ok } from '../../psa/psa-provider.port.js';
import { CwClient, cwMaxPageSize, type CwClientOptions } from './connectwise.client.js';
import { decodeCwCredentials } from './connectwise.credentials.js';
import { classifyCwFailure } from './connectwise.errors.js';
import { connectwiseGuide } from './connectwise.guide.js';

export interface ConnectWiseProviderConfig {
  /** PEM of extra CAs to trust, e.g. the sandbox's self-signed certificate (never disables checks). */
  readonly ca?: string;
  readonly requestTimeoutMs?: number;
  readonly maxAttempts?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly maxRetryAfterMs?: number;
  /** Ids per `in (...)` list: keeps URLs well under ConnectWise's 2,000 characters. */
  readonly idsPerQuery?: number;
  readonly pageSize?: number;
  /** Additions queries in flight at once (one per agreement; ConnectWise asks to limit parallelism). */
  readonly readConcurrency?: number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ConnectWiseProvider extends PsaProvider {
  readonly kind: 'connectwise';
}

export function createConnectWiseProvider(config: ConnectWiseProviderConfig = {}): ConnectWiseProvider {
  return {
    kind: 'connectwise',
    guide: connectwiseGuide,
    connect: (credentials, options) => new ConnectWiseConnection(credentials, options, config),
  };
}

/** ConnectWise's lenient "no end" for agreements with `noEndingDateFlag`. */
const openEnd = '9999-12-31';
const calendarDate = (value: unknown): string | null =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
/** A real day: Date.parse accepts 2026-02-30 (it rolls over), so the date must round-trip. */
const isCalendarDate = (value: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) &&
  !Number.isNaN(Date.parse(value)) &&
  new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const ref = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
const invalid = (message: string, detail?: string): PsaError => ({
  code: 'validation_failed',
  message,
  advice: 'This is a bug in the connector; contact support.',
  ...(detail === undefined ? {} : { detail }),
});

/** Wire ids are integers; anything else cannot name a ConnectWise record. */
function wireIds(ids: readonly string[]): PsaResult<number[]> {
  const out: number[] = [];
  for (const id of ids) {
    if (!/^\d{1,15}$/.test(id)) return err(invalid('ConnectWise ids are positive integers.', id));
    out.push(Number(id));
  }
  return ok(out);
}

interface AdditionWire {
  readonly id: number;
  readonly agreementId: number;
  readonly productId: number;
  readonly quantity: number;
  readonly unitPrice: number | null;
  /** Units billed at nothing: ConnectWise bills `quantity - lessIncluded` (reference: Addition model). */
  readonly lessIncluded: number;
  readonly effectiveDate: string | null;
  readonly cancelledDate: string | null;
}

function parseAddition(row: Record<string, unknown>, agreementId: number): AdditionWire | null {
  const id = num(row.id);
  const productId = num(ref(row.product)?.id);
  const quantity = num(row.quantity);
  if (id === null || productId === null || quantity === null) return null;
  return {
    id,
    agreementId: num(row.agreementId) ?? agreementId,
    productId,
    quantity,
    unitPrice: num(row.unitPrice),
    lessIncluded: Math.max(0, num(row.lessIncluded) ?? 0),
    effectiveDate: calendarDate(row.effectiveDate),
    cancelledDate: calendarDate(row.cancelledDate),
  };
}

/** In force on `date`: effective on or before it, not cancelled on or before it. */
export const isAdditionInForce = (a: AdditionWire, date: string): boolean =>
  (a.effectiveDate === null || a.effectiveDate <= date) &&
  (a.cancelledDate === null || a.cancelledDate > date);

export class ConnectWiseConnection implements PsaConnection {
  readonly guide = connectwiseGuide;
  readonly #client: CwClient | null;
  readonly #problem: PsaError | null;
  readonly #idsPerQuery: number;
  readonly #pageSize: number;
  readonly #site: string;
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

  constructor(credentials: PsaCredentials, options: PsaConnectionOptions, config: ConnectWiseProviderConfig) {
    this.#idsPerQuery = Math.max(1, config.idsPerQuery ?? 150);
    this.#pageSize = Math.min(cwMaxPageSize, Math.max(1, config.pageSize ?? cwMaxPageSize));
    this.#readConcurrency = Math.max(1, config.readConcurrency ?? 3);
    const decoded = decodeCwCredentials(credentials);
    const clientOptions: CwClientOptions = {
      requestTimeoutMs: config.requestTimeoutMs ?? 30_000,
      maxAttempts: config.maxAttempts ?? 4,
      backoffBaseMs: config.backoffBaseMs ?? 500,
      backoffMaxMs: config.backoffMaxMs ?? 30_000,
      maxRetryAfterMs: config.maxRetryAfterMs ?? 120_000,
      random: config.random ?? Math.random,
      sleep: config.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      ...(config.ca === undefined ? {} : { ca: config.ca }),
      ...(options.onCall === undefined ? {} : { onCall: options.onCall }),
    };
    this.#client = decoded.ok ? new CwClient(decoded.login, clientOptions) : null;
    this.#problem = decoded.ok ? null : decoded.error;
    this.#site = decoded.ok ? decoded.login.site : '';
  }

  /**
   * Like CONNECT for Autotask: discovery (unknown company), system/info (keys, clientId), then one
   * row of each area we need, so a role missing Companies, Catalog or Agreements fails now.
   */
  async verify(): Promise<PsaResult<PsaVerification>> {
    const client = this.#client;
    if (client === null) return err(this.#problem as PsaError);
    const found = await client.discover();
    if (!found.ok) return found;
    const info = await client.call({
      entity: 'system/info',
      method: 'GET',
      path: 'system/info',
      isIdempotent: true,
    });
    if (!info.ok) return info;
    for (const path of ['company/companies', 'procurement/catalog', 'finance/agreements']) {
      const probe = await client.call({
        entity: path,
        method: 'GET',
        path: `${path}?pageSize=1&fields=id`,
        isIdempotent: true,
      });
      if (!probe.ok) return probe;
    }
    return ok({
      zoneName: this.#site,
      tenantId: `${this.#site}/${found.value.companyId.toLowerCase()}`,
      currency: null,
    });
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

  /**
   * The port speaks deltas; ConnectWise stores an absolute quantity. We PATCH `quantity` to the
   * quantity this connection last read (the reading the sync computed the delta from; the addition
   * is read first only when there is none) + delta. ConnectWise has no conditional PATCH, so an edit
   * made in ConnectWise between that reading and the PATCH is not detected either way; the target
   * the sync computed is what lands. A PATCH that may have been applied comes back `isAmbiguous`
   * (the client never repeats it), so the ledger re-reads before deciding.
   * Without a `contractServiceId` the product is added as a new addition from the effective date.
   */
  async createUnitAdjustment(adjustment: PsaUnitAdjustment): Promise<PsaResult<{ readonly id: string }>> {
    const client = this.#client;
    if (client === null) return err(this.#problem as PsaError);
    if (!isCalendarDate(adjustment.effectiveDate))
      return err(invalid('effectiveDate must be a calendar date YYYY-MM-DD.', adjustment.effectiveDate));
    if (!Number.isSafeInteger(adjustment.unitChange) || adjustment.unitChange === 0)
      return err(invalid('unitChange must be a non-zero integer.', String(adjustment.unitChange)));
    const ids = wireIds(
      adjustment.contractServiceId === undefined
        ? [adjustment.contractId, adjustment.serviceId]
        : [adjustment.contractId, adjustment.serviceId, adjustment.contractServiceId],
    );
    if (!ids.ok) return ids;
    const [agreementId = 0, productId = 0, additionId] = ids.value;
    const base = `finance/agreements/${agreementId}/additions`;
    this.#handOver.delete(agreementId);
    if (additionId === undefined) {
      if (adjustment.unitChange < 0)
        return err(invalid('A new addition cannot start with fewer than zero units.'));
      const created = await client.call({
        entity: 'finance/agreements/additions',
        method: 'POST',
        path: base,
        body: {
          product: { id: productId },
          quantity: adjustment.unitChange,
          billCustomer: 'Billable',
          effectiveDate: `${adjustment.effectiveDate}T00:00:00Z`,
        },
        isIdempotent: false,
      });
      if (!created.ok) return created;
      const id = num(ref(created.value)?.id);
      return id === null
        ? err({ ...classifyCwFailure({ kind: 'garbage', what: 'addition without id' }), isAmbiguous: true })
        : ok({ id: String(id) });
    }
    let addition = this.#lastRead.get(additionId);
    this.#lastRead.delete(additionId);
    if (addition === undefined) {
      const current = await client.call({
        entity: 'finance/agreements/additions',
        method: 'GET',
        path: `${base}/${additionId}`,
        isIdempotent: true,
      });
      if (!current.ok) return current;
      const read = parseAddition(ref(current.value) ?? {}, agreementId);
      if (read === null) return err(classifyCwFailure({ kind: 'garbage', what: 'addition unreadable' }));
      addition = read;
    }
    if (addition.productId !== productId)
      return err(invalid('The addition holds another product.', String(addition.productId)));
    const quantity = addition.quantity + adjustment.unitChange;
    if (quantity < 0)
      return err(invalid('The change would leave the addition below zero units.', String(quantity)));
    const patched = await client.call({
      entity: 'finance/agreements/additions',
      method: 'PATCH',
      path: `${base}/${additionId}`,
      body: [{ op: 'replace', path: 'quantity', value: quantity }],
      isIdempotent: false,
    });
    if (!patched.ok) return patched;
    // What ConnectWise now holds is the base of a later write in this run (another date's line).
    const written = parseAddition(ref(patched.value) ?? {}, agreementId);
    if (written !== null) this.#remember(written);
    return ok({ id: String(additionId) });
  }

  /** ConnectWise publishes no budget; we report our own count against its documented 1,000/min. */
  budget(): Promise<PsaResult<PsaBudget>> {
    const made = this.#client?.requestCount ?? 0;
    return Promise.resolve(ok({ limit: 1000, used: made, windowMinutes: 1, madeByUs: made }));
  }

  close(): Promise<void> {
    this.#client?.close();
    return Promise.resolve();
  }

  #remember(a: AdditionWire): void {
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
    for (const a of out) this.#remember(a);
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

function lastUpdated(row: Record<string, unknown>): string | null {
  const value = ref(row._info)?.lastUpdated;
  return typeof value === 'string' ? value : null;
}

function sinceCondition(since: string | undefined): PsaResult<string> | null {
  if (since === undefined) return null;
  const at = Date.parse(since);
  if (Number.isNaN(at)) return err(invalid('modifiedSince must be an ISO-8601 instant.', since));
  // ConnectWise rejects offsets other than Z (UnsupportedFormat): always send UTC.
  return ok(`lastUpdated > [${new Date(at).toISOString()}]`);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
