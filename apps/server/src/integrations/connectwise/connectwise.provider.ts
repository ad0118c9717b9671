/**
 * ConnectWise PSA behind the port: companies and catalog items as lookups, agreements as
 * contracts, agreement additions as contract services whose `quantity` is the units in force.
 * A unit change edits the owned addition's quantity in place (ADR 0013), never retried blindly.
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

  constructor(credentials: PsaCredentials, options: PsaConnectionOptions, config: ConnectWiseProviderConfig) {
    this.#idsPerQuery = Math.max(1, config.idsPerQuery ?? 150);
    this.#pageSize = Math.min(cwMaxPageSize, Math.max(1, config.pageSize ?? cwMaxPageSize));
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
    const additions = await this.#additions(contractIds);
    if (!additions.ok) return additions;
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
    const additions = await this.#additions(contractIds);
    if (!additions.ok) return additions;
    return ok(
      additions.value
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
   * The port speaks deltas; ConnectWise stores an absolute quantity. We read the addition, then
   * PATCH `quantity` to current + delta. A PATCH that may have been applied comes back
   * `isAmbiguous` (the client never repeats it), so the ledger re-reads before deciding.
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
    const current = await client.call({
      entity: 'finance/agreements/additions',
      method: 'GET',
      path: `${base}/${additionId}`,
      isIdempotent: true,
    });
    if (!current.ok) return current;
    const addition = parseAddition(ref(current.value) ?? {}, agreementId);
    if (addition === null) return err(classifyCwFailure({ kind: 'garbage', what: 'addition unreadable' }));
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

  async #additions(contractIds: readonly string[]): Promise<PsaResult<AdditionWire[]>> {
    const ids = wireIds(contractIds);
    if (!ids.ok) return ids;
    const out: AdditionWire[] = [];
    // ConnectWise lists additions only under their agreement: one (paged) query per agreement.
    for (const agreementId of new Set(ids.value)) {
      const rows = await this.#collect(
        'finance/agreements/additions',
        this.#listPath(
          `finance/agreements/${agreementId}/additions`,
          null,
          'id,agreementId,product/id,quantity,lessIncluded,unitPrice,effectiveDate,cancelledDate',
        ),
      );
      if (!rows.ok) {
        if (rows.error.code === 'not_found') continue;
        return rows;
      }
      for (const row of rows.value) {
        const a = parseAddition(row, agreementId);
        if (a !== null) out.push(a);
      }
    }
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
