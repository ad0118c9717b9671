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

export interface SandboxAdmin {
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
