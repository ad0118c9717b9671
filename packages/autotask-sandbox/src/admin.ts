import { invalidFaultRule, type FaultRule } from './faults.js';
import { invalidSeed, type SeedOption } from './seeds/index.js';
import type { Limits, SandboxState } from './state.js';
import { apiUserResourceId } from './seeds/catalog.js';
import type { TenantState } from './tenant.js';
import type {
  AdjustmentRecord,
  SandboxAdmin,
  SandboxStats,
  SandboxTenantOptions,
  SandboxTenantSummary,
} from './types.js';
import { parseInstant } from './util/dates.js';
import { zonePrefix } from './router.js';

/** Bad admin input; the HTTP admin answers 400 with its message. */
export class AdminInputError extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AdminInputError(message);
}

function positiveInteger(value: unknown): number {
  check(
    typeof value === 'number' && Number.isInteger(value) && value >= 1,
    'threadLimit must be a positive integer',
  );
  return value;
}

function nonNegativeNumber(value: unknown, name: string): number {
  check(
    typeof value === 'number' && Number.isFinite(value) && value >= 0,
    `${name} must be a non-negative number`,
  );
  return value;
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

const tenantIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The root admin (`tenantId` null) acts on the default tenant and on the sandbox as a whole: its
 * reset drops the other tenants, its latency and limits apply to every tenant. A tenant's admin
 * (`admin.tenant(id)`) acts on that tenant alone.
 */
export class Admin implements SandboxAdmin {
  constructor(
    private readonly state: SandboxState,
    private readonly baseUrl: () => string,
    private readonly tenantId: string | null = null,
  ) {}

  private get t(): TenantState {
    if (this.tenantId === null) return this.state.defaultTenant;
    const tenant = this.state.tenants.get(this.tenantId);
    check(tenant !== undefined, `no tenant ${this.tenantId} (a reset of the sandbox removes tenants)`);
    return tenant;
  }

  private get isRoot(): boolean {
    return this.tenantId === null;
  }

  zoneUrl(): string {
    return `${this.baseUrl()}${zonePrefix(this.t.zone)}`;
  }

  reset(seed?: SeedOption): void {
    if (seed !== undefined) {
      const problem = invalidSeed(seed);
      check(problem === null, problem ?? '');
    }
    try {
      if (this.isRoot) this.state.reset(seed);
      else this.t.reset(seed ?? this.t.seed, this.state.now());
    } catch (error) {
      throw new AdminInputError(`seed could not be loaded: ${(error as Error).message}`);
    }
  }

  addTenant(input: SandboxTenantOptions): SandboxTenantSummary {
    // Over HTTP anything can arrive: checked field by field before it is trusted.
    const options = input as Partial<Record<keyof SandboxTenantOptions, unknown>> & SandboxTenantOptions;
    check(typeof input === 'object' && (input as unknown) !== null, 'tenant must be an object');
    check(
      typeof (options.id as unknown) === 'string' && tenantIdPattern.test(options.id),
      'id must be 1-64 letters, digits, dots, dashes or underscores',
    );
    check(!this.state.tenants.has(options.id), `tenant ${options.id} exists already`);
    const user = options.apiUser as Partial<SandboxTenantOptions['apiUser']> | null | undefined;
    check(typeof user === 'object' && user !== null, 'apiUser is required');
    for (const key of ['username', 'secret', 'integrationCode'] as const) {
      check(typeof user[key] === 'string' && user[key] !== '', `apiUser.${key} is required`);
    }
    const username = user.username as string;
    check(this.state.findUser(username) === undefined, `API user ${username} exists already`);
    const seed = options.seed ?? 'demo';
    const problem = invalidSeed(seed);
    check(problem === null, problem ?? '');
    const limits = {
      ...(options.latencyMs === undefined
        ? {}
        : { latencyMs: nonNegativeNumber(options.latencyMs, 'latencyMs') }),
      ...(options.hourlyThreshold === undefined
        ? {}
        : { hourlyThreshold: nonNegativeNumber(options.hourlyThreshold, 'hourlyThreshold') }),
      ...(options.threadLimit === undefined ? {} : { threadLimit: positiveInteger(options.threadLimit) }),
    };
    try {
      this.state.addTenant(
        options.id,
        { username, secret: user.secret as string, integrationCode: user.integrationCode as string },
        seed,
        limits,
      );
    } catch (error) {
      throw new AdminInputError(`seed could not be loaded: ${(error as Error).message}`);
    }
    return new Admin(this.state, this.baseUrl, options.id).summary();
  }

  hasTenant(id: string): boolean {
    return this.state.tenants.has(id);
  }

  tenant(id: string): Admin {
    check(this.state.tenants.has(id), `no tenant ${id}`);
    return new Admin(this.state, this.baseUrl, id);
  }

  tenants(): SandboxTenantSummary[] {
    return [...this.state.tenants.keys()].map((id) => new Admin(this.state, this.baseUrl, id).summary());
  }

  summary(): SandboxTenantSummary {
    const t = this.t;
    return {
      id: t.id,
      ci: t.ci,
      zoneUrl: this.zoneUrl(),
      ...this.stats(),
      requestCount: this.requestCount(),
      maxInFlight: this.maxInFlight(),
    };
  }

  maxInFlight(): number {
    return this.t.threads.peakDemand;
  }

  setFaults(rules: FaultRule[]): void {
    check(Array.isArray(rules), 'rules must be an array');
    for (const rule of rules) {
      const problem = invalidFaultRule(rule);
      check(problem === null, problem ?? '');
    }
    this.t.faults.set(rules);
  }

  clearFaults(): void {
    this.t.faults.clear();
  }

  setLatency(fixedMs: number): void {
    const latencyMs = nonNegativeNumber(fixedMs, 'fixedMs');
    for (const limits of this.limitsInScope()) limits.latencyMs = latencyMs;
  }

  /** The root's setters change the defaults for new tenants and every tenant; a tenant's, its own. */
  private limitsInScope(): Limits[] {
    if (!this.isRoot) return [this.t.limits];
    return [this.state.baseLimits, ...[...this.state.tenants.values()].map((t) => t.limits)];
  }

  setLimits(limits: { hourlyThreshold?: number; latencyTierScale?: number; threadLimit?: number }): void {
    check(typeof limits === 'object', 'limits must be an object');
    const next: Partial<Limits> = {};
    if (limits.hourlyThreshold !== undefined)
      next.hourlyThreshold = nonNegativeNumber(limits.hourlyThreshold, 'hourlyThreshold');
    if (limits.latencyTierScale !== undefined)
      next.latencyTierScale = nonNegativeNumber(limits.latencyTierScale, 'latencyTierScale');
    if (limits.threadLimit !== undefined) next.threadLimit = positiveInteger(limits.threadLimit);
    for (const scoped of this.limitsInScope()) Object.assign(scoped, next);
  }

  setClock(isoOrNull: string | null): void {
    if (isoOrNull === null) {
      this.state.freeze(null);
      return;
    }
    const ms = typeof isoOrNull === 'string' ? parseInstant(isoOrNull) : null;
    check(ms !== null, 'now must be an ISO-8601 instant or null');
    this.state.freeze(ms);
  }

  moveZone(username?: string): { zoneUrl: string } {
    if (username !== undefined)
      check(this.t.findUser(username) !== undefined, `unknown API user ${username}`);
    // Every API user belongs to a tenant, so the whole tenant moves.
    this.t.zone += 1;
    return { zoneUrl: this.zoneUrl() };
  }

  addApiUser(user: { username: string; secret: string; integrationCode: string; readOnly?: boolean }): void {
    check(typeof user === 'object', 'user must be an object');
    for (const key of ['username', 'secret', 'integrationCode'] as const) {
      check(typeof user[key] === 'string' && user[key] !== '', `${key} is required`);
    }
    check(user.readOnly === undefined || typeof user.readOnly === 'boolean', 'readOnly must be a boolean');
    const owner = this.state.tenantOfUser(user.username);
    check(owner === undefined || owner === this.t, `API user ${user.username} belongs to another tenant`);
    this.t.addUser({
      username: user.username,
      secret: user.secret,
      integrationCode: user.integrationCode,
      isReadOnly: user.readOnly ?? false,
      resourceId: apiUserResourceId,
    });
  }

  adjustments(): AdjustmentRecord[] {
    return this.t.db.adjustmentLog.map((a) => ({ ...a }));
  }

  rejectedAdjustments(): { body: unknown; error: string }[] {
    return this.t.db.rejectedAdjustments.map((r) => ({ ...r }));
  }

  unitsOn(contractId: number, serviceId: number, date: string): number | null {
    check(
      Number.isInteger(contractId) && Number.isInteger(serviceId),
      'contractId and serviceId must be integers',
    );
    check(typeof date === 'string' && dayPattern.test(date), 'date must be YYYY-MM-DD');
    const cs = this.t.db.contractServiceFor(contractId, serviceId);
    return cs ? this.t.db.units.unitsOn(cs.id, date) : null;
  }

  requestCount(): number {
    return this.t.counter.count(this.state.now());
  }

  stats(): SandboxStats {
    const s = this.t.stats;
    return { requests: s.requests, byEntity: { ...s.byEntity }, rejected429: s.rejected429 };
  }
}
