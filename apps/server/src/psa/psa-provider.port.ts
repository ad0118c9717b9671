/**
 * The port through which the product talks to a PSA (Autotask and ConnectWise today; HaloPSA
 * later) in its own words. Nothing outside `integrations/<psa>/` knows a PSA's field names, URLs,
 * headers, quirks or screens; it sees these types only (screens: `PsaGuide`).
 *
 * Expected failures are values (`PsaResult`), never exceptions: an exception from an adapter is a
 * bug. Identifiers are opaque strings so that a PSA with non-numeric ids fits without change.
 * Dates are calendar dates `YYYY-MM-DD` (billing is date-only); instants are ISO-8601 UTC strings.
 */

export const psaKinds = ['autotask', 'connectwise'] as const;
export type PsaKind = (typeof psaKinds)[number];

/** A stored connector kind this build knows (rows may outlive a removed integration). */
export function isPsaKind(value: string): value is PsaKind {
  return (psaKinds as readonly string[]).includes(value);
}

/**
 * What users read for each PSA kind, so shared messages name the admin's PSA. Keyed by string
 * (not `PsaKind`) because stored connector rows carry the kind as text; an unknown kind reads "PSA".
 */
const psaDisplayNames: Readonly<Record<string, string>> = {
  autotask: 'Autotask',
  connectwise: 'ConnectWise PSA',
};

export function psaDisplayName(kind: string): string {
  return psaDisplayNames[kind] ?? 'PSA';
}

export const psaErrorCodes = [
  'bad_username',
  'bad_secret',
  'bad_integration_code',
  'permission_denied',
  'rate_limited',
  'zone_unknown',
  'timeout',
  'validation_failed',
  'unavailable',
  'not_found',
] as const;
export type PsaErrorCode = (typeof psaErrorCodes)[number];

/** PSA failures that mean "these credentials do not work", as opposed to "try again later". */
const credentialFailureCodes: ReadonlySet<PsaErrorCode> = new Set([
  'bad_username',
  'bad_secret',
  'bad_integration_code',
  'permission_denied',
  'zone_unknown',
]);
export const isCredentialFailure = (error: Pick<PsaError, 'code'>): boolean =>
  credentialFailureCodes.has(error.code);

export interface PsaError {
  readonly code: PsaErrorCode;
  /** One sentence for a human: what went wrong. Never contains a secret. */
  readonly message: string;
  /** What the admin should do next. */
  readonly advice: string;
  /** The PSA's own words (e.g. Autotask's validation text), when it said something useful. */
  readonly detail?: string;
  /** For `rate_limited` / `unavailable`: how long to wait before trying again, when known. */
  readonly retryAfterMs?: number;
  /**
   * True when the request may have reached the PSA and been applied even though we saw a failure
   * (timeout or dropped connection after the request was sent). Callers of non-idempotent writes
   * must re-read state before deciding anything.
   */
  readonly isAmbiguous?: boolean;
}

export type PsaResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: PsaError };

export const ok = <T>(value: T): PsaResult<T> => ({ ok: true, value });
export const err = <T = never>(error: PsaError): PsaResult<T> => ({ ok: false, error });

/** Credentials as the admin typed them. Decrypted only just before a connection is opened. */
export interface PsaCredentials {
  readonly username: string;
  readonly secret: string;
  /** Autotask: the API tracking identifier sent as `ApiIntegrationCode`. */
  readonly integrationCode: string;
}

export interface PsaVerification {
  /** Human label of where the account lives (Autotask zone name), for the connector list. */
  readonly zoneName: string;
  /** The PSA's id for the tenant database (Autotask `ci`). Lets us notice a changed tenant. */
  readonly tenantId: string;
  /** ISO 4217 code of the tenant's (internal) currency, when the PSA tells; prices are in it. */
  readonly currency?: string | null;
}

export interface PsaCompany {
  readonly id: string;
  readonly name: string;
  readonly isActive: boolean;
  /** Last change in the PSA (for incremental refresh), or null if the PSA does not say. */
  readonly modifiedAt: string | null;
}

export interface PsaService {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly isActive: boolean;
  readonly unitPrice: number | null;
  readonly modifiedAt: string | null;
}

export interface PsaContract {
  readonly id: string;
  readonly companyId: string;
  readonly name: string;
  /** Only recurring-service contracts carry per-unit services that we can adjust. */
  readonly isRecurringService: boolean;
  readonly isActive: boolean;
  readonly startDate: string;
  readonly endDate: string;
}

export interface PsaContractService {
  readonly id: string;
  readonly contractId: string;
  readonly serviceId: string;
}

/** Units in force for one contract service over one (sub-)period. */
export interface PsaUnitsWindow {
  readonly id: string;
  readonly contractServiceId: string;
  readonly contractId: string;
  readonly serviceId: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly units: number;
  /** Per-unit price in force over the window, when the PSA reports it (for billing estimates). */
  readonly unitPrice?: number | null;
  /**
   * Units the contract includes and bills nothing for (ConnectWise's `lessIncluded`): the price
   * applies to `units - includedUnits` only, so a delta times the price can be wrong. Omit or 0 when
   * the PSA has no such notion.
   */
  readonly includedUnits?: number;
}

export interface PsaUnitAdjustment {
  readonly contractId: string;
  readonly serviceId: string;
  /** Omit when the service is not yet on the contract and policy allows the PSA to add it. */
  readonly contractServiceId?: string;
  /** Signed delta: Autotask adjustments add to (or remove from) the current units. */
  readonly unitChange: number;
  readonly effectiveDate: string;
}

export interface PsaBudget {
  /** Requests the PSA allows per window for the whole tenant (all integrations). */
  readonly limit: number;
  /** Requests the tenant used in the current window, as last reported by the PSA. */
  readonly used: number;
  readonly windowMinutes: number;
  /** Requests this connection made since it was opened. */
  readonly madeByUs: number;
}

/**
 * What a request does: `read` state, `write` a change (not idempotent), or `discovery` (finding
 * where the tenant lives, before any authenticated call).
 */
export const psaCallKinds = ['read', 'write', 'discovery'] as const;
export type PsaCallKind = (typeof psaCallKinds)[number];

/** Observer for calls a connection makes: metrics, benchmarks and tests count through it. */
export interface PsaCallEvent {
  readonly kind: PsaCallKind;
  /** The PSA's name for what the request is about (a metric label; never ids). */
  readonly entity: string;
  /** The PSA's label for the request, for logs (never ids or query strings). */
  readonly endpoint: string;
  readonly method: string;
  readonly status: number | null;
  readonly durationMs: number;
  readonly attempt: number;
  readonly outcome: 'ok' | 'retry' | 'error';
  readonly reason?: string;
}

/**
 * A wait the connection imposed on itself to stay within the PSA's request budget (it waits, it
 * does not fail): `spacing` slows requests down, `share_used` / `tenant_exhausted` pause them.
 */
export interface PsaPaceEvent {
  readonly reason: 'spacing' | 'share_used' | 'tenant_exhausted';
  readonly waitMs: number;
  /** Our requests in the PSA's current window, and how many we allow ourselves. */
  readonly ourCallsInWindow: number;
  readonly allowance: number;
  /** The tenant's usage (all integrations) as we estimate it, and its limit per window. */
  readonly tenantUsed: number;
  readonly tenantLimit: number;
  /** The PSA's budget window (Autotask: a rolling 60 minutes), for messages that name it. */
  readonly windowMinutes: number;
}

export interface PsaConnectionOptions {
  /** Our connector id: the key for per-connector limits and logs. */
  readonly connectorId: string;
  readonly onCall?: (event: PsaCallEvent) => void;
  /** Observer for budget pacing (slow-downs and pauses); no requests are counted here. */
  readonly onPace?: (event: PsaPaceEvent) => void;
}

/**
 * An authenticated session with one PSA tenant. Batch reads take many ids at once: the adapter
 * chunks and pages as the PSA requires, so callers never think about page sizes or filter limits.
 */
export interface PsaConnection {
  /** The guide of the provider that opened this connection. */
  readonly guide: PsaGuide;
  verify(): Promise<PsaResult<PsaVerification>>;
  /** All companies, page by page (or only those changed since `modifiedSince`). */
  listCompanies(options?: { modifiedSince?: string }): AsyncIterable<PsaResult<readonly PsaCompany[]>>;
  listServices(options?: { modifiedSince?: string }): Promise<PsaResult<readonly PsaService[]>>;
  readContracts(companyIds: readonly string[]): Promise<PsaResult<readonly PsaContract[]>>;
  readContractServices(contractIds: readonly string[]): Promise<PsaResult<readonly PsaContractService[]>>;
  /** The units windows that cover `onDate` for the given contracts (one per contract service). */
  readUnits(contractIds: readonly string[], onDate: string): Promise<PsaResult<readonly PsaUnitsWindow[]>>;
  /** Non-idempotent: never retried by the adapter. */
  createUnitAdjustment(adjustment: PsaUnitAdjustment): Promise<PsaResult<{ readonly id: string }>>;
  budget(): Promise<PsaResult<PsaBudget>>;
  close(): Promise<void>;
}

export interface PsaProvider {
  readonly kind: PsaKind;
  /** How to name this PSA and what to do in its screens; needs no connection. */
  readonly guide: PsaGuide;
  connect(credentials: PsaCredentials, options: PsaConnectionOptions): PsaConnection;
}

/**
 * The PSA's words for the admin: its name, and what to do in its screens when the domain finds a
 * situation it cannot fix by itself. The domain states the situation and its facts (names, as the
 * admin sees them in the PSA); the guide returns the whole advice, one or more sentences, including
 * what can be done in the connector instead (pin a contract, unmap, billing policy), so that each
 * PSA can phrase it naturally. Pure: no I/O, same facts → same text.
 */
export interface PsaGuide {
  /** The PSA's name as its users know it ("Autotask"), for messages that only name it. */
  readonly psaName: string;
  /** The contract check: one company and all its mapped services, today. */
  readonly contractCheck: PsaContractCheckGuide;
  /** One sync line: one company and one service, on the line's effective date. */
  readonly syncLine: PsaSyncLineGuide;
}

export interface PsaContractCheckGuide {
  /** The company is inactive (or gone) in the PSA. */
  inactiveCompany(facts: { readonly companyName: string }): string;
  /** The pinned contract is gone, inactive, not recurring-service or outside its dates. */
  pinnedContractUnusable(facts: { readonly companyName: string }): string;
  /**
   * No active recurring-service contract covers today. `endedContractName`: the latest one that
   * ended, when there is one; `serviceNames`: the mapped services, in mapping order.
   */
  noUsableContract(facts: {
    readonly companyName: string;
    readonly endedContractName: string | null;
    readonly serviceNames: readonly string[];
  }): string;
  /** Several usable contracts and nothing tells them apart. */
  severalContracts(facts: { readonly companyName: string }): string;
  /** The contract holds these services on more than one line each. */
  duplicateServiceLines(facts: {
    readonly contractName: string;
    readonly serviceNames: readonly string[];
  }): string;
  /** The contract does not hold these mapped services. */
  servicesMissing(facts: {
    readonly companyName: string;
    readonly contractName: string;
    readonly serviceNames: readonly string[];
  }): string;
}

export interface PsaSyncLineGuide {
  /** The pinned contract is gone, inactive, not recurring-service or outside its dates. */
  pinnedContractUnusable(facts: { readonly companyName: string }): string;
  /** No active recurring-service contract covers the date (`endedContractName`: the latest ended). */
  noUsableContract(facts: {
    readonly companyName: string;
    readonly endedContractName: string | null;
    readonly serviceName: string;
  }): string;
  /** Several usable contracts hold the service. */
  severalContractsHoldService(facts: { readonly companyName: string; readonly serviceName: string }): string;
  /** The contract holds the service on more than one line. */
  duplicateServiceLines(facts: { readonly contractName: string; readonly serviceName: string }): string;
  /** The only usable (or pinned) contract lacks the service and the policy does not let the sync add it. */
  serviceNotOnContract(facts: { readonly contractName: string; readonly serviceName: string }): string;
  /** Several usable contracts and none holds the service. */
  serviceOnNoContract(facts: { readonly companyName: string; readonly serviceName: string }): string;
}
