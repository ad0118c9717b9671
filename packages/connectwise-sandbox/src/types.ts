import type { AccessLevel, SecurityRole } from './auth.js';
import type { FaultRule } from './faults.js';
import type { SeedOption } from './seeds/index.js';
import type { WriteRecord } from './store/database.js';

export type { FaultKind, FaultMethod, FaultRule } from './faults.js';
export type { SeedOption } from './seeds/index.js';
export type { WriteRecord } from './store/database.js';
export type { AccessLevel, SecurityRole } from './auth.js';

export interface SandboxOptions {
  /** 0 = random free port (default 0) */
  port?: number;
  /** default '127.0.0.1' */
  host?: string;
  /** default 'demo' */
  seed?: SeedOption;
  /** serve HTTPS with a self-signed certificate made at start (default false: plain HTTP) */
  tls?: boolean;
  /** where the certificate's PEM is written with `tls` (default: a fresh temporary directory) */
  tlsDir?: string;
  /** what `/login/companyinfo` answers as `Codebase` (default `v4_6_release/`); any codebase is served */
  codebase?: string;
  /** fixed extra latency per API call (default 0) */
  latencyMs?: number;
  /** requests per rolling minute per company before 429 + Retry-After (default 1000) */
  requestsPerMinute?: number;
  /** clock override (default real time); also settable via admin */
  now?: () => Date;
}

/** What a client needs to connect: the startup line, minus `url` and `caFile`. */
export interface SandboxCredentials {
  /** `host:port`, what users type as the site */
  site: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
  codebase: string;
}

export interface TenantStats {
  /** API requests received (discovery and `/_sandbox` excluded) */
  requests: number;
  /** the same per `METHOD path-template`, e.g. `GET finance/agreements/{id}/additions` */
  byPath: Record<string, number>;
  /** 429 answers sent: rate limit and injected 429 faults */
  rejected429: number;
}

export interface SandboxAdmin {
  reset(seed?: SeedOption): void;
  setFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  setLatency(fixedMs: number): void;
  setLimits(limits: { requestsPerMinute?: number; retryAfterSeconds?: number }): void;
  setClock(isoOrNull: string | null): void;
  addTenant(tenant: { companyId: string; companyName?: string; seed?: SeedOption }): void;
  addApiMember(member: {
    companyId?: string;
    publicKey: string;
    privateKey: string;
    memberIdentifier?: string;
    role?: Partial<Record<keyof SecurityRole, AccessLevel>>;
  }): void;
  addClientId(clientId: string): void;
  writes(companyId?: string): WriteRecord[];
  /** per company id */
  stats(): Record<string, TenantStats>;
}

export interface Sandbox {
  /** `http(s)://host:port`, no trailing slash */
  url: string;
  /** the PEM of the self-signed certificate with `tls`, else null */
  caFile: string | null;
  credentials: SandboxCredentials;
  admin: SandboxAdmin;
  close(): Promise<void>;
}
