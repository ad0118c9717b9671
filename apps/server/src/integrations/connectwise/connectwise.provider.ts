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
 *
 * This file is the factory and the connection (credentials, client, verify, budget); the reads
 * and their caches are `connectwise.reads.ts`, the write `connectwise.writes.ts`, the wire
 * translations `connectwise.translate.ts`.
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
import { connectwiseGuide } from './connectwise.guide.js';
import { CwReads } from './connectwise.reads.js';
import { createUnitAdjustment } from './connectwise.writes.js';

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

export class ConnectWiseConnection implements PsaConnection {
  readonly guide = connectwiseGuide;
  readonly #client: CwClient | null;
  readonly #problem: PsaError | null;
  readonly #site: string;
  readonly #reads: CwReads;

  constructor(credentials: PsaCredentials, options: PsaConnectionOptions, config: ConnectWiseProviderConfig) {
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
    this.#reads = new CwReads(this.#client, this.#problem, {
      idsPerQuery: Math.max(1, config.idsPerQuery ?? 150),
      pageSize: Math.min(cwMaxPageSize, Math.max(1, config.pageSize ?? cwMaxPageSize)),
      readConcurrency: Math.max(1, config.readConcurrency ?? 3),
    });
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
    const client = this.#client;
    if (client === null) return Promise.resolve(err(this.#problem as PsaError));
    return createUnitAdjustment(client, this.#reads, adjustment);
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
}
