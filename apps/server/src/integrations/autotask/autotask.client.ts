/**
 * Autotask transport: zone discovery, auth headers, per-entity thread limits, budget pacing,
 * retries and pagination. Knows HTTP and Autotask's envelopes, not the product's entities.
 *
 * Every request goes: closed? → zone (cached) → pacing → entity queue (≤ 3 in flight) → undici
 * → retry decision → (401: rediscover the zone once, retry if the zone moved) → classification.
 *
 * Over 500 lines on purpose: that pipeline is one class sharing the zone, the in-flight zone and
 * threshold reads, the request count and the tenant's limits, and each step decides what the next
 * sees (a 401 re-enters discovery, paging re-enters `call`); cut apart, the steps would only pass
 * that state back and forth. The pure parts already live beside it (retry, errors, limits, query).
 */
import { constants as cryptoConstants } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Agent, request, type Dispatcher } from 'undici';
import {
  err,
  ok,
  type PsaCallEvent,
  type PsaCallKind,
  type PsaCredentials,
  type PsaError,
  type PsaResult,
} from '../../psa/psa-provider.port.js';
import { credentialsProblem } from './autotask.credentials.js';
import { classifyFailure, isHourlyThresholdRejection, type FailurePhase } from './autotask.errors.js';
import type { BudgetPacer, Clock, EntityQueues, PaceEvent } from './autotask.limits.js';
import type { QueryBody } from './autotask.query.js';
import { parseRetryAfterMs } from '../../lib/backoff.js';
import { decideRetry, type RetryPolicy } from './autotask.retry.js';
import {
  parseErrorTexts,
  parseQueryPage,
  parseThresholdInformation,
  parseZoneInformation,
  type ThresholdInformation,
  type ZoneInformation,
} from './autotask.schemas.js';

/** The subset of pino we use; a pino logger fits as is. Never given header values or secrets. */
export interface AutotaskLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

const noop = (): void => undefined;
export const silentLogger: AutotaskLogger = { debug: noop, info: noop, warn: noop, error: noop };

export const defaultDiscoveryBaseUrl = 'https://webservices2.autotask.net/ATServicesRest/';
export const apiVersionPath = 'V1.0/';

export interface AgentOptions {
  readonly connectTimeoutMs: number;
  /** Applies to both the wait for response headers and gaps in the body. */
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** OpenSSL 3 refused Autotask's TLS renegotiation in 2023 (apigrate #17); opt-in escape hatch. */
  readonly allowLegacyTlsRenegotiation: boolean;
}

export function createAutotaskAgent(options: AgentOptions): Agent {
  return new Agent({
    connect: {
      timeout: options.connectTimeoutMs,
      ...(options.allowLegacyTlsRenegotiation
        ? { secureOptions: cryptoConstants.SSL_OP_LEGACY_SERVER_CONNECT }
        : {}),
    },
    headersTimeout: options.requestTimeoutMs,
    bodyTimeout: options.requestTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    keepAliveMaxTimeout: Math.max(options.keepAliveTimeoutMs, 60_000),
  });
}

/** Zones per API username, shared by all connections of a provider. */
export class ZoneCache {
  readonly #entries = new Map<string, { zone: ZoneInformation; expiresAt: number }>();

  get(key: string, now: number): ZoneInformation | null {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.expiresAt <= now) return null;
    return entry.zone;
  }

  set(key: string, zone: ZoneInformation, expiresAt: number): void {
    this.#entries.set(key, { zone, expiresAt });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

export interface CallSpec {
  /** Thread-limit key: the entity endpoint (`Companies`, `ThresholdInformation`, …). */
  readonly entity: string;
  /** Label for events and logs, e.g. `Companies/query`. Never contains ids or query strings. */
  readonly endpoint: string;
  readonly method: 'GET' | 'POST';
  /** Relative to the zone URL (`V1.0/Companies/query`) or absolute (a foreign `nextPageUrl`). */
  readonly path: string;
  readonly body?: unknown;
  readonly isIdempotent: boolean;
  /** False only for the ThresholdInformation read the pacer itself relies on. */
  readonly isPaced: boolean;
}

/** Queries are POSTs too: only a non-idempotent request (an adjustment) changes anything. */
function callKindOf(spec: CallSpec): PsaCallKind {
  if (spec.entity === 'zoneInformation') return 'discovery';
  return spec.isIdempotent ? 'read' : 'write';
}

type Outcome =
  | { readonly kind: 'ok'; readonly status: number; readonly json: unknown }
  | {
      readonly kind: 'http';
      readonly status: number;
      readonly texts: readonly string[];
      readonly retryAfterHeader: string | null;
    }
  | { readonly kind: 'network'; readonly code: string }
  | { readonly kind: 'garbage'; readonly status: number; readonly what: string }
  | { readonly kind: 'closed' };

export interface ClientDeps {
  readonly agent: Dispatcher;
  readonly credentials: PsaCredentials;
  readonly connectorId: string;
  readonly discoveryBaseUrl: string;
  readonly zoneTtlMs: number;
  readonly zoneCache: ZoneCache;
  /**
   * The thread queues and budget pacer of a tenant database, by key: `ci:<zone ci>` once the zone
   * is known (every connector of that tenant shares them), `connector:<id>` before.
   */
  readonly limitsFor: (tenantKey: string) => TenantLimits;
  readonly retry: RetryPolicy;
  readonly clock: Clock;
  readonly logger: AutotaskLogger;
  readonly onCall?: ((event: PsaCallEvent) => void) | undefined;
  readonly onPace?: ((event: PaceEvent) => void) | undefined;
}

export interface TenantLimits {
  readonly queues: EntityQueues;
  readonly pacer: BudgetPacer;
}

export class AutotaskClient {
  readonly #deps: ClientDeps;
  readonly #abort = new AbortController();
  #zoneInFlight: Promise<PsaResult<ZoneInformation>> | null = null;
  #thresholdInFlight: Promise<PsaResult<ThresholdInformation>> | null = null;
  #requestCount = 0;
  /** The tenant database (zone `ci`) this client last talked to; it keys the shared limits. */
  #tenantCi: number | null = null;

  constructor(deps: ClientDeps) {
    this.#deps = deps;
    // Every in-flight request listens on this one signal (close() aborts them all); dozens of
    // concurrent chunk queries are normal, not a leak.
    setMaxListeners(0, this.#abort.signal);
  }

  /** HTTP requests this client sent (every attempt, discovery included). */
  get requestCount(): number {
    return this.#requestCount;
  }

  get isClosed(): boolean {
    return this.#abort.signal.aborted;
  }

  close(): void {
    this.#abort.abort();
  }

  /** The account's zone, from cache unless `force` (verify, or after a 401). Concurrent callers share one lookup. */
  zone(force = false): Promise<PsaResult<ZoneInformation>> {
    // Every call starts here: credentials that cannot travel in a header never reach undici.
    const refusal = credentialsProblem(this.#deps.credentials);
    if (refusal !== null) return Promise.resolve(err(refusal));
    if (!force) {
      const cached = this.#deps.zoneCache.get(this.#zoneKey(), this.#deps.clock.now());
      if (cached !== null) return Promise.resolve(ok(cached));
    }
    this.#zoneInFlight ??= this.#discover().finally(() => {
      this.#zoneInFlight = null;
    });
    return this.#zoneInFlight;
  }

  async call(spec: CallSpec): Promise<PsaResult<unknown>> {
    const zone = await this.zone();
    if (!zone.ok) return zone;
    this.#tenantCi = zone.value.ci;
    let outcome = await this.#attempts(spec, this.#url(zone.value, spec.path));
    if (outcome.kind === 'http' && outcome.status === 401) {
      // Tenants migrate between zones; the old zone then answers 401. A 401 means the request was
      // rejected before it ran, so even a non-idempotent create may be sent again.
      // Parallel calls all see the 401; the first to rediscover updates the cache for the rest.
      const cached = this.#deps.zoneCache.get(this.#zoneKey(), this.#deps.clock.now());
      const hasMovedAlready = cached !== null && cached.url.toLowerCase() !== zone.value.url.toLowerCase();
      const fresh = hasMovedAlready ? ok(cached) : await this.zone(true);
      if (!fresh.ok) return fresh;
      if (fresh.value.url.toLowerCase() !== zone.value.url.toLowerCase()) {
        this.#deps.logger.info(
          { connectorId: this.#deps.connectorId, zoneName: fresh.value.zoneName },
          'autotask zone moved; retrying on the new zone',
        );
        outcome = await this.#attempts(
          spec,
          this.#url(fresh.value, this.#rebase(spec.path, zone.value, fresh.value)),
        );
      }
    }
    return outcome.kind === 'ok'
      ? ok(outcome.json)
      : err(this.#toError(outcome, 'request', spec.isIdempotent));
  }

  /**
   * All pages of a query. A POST query's `nextPageUrl` must be POSTed again with the same body
   * (GET answers 405 and silently truncates at 500 rows).
   */
  async *query(
    entity: string,
    body: QueryBody,
  ): AsyncGenerator<PsaResult<readonly Record<string, unknown>[]>, void> {
    let path = `${apiVersionPath}${entity}/query`;
    let endpoint = `${entity}/query`;
    for (;;) {
      const response = await this.call({
        entity,
        endpoint,
        method: 'POST',
        path,
        body,
        isIdempotent: true,
        isPaced: true,
      });
      if (!response.ok) {
        yield response;
        return;
      }
      const page = parseQueryPage(response.value);
      if (page === null) {
        yield err(
          classifyFailure({ kind: 'garbage', phase: 'request', what: `${endpoint}: not a query page` }),
        );
        return;
      }
      yield ok(page.items);
      if (page.pageDetails.nextPageUrl === null || page.items.length === 0) return;
      path = await this.#relativeToZone(page.pageDetails.nextPageUrl);
      endpoint = `${entity}/query/next`;
    }
  }

  /** Reads ThresholdInformation and feeds the pacer. Unpaced: the pacer needs it to decide. */
  threshold(): Promise<PsaResult<ThresholdInformation>> {
    this.#thresholdInFlight ??= this.#readThreshold().finally(() => {
      this.#thresholdInFlight = null;
    });
    return this.#thresholdInFlight;
  }

  async #readThreshold(): Promise<PsaResult<ThresholdInformation>> {
    const response = await this.call({
      entity: 'ThresholdInformation',
      endpoint: 'ThresholdInformation',
      method: 'GET',
      path: `${apiVersionPath}ThresholdInformation`,
      isIdempotent: true,
      isPaced: false,
    });
    const { pacer } = this.#limits();
    if (!response.ok) {
      pacer.recordReadingFailed();
      return response;
    }
    const info = parseThresholdInformation(response.value);
    if (info === null) {
      pacer.recordReadingFailed();
      return err(
        classifyFailure({
          kind: 'garbage',
          phase: 'request',
          what: 'ThresholdInformation: unexpected shape',
        }),
      );
    }
    pacer.recordReading({
      limit: info.externalRequestThreshold,
      windowMs: info.requestThresholdTimeframe * 60_000,
      used: info.currentTimeframeRequestCount,
    });
    return ok(info);
  }

  async #discover(): Promise<PsaResult<ZoneInformation>> {
    const base = this.#deps.discoveryBaseUrl.endsWith('/')
      ? this.#deps.discoveryBaseUrl
      : `${this.#deps.discoveryBaseUrl}/`;
    const url = `${base}${apiVersionPath}zoneInformation?user=${encodeURIComponent(this.#deps.credentials.username)}`;
    const spec: CallSpec = {
      entity: 'zoneInformation',
      endpoint: 'zoneInformation',
      method: 'GET',
      path: url,
      isIdempotent: true,
      isPaced: false,
    };
    // ZoneInformation is exempt from thread limits and needs no auth; it bypasses queue and pacer.
    const outcome = await this.#attempts(spec, url, { isAuthenticated: false, isQueued: false });
    if (outcome.kind !== 'ok') return err(this.#toError(outcome, 'discovery', true));
    const zone = parseZoneInformation(outcome.json);
    if (zone === null) {
      return err(
        classifyFailure({
          kind: 'garbage',
          phase: 'discovery',
          what: 'zoneInformation: missing zoneName/url/ci',
        }),
      );
    }
    this.#deps.zoneCache.set(this.#zoneKey(), zone, this.#deps.clock.now() + this.#deps.zoneTtlMs);
    return ok(zone);
  }

  async #attempts(
    spec: CallSpec,
    url: string,
    mode: { isAuthenticated: boolean; isQueued: boolean } = { isAuthenticated: true, isQueued: true },
  ): Promise<Outcome> {
    const { clock, retry } = this.#deps;
    const { pacer, queues } = this.#limits();
    const signal = this.#abort.signal;
    for (let attempt = 1; ; attempt += 1) {
      if (signal.aborted) return { kind: 'closed' };
      try {
        if (spec.isPaced) {
          await pacer.acquire(
            signal,
            (event) => this.#emitPace(spec, event),
            () => this.#refreshForPacer(),
          );
        } else if (mode.isAuthenticated) {
          pacer.recordUnpacedCall();
        }
      } catch {
        return { kind: 'closed' };
      }
      // Timed inside the queue: durationMs is Autotask's time, not our own queueing.
      let durationMs = 0;
      const timedSend = async (): Promise<Outcome> => {
        const startedAt = performance.now();
        const result = await this.#send(spec, url, mode.isAuthenticated);
        durationMs = Math.round(performance.now() - startedAt);
        return result;
      };
      // Autotask counts threads per (tracking identifier, endpoint) inside the tenant.
      const outcome = mode.isQueued
        ? await queues.run(`${this.#deps.credentials.integrationCode}|${spec.entity}`, timedSend)
        : await timedSend();
      if (outcome.kind === 'closed') return outcome;
      if (outcome.kind === 'ok' || outcome.kind === 'garbage') {
        this.#emitCall(spec, { status: outcome.status, durationMs, attempt, outcome: 'ok' });
        return outcome;
      }
      const isBudgetExhausted =
        outcome.kind === 'http' && isHourlyThresholdRejection(outcome.status, outcome.texts);
      if (isBudgetExhausted) pacer.recordExhausted();
      // An unpaced call (the threshold read) cannot wait for the pacer: one answer is enough.
      const decision =
        isBudgetExhausted && !spec.isPaced
          ? { retry: false, reason: 'hourly request threshold reached: left to the budget pacer', waitMs: 0 }
          : decideRetry(
              outcome.kind === 'http'
                ? {
                    attempt,
                    status: outcome.status,
                    retryAfterHeader: outcome.retryAfterHeader,
                    isIdempotent: spec.isIdempotent,
                    now: clock.now(),
                  }
                : {
                    attempt,
                    networkErrorCode: outcome.code,
                    isIdempotent: spec.isIdempotent,
                    now: clock.now(),
                  },
              retry,
            );
      this.#emitCall(spec, {
        status: outcome.kind === 'http' ? outcome.status : null,
        durationMs,
        attempt,
        outcome: decision.retry ? 'retry' : 'error',
        reason: decision.reason,
      });
      if (!decision.retry) return outcome;
      try {
        await clock.sleep(decision.waitMs, signal);
      } catch {
        return { kind: 'closed' };
      }
    }
  }

  async #send(spec: CallSpec, url: string, isAuthenticated: boolean): Promise<Outcome> {
    const { credentials } = this.#deps;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (isAuthenticated) {
      headers.ApiIntegrationCode = credentials.integrationCode;
      headers.UserName = credentials.username;
      headers.Secret = credentials.secret;
    }
    // Autotask's own collection sends it on every call, bodies or not.
    headers['Content-Type'] = 'application/json';
    this.#requestCount += 1;
    try {
      const response = await request(url, {
        dispatcher: this.#deps.agent,
        method: spec.method,
        headers,
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
        signal: this.#abort.signal,
      });
      const text = await response.body.text();
      const json = parseJson(text);
      if (response.statusCode >= 200 && response.statusCode < 300) {
        return json === undefined
          ? { kind: 'garbage', status: response.statusCode, what: `${spec.endpoint}: response is not JSON` }
          : { kind: 'ok', status: response.statusCode, json };
      }
      const retryAfter = response.headers['retry-after'];
      return {
        kind: 'http',
        status: response.statusCode,
        texts: parseErrorTexts(json).map((t) => this.#scrub(t)),
        retryAfterHeader: typeof retryAfter === 'string' ? retryAfter : null,
      };
    } catch (error) {
      if (this.#abort.signal.aborted) return { kind: 'closed' };
      return { kind: 'network', code: networkErrorCode(error) };
    }
  }

  #toError(outcome: Exclude<Outcome, { kind: 'ok' }>, phase: FailurePhase, isIdempotent: boolean): PsaError {
    switch (outcome.kind) {
      case 'closed':
        return classifyFailure({ kind: 'closed' });
      case 'garbage':
        return classifyFailure({ kind: 'garbage', phase, what: outcome.what });
      case 'network':
        return classifyFailure({ kind: 'network', phase, code: outcome.code, isIdempotent });
      case 'http':
        return classifyFailure({
          kind: 'http',
          phase,
          status: outcome.status,
          errorTexts: outcome.texts,
          retryAfterMs: parseRetryAfterMs(outcome.retryAfterHeader, this.#deps.clock.now()),
        });
    }
  }

  #limits(): TenantLimits {
    return this.#deps.limitsFor(
      this.#tenantCi === null ? `connector:${this.#deps.connectorId}` : `ci:${this.#tenantCi}`,
    );
  }

  async #refreshForPacer(): Promise<void> {
    const result = await this.threshold();
    if (!result.ok) {
      this.#deps.logger.warn(
        { connectorId: this.#deps.connectorId, code: result.error.code },
        'autotask ThresholdInformation read failed; pacing on the last known figures',
      );
    }
  }

  #emitCall(spec: CallSpec, event: Omit<PsaCallEvent, 'kind' | 'entity' | 'endpoint' | 'method'>): void {
    const full: PsaCallEvent = {
      kind: callKindOf(spec),
      entity: spec.entity,
      endpoint: spec.endpoint,
      method: spec.method,
      ...event,
    };
    this.#deps.logger.debug({ connectorId: this.#deps.connectorId, ...full }, 'autotask call');
    safely(this.#deps.logger, () => this.#deps.onCall?.(full));
  }

  #emitPace(spec: CallSpec, event: PaceEvent): void {
    this.#deps.logger.info(
      { connectorId: this.#deps.connectorId, endpoint: spec.endpoint, ...event },
      event.reason === 'spacing' ? 'autotask pacing: spacing requests' : 'autotask pacing: pausing',
    );
    safely(this.#deps.logger, () => this.#deps.onPace?.(event));
  }

  #url(zone: ZoneInformation, path: string): string {
    return /^https?:\/\//i.test(path) ? path : `${zone.url}${path}`;
  }

  /** Keeps cursors zone-independent so a zone move mid-pagination continues on the new zone. */
  async #relativeToZone(url: string): Promise<string> {
    const zone = await this.zone();
    if (zone.ok && url.toLowerCase().startsWith(zone.value.url.toLowerCase()))
      return url.slice(zone.value.url.length);
    return url;
  }

  #rebase(path: string, from: ZoneInformation, to: ZoneInformation): string {
    return path.toLowerCase().startsWith(from.url.toLowerCase())
      ? `${to.url}${path.slice(from.url.length)}`
      : path;
  }

  #zoneKey(): string {
    return `${this.#deps.discoveryBaseUrl}\u0000${this.#deps.credentials.username.toLowerCase()}`;
  }

  /** Autotask texts are echoed into errors and logs: make sure no credential rides along. */
  #scrub(text: string): string {
    let out = text;
    for (const secret of [this.#deps.credentials.secret, this.#deps.credentials.integrationCode]) {
      if (secret.length >= 4) out = out.split(secret).join('[redacted]');
    }
    return out;
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** undici wraps OS errors; the most specific code is on the error or its cause. */
export function networkErrorCode(error: unknown): string {
  const codeOf = (value: unknown): string | null =>
    typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'string'
      ? value.code
      : null;
  const own = codeOf(error);
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? codeOf(error.cause) : null;
  // UND_ERR_SOCKET is generic ("other side closed"); a cause like ECONNRESET says more.
  if (own === 'UND_ERR_SOCKET' && cause !== null) return cause;
  return own ?? cause ?? 'UNKNOWN_NETWORK_ERROR';
}

function safely(logger: AutotaskLogger, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    logger.error(
      { error: error instanceof Error ? error.message : 'non-error thrown' },
      'autotask observer threw',
    );
  }
}
