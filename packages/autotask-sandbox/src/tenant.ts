import type { ApiUserRecord } from './auth.js';
import { FaultInjector } from './faults.js';
import { RollingCounter, ThreadLimiter } from './limits.js';
import { apiUserResourceId, defaultApiUser } from './seeds/catalog.js';
import { buildDatabase, type SeedOption } from './seeds/index.js';
import type { Database } from './store/database.js';
import type { SandboxStats } from './types.js';

export interface Limits {
  latencyMs: number;
  hourlyThreshold: number;
  latencyTierScale: number;
  threadLimit: number;
}

/** The API user every tenant starts with; the first tenant's is the sandbox's default user. */
export type TenantUser = Pick<ApiUserRecord, 'username' | 'secret' | 'integrationCode'>;

/**
 * One Autotask tenant database: its own data, API users, zone, faults, hourly budget, thread
 * limit and request counts. On the real API the budget and the threads are per tenant database,
 * so a sandbox serving many MSPs keeps all of these apart.
 */
export class TenantState {
  db!: Database;
  readonly users = new Map<string, ApiUserRecord>();
  zone = 1;
  readonly faults = new FaultInjector();
  readonly counter = new RollingCounter();
  readonly threads = new ThreadLimiter();
  stats: SandboxStats = { requests: 0, byEntity: {}, rejected429: 0 };
  seed: SeedOption;

  constructor(
    readonly id: string,
    /** What zoneInformation answers as `ci`: the tenant database's id. */
    readonly ci: number,
    readonly limits: Limits,
    private readonly firstUser: TenantUser,
    seed: SeedOption,
    nowMs: number,
    private readonly timeZone: string,
  ) {
    this.seed = seed;
    this.reset(seed, nowMs);
  }

  /** Freshly seeded: its first API user only, zone 1, no faults, counters zeroed. */
  reset(seed: SeedOption, nowMs: number): void {
    const { db, description } = buildDatabase(seed, nowMs, this.timeZone);
    this.db = db;
    this.seed = seed;
    this.users.clear();
    this.addUser({ ...this.firstUser, isReadOnly: false, resourceId: apiUserResourceId });
    for (const u of description.apiUsers ?? []) {
      this.addUser({ ...u, isReadOnly: u.readOnly ?? false, resourceId: u.resourceId ?? apiUserResourceId });
    }
    this.zone = 1;
    this.faults.clear();
    this.counter.reset();
    this.threads.reset();
    this.stats = { requests: 0, byEntity: {}, rejected429: 0 };
  }

  addUser(user: ApiUserRecord): void {
    this.users.set(user.username.toLowerCase(), user);
  }

  findUser(username: string): ApiUserRecord | undefined {
    return this.users.get(username.toLowerCase());
  }

  countRequest(entity: string): void {
    this.stats.requests += 1;
    this.stats.byEntity[entity] = (this.stats.byEntity[entity] ?? 0) + 1;
  }
}

export const defaultTenantId = 'default';
export const defaultTenantCi = 29683481;
export const defaultTenantUser: TenantUser = defaultApiUser;
