/**
 * The Autotask implementation of the PSA port. Translates between the product's words (strings
 * ids, calendar dates) and Autotask's (numeric ids, date-only datetimes, picklist integers) and
 * fans batch reads out into ≤ 500-value chunks; the transport does the rest.
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleepTimer } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import {
  err,
  ok,
  type PsaBudget,
  type PsaCompany,
  type PsaConnection,
  type PsaConnectionOptions,
  type PsaContract,
  type PsaContractService,
  type PsaCredentials,
  type PsaError,
  type PsaProvider,
  type PsaResult,
  type PsaService,
  type PsaUnitAdjustment,
  type PsaUnitsWindow,
  type PsaVerification,
} from '../../psa/psa-provider.port.js';
import {
  AutotaskClient,
  apiVersionPath,
  createAutotaskAgent,
  defaultDiscoveryBaseUrl,
  silentLogger,
  ZoneCache,
  type AutotaskLogger,
  type TenantLimits,
} from './autotask.client.js';
import { classifyFailure } from './autotask.errors.js';
import { autotaskGuide } from './autotask.guide.js';
import {
  autotaskThreadLimit,
  BudgetPacer,
  defaultBudgetPacerOptions,
  EntityQueues,
  type BudgetPacerOptions,
  type Clock,
} from './autotask.limits.js';
import { buildQuery, chunk, f, type Filter } from './autotask.query.js';
import { defaultRetryPolicy, type RetryPolicy } from './autotask.retry.js';
import {
  includeFields,
  parseCompany,
  parseContract,
  parseContractService,
  parseCurrency,
  parseContractServiceUnit,
  parseItemId,
  parseService,
  type ContractServiceAdjustmentCreateWire,
  type ContractServiceUnitWire,
  type PicklistValue,
  parseFieldPicklist,
} from './autotask.schemas.js';

/** Documented values (Contracts.contractType 7, Contracts.status 1), used when metadata is unreadable. */
export const recurringServiceContractType = 7;
export const activeContractStatus = 1;

export interface ContractPicklists {
  readonly recurringServiceTypes: ReadonlySet<number>;
  readonly activeStatuses: ReadonlySet<number>;
}

export const documentedContractPicklists: ContractPicklists = {
  recurringServiceTypes: new Set([recurringServiceContractType]),
  activeStatuses: new Set([activeContractStatus]),
};

/**
 * Picklists "may vary between Autotask implementations": resolve by label from the tenant's own
 * metadata, keeping the documented value when the label is not found.
 */
export function resolveContractPicklists(
  contractType: readonly PicklistValue[] | null,
  status: readonly PicklistValue[] | null,
): ContractPicklists {
  const byLabel = (
    values: readonly PicklistValue[] | null,
    pattern: RegExp,
    fallback: number,
  ): Set<number> => {
    const found = (values ?? []).filter((v) => pattern.test(v.label.trim())).map((v) => v.value);
    return new Set(found.length > 0 ? found : [fallback]);
  };
  return {
    recurringServiceTypes: byLabel(contractType, /^recurring service$/i, recurringServiceContractType),
    activeStatuses: byLabel(status, /^active$/i, activeContractStatus),
  };
}

export interface AutotaskProviderConfig {
  /** Where zone discovery starts. Default `https://webservices2.autotask.net/ATServicesRest/`. */
  readonly discoveryBaseUrl?: string;
  /** Response-headers and body-gap timeout per request. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** TCP/TLS connect timeout. Default 10 000. */
  readonly connectTimeoutMs?: number;
  /** Idle keep-alive socket lifetime. Default 30 000. */
  readonly keepAliveTimeoutMs?: number;
  /** Sets `SSL_OP_LEGACY_SERVER_CONNECT` (see docs/autotask.md). Default false. */
  readonly allowLegacyTlsRenegotiation?: boolean;
  /** How long a discovered zone is trusted before it is looked up again. Default 1 h. */
  readonly zoneTtlMs?: number;
  /** Total attempts per idempotent call. Default 5. */
  readonly maxAttempts?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  readonly maxRetryAfterMs?: number;
  /** In-flight requests per (tenant database, tracking identifier, entity). Capped at Autotask's 3. */
  readonly concurrencyPerEntity?: number;
  /** Share of the tenant's hourly budget all our connectors of that tenant may use together. Default 0.5. */
  readonly budgetShare?: number;
  /** Usage fraction at which requests start being spaced out. Default 0.5. */
  readonly slowdownFrom?: number;
  /** Re-read ThresholdInformation every N of our calls or M ms. Defaults 100 / 60 000. */
  readonly thresholdEveryCalls?: number;
  readonly thresholdEveryMs?: number;
  /** Wait before re-checking when the tenant is at 100 % of its budget. Default 60 000. */
  readonly exhaustedRecheckMs?: number;
  readonly logger?: AutotaskLogger;
  /** Time source; tests inject a virtual clock. */
  readonly clock?: Clock;
  /** [0, 1) for retry jitter. */
  readonly random?: () => number;
  /** Use an existing undici dispatcher instead of the provider's own Agent. */
  readonly dispatcher?: Dispatcher;
}

export interface AutotaskProvider extends PsaProvider {
  readonly kind: 'autotask';
  /** Closes the provider's HTTP agent (process shutdown, tests). */
  close(): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    if (ms <= 0) return;
    await sleepTimer(ms, undefined, { signal });
  },
};

const defaultRandom = (): number => randomInt(0, 1_000_000) / 1_000_000;

/**
 * @example
 * const provider = createAutotaskProvider({ logger: pino() });
 * const connection = provider.connect(credentials, { connectorId });
 * const verified = await connection.verify();
 */
export function createAutotaskProvider(config: AutotaskProviderConfig = {}): AutotaskProvider {
  const ownsAgent = config.dispatcher === undefined;
  const agent =
    config.dispatcher ??
    createAutotaskAgent({
      connectTimeoutMs: config.connectTimeoutMs ?? 10_000,
      requestTimeoutMs: config.requestTimeoutMs ?? 30_000,
      keepAliveTimeoutMs: config.keepAliveTimeoutMs ?? 30_000,
      allowLegacyTlsRenegotiation: config.allowLegacyTlsRenegotiation ?? false,
    });
  const clock = config.clock ?? systemClock;
  const zoneCache = new ZoneCache();
  const retry: RetryPolicy = {
    maxAttempts: config.maxAttempts ?? defaultRetryPolicy.maxAttempts,
    baseDelayMs: config.backoffBaseMs ?? defaultRetryPolicy.baseDelayMs,
    maxDelayMs: config.backoffMaxMs ?? defaultRetryPolicy.maxDelayMs,
    maxRetryAfterMs: config.maxRetryAfterMs ?? defaultRetryPolicy.maxRetryAfterMs,
    random: config.random ?? defaultRandom,
  };
  const pacerOptions: BudgetPacerOptions = {
    ...defaultBudgetPacerOptions,
    share: config.budgetShare ?? defaultBudgetPacerOptions.share,
    slowdownFrom: config.slowdownFrom ?? defaultBudgetPacerOptions.slowdownFrom,
    refreshEveryCalls: config.thresholdEveryCalls ?? defaultBudgetPacerOptions.refreshEveryCalls,
    refreshEveryMs: config.thresholdEveryMs ?? defaultBudgetPacerOptions.refreshEveryMs,
    exhaustedRecheckMs: config.exhaustedRecheckMs ?? defaultBudgetPacerOptions.exhaustedRecheckMs,
  };
  // Limits belong to the tenant database (zone `ci`), not to a connection nor to a connector: two
  // connectors of one MSP's Autotask share its 3 threads per endpoint and its hourly budget, so
  // however many syncs a worker runs at once, together they stay inside the tenant's limits.
  // Per process: workers on other hosts each keep their own (ADR 0015).
  const limits = new Map<string, TenantLimits>();
  const limitsFor = (tenantKey: string): TenantLimits => {
    let entry = limits.get(tenantKey);
    if (entry === undefined) {
      entry = {
        queues: new EntityQueues(config.concurrencyPerEntity ?? autotaskThreadLimit),
        pacer: new BudgetPacer(pacerOptions, clock),
      };
      limits.set(tenantKey, entry);
    }
    return entry;
  };

  return {
    kind: 'autotask',
    guide: autotaskGuide,
    connect(credentials: PsaCredentials, options: PsaConnectionOptions): PsaConnection {
      const client = new AutotaskClient({
        agent,
        credentials,
        connectorId: options.connectorId,
        discoveryBaseUrl: config.discoveryBaseUrl ?? defaultDiscoveryBaseUrl,
        zoneTtlMs: config.zoneTtlMs ?? 60 * 60_000,
        zoneCache,
        limitsFor,
        retry,
        clock,
        logger: config.logger ?? silentLogger,
        onCall: options.onCall,
        onPace: options.onPace,
      });
      return new AutotaskConnection(client);
    },
    async close(): Promise<void> {
      if (ownsAgent) await agent.close();
    },
  };
}

const invalid = (message: string, detail?: string): PsaError => ({
  code: 'validation_failed',
  message,
  advice: 'This is a bug in the caller: fix the input.',
  ...(detail === undefined ? {} : { detail }),
});

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** Autotask ids are numbers on the wire; the port's ids are opaque strings. */
function toWireIds(ids: readonly string[]): PsaResult<number[]> {
  const out: number[] = [];
  for (const id of ids) {
    if (!/^\d+$/.test(id) || !Number.isSafeInteger(Number(id)))
      return err(invalid('Invalid Autotask id.', id));
    out.push(Number(id));
  }
  return ok(out);
}

function isCalendarDate(value: string): boolean {
  if (!datePattern.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(value);
}

/** Undefined (no filter) or an ISO-8601 date/instant; Autotask compares datetimes in UTC. */
function isInstant(value: string | undefined): boolean {
  return value === undefined || (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)));
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Autotask returns date-only fields as the tenant-local calendar date at `T00:00:00Z`; the date
 * part IS the calendar date (no time-zone conversion on the way out).
 */
const calendarDate = (wire: string): string => wire.slice(0, 10);

export class AutotaskConnection implements PsaConnection {
  readonly guide = autotaskGuide;
  readonly #client: AutotaskClient;
  #contractPicklists: Promise<ContractPicklists> | null = null;

  constructor(client: AutotaskClient) {
    this.#client = client;
  }

  /**
   * Fresh zone discovery (proves the username), then ThresholdInformation: the cheapest
   * authenticated call (tiny body, no entity permission needed, so it tests exactly the three
   * credentials) and it primes the budget pacer with the tenant's current usage. Last, the
   * tenant's internal currency (what every price is in), for the money impact of a sync.
   */
  async verify(): Promise<PsaResult<PsaVerification>> {
    const zone = await this.#client.zone(true);
    if (!zone.ok) return zone;
    const threshold = await this.#client.threshold();
    if (!threshold.ok) return threshold;
    const currency = await this.#readInternalCurrency();
    if (!currency.ok) return currency;
    return ok({ zoneName: zone.value.zoneName, tenantId: String(zone.value.ci), currency: currency.value });
  }

  /**
   * The currency is a label, not a precondition: an API user whose security level hides
   * Currencies, or a tenant without an internal one, still connects (amounts are then shown
   * without a code). Other failures are real and fail the verification like any read.
   */
  async #readInternalCurrency(): Promise<PsaResult<string | null>> {
    const rows = await this.#collect(
      'Currencies',
      [f.eq('isInternalCurrency', true)],
      includeFields.Currencies,
      parseCurrency,
    );
    if (!rows.ok) return rows.error.code === 'permission_denied' ? ok(null) : rows;
    return ok(rows.value[0]?.name ?? null);
  }

  async *listCompanies(
    options: { modifiedSince?: string } = {},
  ): AsyncIterable<PsaResult<readonly PsaCompany[]>> {
    if (!isInstant(options.modifiedSince)) {
      yield err(invalid('modifiedSince must be an ISO-8601 instant.', options.modifiedSince));
      return;
    }
    const filter =
      options.modifiedSince === undefined
        ? f.exist('id')
        : f.gt('lastTrackedModifiedDateTime', options.modifiedSince);
    for await (const page of this.#client.query(
      'Companies',
      buildQuery({ filters: [filter], includeFields: includeFields.Companies }),
    )) {
      if (!page.ok) {
        yield page;
        return;
      }
      const companies = mapAll(page.value, parseCompany, 'Companies');
      if (!companies.ok) {
        yield companies;
        return;
      }
      yield ok(
        companies.value.map((c) => ({
          id: String(c.id),
          name: c.companyName,
          isActive: c.isActive,
          modifiedAt: c.lastTrackedModifiedDateTime,
        })),
      );
    }
  }

  async listServices(options: { modifiedSince?: string } = {}): Promise<PsaResult<readonly PsaService[]>> {
    if (!isInstant(options.modifiedSince)) {
      return err(invalid('modifiedSince must be an ISO-8601 instant.', options.modifiedSince));
    }
    const filter =
      options.modifiedSince === undefined ? f.exist('id') : f.gt('lastModifiedDate', options.modifiedSince);
    const rows = await this.#collect('Services', [filter], includeFields.Services, parseService);
    if (!rows.ok) return rows;
    return ok(
      rows.value.map((s) => ({
        id: String(s.id),
        name: s.name,
        description: s.description,
        isActive: s.isActive,
        unitPrice: s.unitPrice,
        modifiedAt: s.lastModifiedDate,
      })),
    );
  }

  async readContracts(companyIds: readonly string[]): Promise<PsaResult<readonly PsaContract[]>> {
    if (companyIds.length === 0) return ok([]);
    const wire = toWireIds(companyIds);
    if (!wire.ok) return wire;
    const [rows, picklists] = await Promise.all([
      this.#inChunks(companyIds, (ids) =>
        this.#collect('Contracts', [f.in('companyID', ids)], includeFields.Contracts, parseContract),
      ),
      this.#readContractPicklists(),
    ]);
    if (!rows.ok) return rows;
    return ok(
      rows.value.map((c) => ({
        id: String(c.id),
        companyId: String(c.companyID),
        name: c.contractName,
        isRecurringService: picklists.recurringServiceTypes.has(c.contractType),
        isActive: picklists.activeStatuses.has(c.status),
        startDate: calendarDate(c.startDate),
        endDate: calendarDate(c.endDate),
      })),
    );
  }

  /** Once per connection; on any failure the documented values apply (the read itself must not fail for it). */
  #readContractPicklists(): Promise<ContractPicklists> {
    this.#contractPicklists ??= this.#client
      .call({
        entity: 'Contracts',
        endpoint: 'Contracts/entityInformation/fields',
        method: 'GET',
        path: `${apiVersionPath}Contracts/entityInformation/fields`,
        isIdempotent: true,
        isPaced: true,
      })
      .then((response) =>
        response.ok
          ? resolveContractPicklists(
              parseFieldPicklist(response.value, 'contractType'),
              parseFieldPicklist(response.value, 'status'),
            )
          : documentedContractPicklists,
      );
    return this.#contractPicklists;
  }

  async readContractServices(
    contractIds: readonly string[],
  ): Promise<PsaResult<readonly PsaContractService[]>> {
    const rows = await this.#inChunks(contractIds, (ids) =>
      this.#collect(
        'ContractServices',
        [f.in('contractID', ids)],
        includeFields.ContractServices,
        parseContractService,
      ),
    );
    if (!rows.ok) return rows;
    return ok(
      rows.value.map((s) => ({
        id: String(s.id),
        contractId: String(s.contractID),
        serviceId: String(s.serviceID),
      })),
    );
  }

  /**
   * Date-only values are stored as tenant-local midnight, and Autotask may convert a filter's
   * datetime from UTC to the tenant zone before comparing. Rather than bet on one reading, the
   * server filter is widened by a day on each side (a superset under any zone offset up to ±24 h)
   * and the exact `startDate ≤ onDate ≤ endDate` test runs here on calendar dates. When an
   * adjustment splits a period, the old window ends ON the effective date and the new one starts
   * on it; the later-starting window is the one in force.
   */
  async readUnits(
    contractIds: readonly string[],
    onDate: string,
  ): Promise<PsaResult<readonly PsaUnitsWindow[]>> {
    if (!isCalendarDate(onDate)) return err(invalid('onDate must be a calendar date YYYY-MM-DD.', onDate));
    const dayAfter = `${addDays(onDate, 1)}T00:00:00`;
    const dayBefore = `${addDays(onDate, -1)}T00:00:00`;
    const rows = await this.#inChunks(contractIds, (ids) =>
      this.#collect(
        'ContractServiceUnits',
        // Date bounds first: they discard most of the ~12 periods per year before the `in` test.
        [f.lte('startDate', dayAfter), f.gte('endDate', dayBefore), f.in('contractID', ids)],
        includeFields.ContractServiceUnits,
        parseContractServiceUnit,
      ),
    );
    if (!rows.ok) return rows;
    return ok(
      selectWindowsInForce(rows.value, onDate).map((u) => ({
        id: String(u.id),
        contractServiceId: String(u.contractServiceID),
        contractId: String(u.contractID),
        serviceId: String(u.serviceID),
        startDate: calendarDate(u.startDate),
        endDate: calendarDate(u.endDate),
        units: u.units,
        unitPrice: u.price ?? null,
      })),
    );
  }

  /**
   * A delta, so never retried here: a timeout or dropped connection comes back `isAmbiguous`
   * and the caller must re-read units before deciding anything.
   */
  async createUnitAdjustment(adjustment: PsaUnitAdjustment): Promise<PsaResult<{ readonly id: string }>> {
    if (!isCalendarDate(adjustment.effectiveDate)) {
      return err(invalid('effectiveDate must be a calendar date YYYY-MM-DD.', adjustment.effectiveDate));
    }
    if (!Number.isSafeInteger(adjustment.unitChange) || adjustment.unitChange === 0) {
      return err(invalid('unitChange must be a non-zero integer.', String(adjustment.unitChange)));
    }
    const ids = toWireIds(
      adjustment.contractServiceId === undefined
        ? [adjustment.contractId, adjustment.serviceId]
        : [adjustment.contractId, adjustment.serviceId, adjustment.contractServiceId],
    );
    if (!ids.ok) return ids;
    const [contractID = 0, serviceID = 0, contractServiceID] = ids.value;
    const body: ContractServiceAdjustmentCreateWire = {
      contractID,
      serviceID,
      ...(contractServiceID === undefined ? {} : { contractServiceID }),
      unitChange: adjustment.unitChange,
      // Autotask converts the UTC datetime to the tenant zone and truncates to midnight: midday
      // UTC is the same calendar date everywhere from UTC−11 to UTC+11 (docs/autotask.md).
      effectiveDate: `${adjustment.effectiveDate}T12:00:00`,
    };
    const response = await this.#client.call({
      entity: 'ContractServiceAdjustments',
      endpoint: 'ContractServiceAdjustments',
      method: 'POST',
      path: `${apiVersionPath}ContractServiceAdjustments`,
      body,
      isIdempotent: false,
      isPaced: true,
    });
    if (!response.ok) return response;
    const itemId = parseItemId(response.value);
    if (itemId === null) {
      // The create succeeded (2xx) but we cannot say which record it made: treat as ambiguous.
      return err({
        ...classifyFailure({
          kind: 'garbage',
          phase: 'request',
          what: 'ContractServiceAdjustments: no itemId',
        }),
        isAmbiguous: true,
      });
    }
    return ok({ id: String(itemId) });
  }

  async budget(): Promise<PsaResult<PsaBudget>> {
    const threshold = await this.#client.threshold();
    if (!threshold.ok) return threshold;
    return ok({
      limit: threshold.value.externalRequestThreshold,
      used: threshold.value.currentTimeframeRequestCount,
      windowMinutes: threshold.value.requestThresholdTimeframe,
      madeByUs: this.#client.requestCount,
    });
  }

  close(): Promise<void> {
    this.#client.close();
    return Promise.resolve();
  }

  /** Every page of one query, parsed; the first failure wins. */
  async #collect<T>(
    entity: keyof typeof includeFields,
    filters: readonly Filter[],
    fields: readonly string[],
    parse: (row: Record<string, unknown>) => T | null,
  ): Promise<PsaResult<T[]>> {
    const out: T[] = [];
    for await (const page of this.#client.query(entity, buildQuery({ filters, includeFields: fields }))) {
      if (!page.ok) return page;
      const parsed = mapAll(page.value, parse, entity);
      if (!parsed.ok) return parsed;
      out.push(...parsed.value);
    }
    return ok(out);
  }

  /**
   * Chunks ids to Autotask's 500-value `in` limit and runs the chunks concurrently: the entity
   * queue keeps them at 3 in flight, and a chunk's pages stay sequential (cursor paging).
   */
  async #inChunks<T>(
    ids: readonly string[],
    run: (chunkIds: number[]) => Promise<PsaResult<T[]>>,
  ): Promise<PsaResult<T[]>> {
    const wire = toWireIds(ids);
    if (!wire.ok) return wire;
    const results = await Promise.all(chunk(wire.value).map(run));
    const out: T[] = [];
    for (const result of results) {
      if (!result.ok) return result;
      out.push(...result.value);
    }
    return ok(out);
  }
}

/**
 * The units window in force on `onDate` per contract service, from rows the server returned for
 * a widened date range. Inclusive on both ends (Autotask's windows share the boundary day when an
 * adjustment splits a period); the later-starting window wins, then the higher id.
 */
export function selectWindowsInForce(
  rows: readonly ContractServiceUnitWire[],
  onDate: string,
): ContractServiceUnitWire[] {
  const inForce = new Map<number, ContractServiceUnitWire>();
  for (const row of rows) {
    if (calendarDate(row.startDate) > onDate || calendarDate(row.endDate) < onDate) continue;
    const current = inForce.get(row.contractServiceID);
    const isLater =
      current === undefined ||
      row.startDate > current.startDate ||
      (row.startDate === current.startDate && row.id > current.id);
    if (isLater) inForce.set(row.contractServiceID, row);
  }
  return [...inForce.values()];
}

function mapAll<T>(
  rows: readonly Record<string, unknown>[],
  parse: (row: Record<string, unknown>) => T | null,
  entity: string,
): PsaResult<T[]> {
  const out: T[] = [];
  for (const row of rows) {
    const parsed = parse(row);
    if (parsed === null) {
      return err(
        classifyFailure({
          kind: 'garbage',
          phase: 'request',
          what: `${entity}: row without the requested fields`,
        }),
      );
    }
    out.push(parsed);
  }
  return ok(out);
}
