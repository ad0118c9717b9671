import type { ApiUserRecord } from './auth.js';
import type { SeedOption } from './seeds/index.js';
import {
  defaultTenantCi,
  defaultTenantId,
  defaultTenantUser,
  TenantState,
  type Limits,
  type TenantUser,
} from './tenant.js';
import type { SandboxOptions } from './types.js';

export type { Limits } from './tenant.js';

/**
 * Everything mutable about one running sandbox: the clock and its tenants. The default tenant is
 * what a single-tenant sandbox always was; more are added through the admin (one per MSP).
 */
export class SandboxState {
  readonly timeZone: string;
  /** The limits a new tenant starts with (options, then the root admin's setLatency/setLimits). */
  readonly baseLimits: Limits;
  readonly tenants = new Map<string, TenantState>();
  readonly defaultTenant: TenantState;
  private frozenNowMs: number | null = null;
  private readonly clock: () => Date;
  private nextCi = defaultTenantCi + 1;

  constructor(options: SandboxOptions) {
    this.clock = options.now ?? (() => new Date());
    this.timeZone = options.tenantTimeZone ?? 'America/New_York';
    this.baseLimits = {
      latencyMs: options.latencyMs ?? 0,
      hourlyThreshold: options.hourlyThreshold ?? 10_000,
      latencyTierScale: options.latencyTierScale ?? 1,
      threadLimit: options.threadLimit ?? 3,
    };
    this.defaultTenant = new TenantState(
      defaultTenantId,
      defaultTenantCi,
      { ...this.baseLimits },
      defaultTenantUser,
      options.seed ?? 'demo',
      this.now(),
      this.timeZone,
    );
    this.tenants.set(defaultTenantId, this.defaultTenant);
  }

  now(): number {
    return this.frozenNowMs ?? this.clock().getTime();
  }

  freeze(ms: number | null): void {
    this.frozenNowMs = ms;
  }

  /** Back to the default tenant alone, freshly seeded (`seed`, else the one last chosen). */
  reset(seed: SeedOption = this.defaultTenant.seed): void {
    this.defaultTenant.reset(seed, this.now());
    for (const id of [...this.tenants.keys()]) if (id !== defaultTenantId) this.tenants.delete(id);
    this.nextCi = defaultTenantCi + 1;
  }

  addTenant(id: string, user: TenantUser, seed: SeedOption, limits: Partial<Limits>): TenantState {
    const tenant = new TenantState(
      id,
      this.nextCi,
      { ...this.baseLimits, ...limits },
      user,
      seed,
      this.now(),
      this.timeZone,
    );
    this.nextCi += 1;
    this.tenants.set(id, tenant);
    return tenant;
  }

  /** API user names are unique across the sandbox, as on the real API (zone discovery needs it). */
  tenantOfUser(username: string): TenantState | undefined {
    for (const tenant of this.tenants.values()) if (tenant.findUser(username)) return tenant;
    return undefined;
  }

  findUser(username: string): ApiUserRecord | undefined {
    return this.tenantOfUser(username)?.findUser(username);
  }
}
