/**
 * The Autotask implementation of the PSA port. Translates between the product's words (strings
 * ids, calendar dates) and Autotask's (numeric ids, date-only datetimes, picklist integers) and
 * fans batch reads out into ≤ 500-value chunks; the transport does the rest.
 *
 * This file is the factory (one HTTP agent, zone cache and per-tenant limits per provider) and the
 * connection that wires the port to the read side (`autotask.reads.ts`), the write side
 * (`autotask.writes.ts`) and the translations (`autotask.translate.ts`).
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleepTimer } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import {
  ok,
  type PsaBudget,
  type PsaCompany,
  type PsaConnection,
  type PsaConnectionOptions,
  type PsaContract,
  type PsaContractService,
  type PsaCredentials,
  type PsaProvider,
  type PsaResult,
  type PsaService,
  type PsaUnitAdjustment,
  type PsaUnitsWindow,
  type PsaVerification,
} from '../../psa/psa-provider.port.js';
import {
  AutotaskClient,
  createAutotaskAgent,
  defaultDiscoveryBaseUrl,
  silentLogger,
  ZoneCache,
  type AutotaskLogger,
  type TenantLimits,
} from './autotask.client.js';
import { autotaskGuide } from './autotask.guide.js';
import {
  autotaskThreadLimit,
  BudgetPacer,
  defaultBudgetPacerOptions,
  EntityQueues,
  type BudgetPacerOptions,
  type Clock,
} from './autotask.limits.js';
import { AutotaskReads } from './autotask.reads.js';
import { defaultRetryPolicy, type RetryPolicy } from './autotask.retry.js';
import { createUnitAdjustment } from './autotask.writes.js';

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

export class AutotaskConnection implements PsaConnection {
  readonly guide = autotaskGuide;
  readonly #client: AutotaskClient;
  readonly #reads: AutotaskReads;

  constructor(client: AutotaskClient) {
    this.#client = client;
    this.#reads = new AutotaskReads(client);
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
    const currency = await this.#reads.readInternalCurrency();
    if (!currency.ok) return currency;
    return ok({ zoneName: zone.value.zoneName, tenantId: String(zone.value.ci), currency: currency.value });
  }

  listCompanies(options: { modifiedSince?: string } = {}): AsyncIterable<PsaResult<readonly PsaCompany[]>> {
    return this.#reads.listCompanies(options);
  }

  listServices(options: { modifiedSince?: string } = {}): Promise<PsaResult<readonly PsaService[]>> {
    return this.#reads.listServices(options);
  }

  readContracts(companyIds: readonly string[]): Promise<PsaResult<readonly PsaContract[]>> {
    return this.#reads.readContracts(companyIds);
  }

  readContractServices(contractIds: readonly string[]): Promise<PsaResult<readonly PsaContractService[]>> {
    return this.#reads.readContractServices(contractIds);
  }

  readUnits(contractIds: readonly string[], onDate: string): Promise<PsaResult<readonly PsaUnitsWindow[]>> {
    return this.#reads.readUnits(contractIds, onDate);
  }

  createUnitAdjustment(adjustment: PsaUnitAdjustment): Promise<PsaResult<{ readonly id: string }>> {
    return createUnitAdjustment(this.#client, adjustment);
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
}
