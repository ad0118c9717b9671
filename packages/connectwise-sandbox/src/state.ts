import { fullRole, type ApiMember } from './auth.js';
import { FaultInjector } from './faults.js';
import { buildSeed, type SeedOption } from './seeds/index.js';
import { defaultApiMember, defaultClientId, defaultCompanyId, ownCompanyName } from './seeds/lookups.js';
import { Database } from './store/database.js';
import type { SandboxOptions, TenantStats } from './types.js';

export const minuteMs = 60_000;

/** One ConnectWise company (a login company id): its data, API members and counters. */
export class Tenant {
  db: Database;
  readonly members: ApiMember[] = [];
  stats: TenantStats = { requests: 0, byPath: {}, rejected429: 0 };
  /** request times in the rolling minute, for the rate limit */
  recent: number[] = [];

  constructor(
    readonly companyId: string,
    readonly companyName: string,
    public seed: SeedOption,
    nowMs: number,
  ) {
    this.db = new Database(buildSeed(seed, nowMs));
  }

  reseed(seed: SeedOption, nowMs: number): void {
    this.db = new Database(buildSeed(seed, nowMs));
    this.seed = seed;
    this.stats = { requests: 0, byPath: {}, rejected429: 0 };
    this.recent = [];
  }
}

export interface Limits {
  latencyMs: number;
  /** requests per rolling minute per company before 429 (the guide: > 1,000 a minute is throttled) */
  requestsPerMinute: number;
  retryAfterSeconds: number;
}

/** Everything mutable about one running sandbox. */
export class SandboxState {
  readonly tenants = new Map<string, Tenant>();
  readonly clientIds = new Set<string>();
  readonly faults = new FaultInjector();
  readonly limits: Limits;
  codebase: string;
  private frozenNowMs: number | null = null;
  private readonly clock: () => Date;
  private readonly initialSeed: SeedOption;

  constructor(options: SandboxOptions) {
    this.clock = options.now ?? (() => new Date());
    this.codebase = options.codebase ?? 'v4_6_release/';
    this.initialSeed = options.seed ?? 'demo';
    this.limits = {
      latencyMs: options.latencyMs ?? 0,
      requestsPerMinute: options.requestsPerMinute ?? 1000,
      retryAfterSeconds: 30,
    };
    this.reset(this.initialSeed);
  }

  now(): number {
    return this.frozenNowMs ?? this.clock().getTime();
  }

  freeze(ms: number | null): void {
    this.frozenNowMs = ms;
  }

  /** Back to one tenant (the default company, member and clientId), no faults, counters zeroed. */
  reset(seed: SeedOption = this.tenant(defaultCompanyId)?.seed ?? this.initialSeed): void {
    this.tenants.clear();
    const tenant = this.addTenant(defaultCompanyId, ownCompanyName, seed);
    tenant.members.push({ ...defaultApiMember, role: { ...fullRole } });
    this.clientIds.clear();
    this.clientIds.add(defaultClientId);
    this.faults.clear();
  }

  addTenant(companyId: string, companyName: string, seed: SeedOption): Tenant {
    const tenant = new Tenant(companyId, companyName, seed, this.now());
    this.tenants.set(companyId.toLowerCase(), tenant);
    return tenant;
  }

  tenant(companyId: string): Tenant | undefined {
    return this.tenants.get(companyId.toLowerCase());
  }
}
