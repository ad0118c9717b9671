import type { AdjustmentRecord } from './store/database.js';
import type { FaultRule } from './faults.js';
import type { SeedOption } from './seeds/index.js';

export type { AdjustmentRecord } from './store/database.js';
export type { FaultRule, FaultKind, FaultMethod } from './faults.js';
export type { SeedDescription, SeedRecord } from './seeds/seed-types.js';

export interface SandboxOptions {
  /** 0 = random free port (default 0) */
  port?: number;
  /** default '127.0.0.1' */
  host?: string;
  /** default 'demo' */
  seed?: SeedOption;
  /** fixed extra latency per API call, applied while the request holds its thread slot (default 0) */
  latencyMs?: number;
  /** requests per rolling hour per tenant (default 10000) */
  hourlyThreshold?: number;
  /** multiplier for the 50 % / 75 % usage latency tiers (0.5 s / 1 s); default 1 */
  latencyTierScale?: number;
  /** concurrent requests per (integration code, entity endpoint); default 3 */
  threadLimit?: number;
  /** IANA zone driving the date-only day-shift; default 'America/New_York' */
  tenantTimeZone?: string;
  /** clock override (default real time); also settable via admin */
  now?: () => Date;
}

export interface SandboxApiUser {
  username: string;
  secret: string;
  integrationCode: string;
}

export interface SandboxStats {
  /** API requests received (entity routes and ThresholdInformation; not zoneInformation or /_sandbox) */
  requests: number;
  /** the same, per entity name as in the URL's canonical form, e.g. `Companies` */
  byEntity: Record<string, number>;
  /** 429 answers sent: hourly threshold, thread limit and injected 429 faults */
  rejected429: number;
}

export interface SandboxTenantOptions {
  /** 1-64 letters, digits, `.`, `-`, `_`; the admin path `/_sandbox/tenants/<id>/…` */
  id: string;
  /** Its first API user; user names are unique across the sandbox (zone discovery finds the tenant by it). */
  apiUser: SandboxApiUser;
  /** default 'demo' */
  seed?: SeedOption;
  /** Limits of this tenant alone; the rest as the sandbox's (options, root setLatency/setLimits). */
  latencyMs?: number;
  hourlyThreshold?: number;
  threadLimit?: number;
}

export interface SandboxTenantSummary extends SandboxStats {
  id: string;
  /** What zoneInformation answers as `ci` (the tenant database's id). */
  ci: number;
  zoneUrl: string;
  /** Requests in the tenant's current rolling hour. */
  requestCount: number;
  /** Most requests ever in flight at once on one (tracking identifier, endpoint), a refused one included. */
  maxInFlight: number;
}

export interface SandboxAdmin {
  /** Another tenant database with its own data, users, budget, threads, faults and counts. */
  addTenant(options: SandboxTenantOptions): SandboxTenantSummary;
  /** The admin of one tenant: the same operations, on that tenant alone. */
  tenant(id: string): SandboxAdmin;
  /** Every tenant (the default one first) with its counts. */
  tenants(): SandboxTenantSummary[];
  summary(): SandboxTenantSummary;
  maxInFlight(): number;
  reset(seed?: SandboxOptions['seed']): void;
  setFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  setLatency(fixedMs: number): void;
  setLimits(limits: { hourlyThreshold?: number; latencyTierScale?: number; threadLimit?: number }): void;
  setClock(isoOrNull: string | null): void;
  moveZone(username?: string): { zoneUrl: string };
  addApiUser(user: { username: string; secret: string; integrationCode: string; readOnly?: boolean }): void;
  adjustments(): AdjustmentRecord[];
  rejectedAdjustments(): { body: unknown; error: string }[];
  unitsOn(contractId: number, serviceId: number, date: string): number | null;
  requestCount(): number;
  stats(): SandboxStats;
}

export interface Sandbox {
  url: string;
  zoneUrl: string;
  apiUser: SandboxApiUser;
  admin: SandboxAdmin;
  close(): Promise<void>;
}
