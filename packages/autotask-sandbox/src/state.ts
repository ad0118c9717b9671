import type { ApiUserRecord } from './auth.js';
import { FaultInjector } from './faults.js';
import { RollingCounter, ThreadLimiter } from './limits.js';
import { apiUserResourceId, defaultApiUser } from './seeds/catalog.js';
import { buildDatabase, type SeedOption } from './seeds/index.js';
import type { Database } from './store/database.js';
import type { SandboxOptions, SandboxStats } from './types.js';

export interface Limits {
  latencyMs: number;
  hourlyThreshold: number;
  latencyTierScale: number;
  threadLimit: number;
}

/** Everything mutable about one running sandbox (one tenant). */
export class SandboxState {
  db!: Database;
  readonly users = new Map<string, ApiUserRecord>();
  tenantZone = 1;
  readonly faults = new FaultInjector();
  readonly counter = new RollingCounter();
  readonly threads = new ThreadLimiter();
  readonly limits: Limits;
  readonly timeZone: string;
  stats: SandboxStats = { requests: 0, byEntity: {}, rejected429: 0 };
  /** The seed last chosen (at start or by an explicit reset): what a bare reset() goes back to. */
  seed: SeedOption = 'demo';
  private frozenNowMs: number | null = null;
  private readonly clock: () => Date;

  constructor(options: SandboxOptions) {
    this.clock = options.now ?? (() => new Date());
    this.timeZone = options.tenantTimeZone ?? 'America/New_York';
    this.limits = {
      latencyMs: options.latencyMs ?? 0,
      hourlyThreshold: options.hourlyThreshold ?? 10_000,
      latencyTierScale: options.latencyTierScale ?? 1,
      threadLimit: options.threadLimit ?? 3,
    };
    this.reset(options.seed ?? 'demo');
  }

  now(): number {
    return this.frozenNowMs ?? this.clock().getTime();
  }

  freeze(ms: number | null): void {
    this.frozenNowMs = ms;
  }

  /** A freshly seeded tenant: default API user only, zone 1, no faults, counters zeroed. */
  reset(seed: SeedOption = this.seed): void {
    const { db, description } = buildDatabase(seed, this.now(), this.timeZone);
    this.db = db;
    this.seed = seed;
    this.users.clear();
    this.addUser({ ...defaultApiUser, isReadOnly: false, resourceId: apiUserResourceId });
    for (const u of description.apiUsers ?? []) {
      this.addUser({ ...u, isReadOnly: u.readOnly ?? false, resourceId: u.resourceId ?? apiUserResourceId });
    }
    this.tenantZone = 1;
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
