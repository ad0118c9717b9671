import { accessLevels, fullRole } from './auth.js';
import { securityAreas } from './entities/collections.js';
import { invalidFaultRule, type FaultRule } from './faults.js';
import { invalidSeed, type SeedOption } from './seeds/index.js';
import { defaultCompanyId } from './seeds/lookups.js';
import type { SandboxState, Tenant } from './state.js';
import type { WriteRecord } from './store/database.js';
import type { SandboxAdmin, TenantStats } from './types.js';
import { parseUtc } from './util/dates.js';

/** Bad admin input; the HTTP admin answers 400 with its message. */
export class AdminInputError extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AdminInputError(message);
}

function nonNegative(value: unknown, name: string): number {
  check(
    typeof value === 'number' && Number.isFinite(value) && value >= 0,
    `${name} must be a non-negative number`,
  );
  return value;
}

function checkSeed(seed: unknown): void {
  if (seed === undefined) return;
  const problem = invalidSeed(seed);
  check(problem === null, problem ?? '');
}

export class Admin implements SandboxAdmin {
  constructor(private readonly state: SandboxState) {}

  private tenantOf(companyId: string | undefined): Tenant {
    const tenant = this.state.tenant(companyId ?? defaultCompanyId);
    check(tenant !== undefined, `unknown company ${companyId ?? ''}`);
    return tenant;
  }

  reset(seed?: SeedOption): void {
    checkSeed(seed);
    try {
      this.state.reset(seed);
    } catch (error) {
      throw new AdminInputError(`seed could not be loaded: ${(error as Error).message}`);
    }
  }

  setFaults(rules: FaultRule[]): void {
    check(Array.isArray(rules), 'rules must be an array');
    for (const rule of rules) {
      const problem = invalidFaultRule(rule);
      check(problem === null, problem ?? '');
    }
    this.state.faults.set(rules);
  }

  clearFaults(): void {
    this.state.faults.clear();
  }

  setLatency(fixedMs: number): void {
    this.state.limits.latencyMs = nonNegative(fixedMs, 'fixedMs');
  }

  setLimits(limits: { requestsPerMinute?: number; retryAfterSeconds?: number }): void {
    check(typeof limits === 'object', 'limits must be an object');
    const next = { ...this.state.limits };
    if (limits.requestsPerMinute !== undefined)
      next.requestsPerMinute = nonNegative(limits.requestsPerMinute, 'requestsPerMinute');
    if (limits.retryAfterSeconds !== undefined)
      next.retryAfterSeconds = nonNegative(limits.retryAfterSeconds, 'retryAfterSeconds');
    Object.assign(this.state.limits, next);
  }

  setClock(isoOrNull: string | null): void {
    if (isoOrNull === null) {
      this.state.freeze(null);
      return;
    }
    const ms = typeof isoOrNull === 'string' ? (parseUtc(isoOrNull) ?? NaN) : NaN;
    check(!Number.isNaN(ms), 'now must be an ISO-8601 UTC instant (…Z) or null');
    this.state.freeze(ms);
  }

  addTenant(tenant: { companyId: string; companyName?: string; seed?: SeedOption }): void {
    check(typeof tenant === 'object', 'tenant must be an object');
    check(
      typeof tenant.companyId === 'string' && /^[A-Za-z0-9_.-]{1,30}$/.test(tenant.companyId),
      'companyId must be 1-30 letters, digits, _ . -',
    );
    check(this.state.tenant(tenant.companyId) === undefined, `company ${tenant.companyId} exists`);
    check(
      tenant.companyName === undefined || typeof tenant.companyName === 'string',
      'companyName must be a string',
    );
    checkSeed(tenant.seed);
    this.state.addTenant(tenant.companyId, tenant.companyName ?? tenant.companyId, tenant.seed ?? 'empty');
  }

  addApiMember(member: Parameters<SandboxAdmin['addApiMember']>[0]): void {
    check(typeof member === 'object', 'member must be an object');
    const tenant = this.tenantOf(member.companyId);
    for (const key of ['publicKey', 'privateKey'] as const)
      check(typeof member[key] === 'string' && member[key] !== '', `${key} is required`);
    check(!tenant.members.some((m) => m.publicKey === member.publicKey), 'publicKey is taken');
    const role = { ...fullRole };
    for (const [area, level] of Object.entries(member.role ?? {})) {
      check(
        (securityAreas as readonly string[]).includes(area),
        `role areas are ${securityAreas.join(', ')}`,
      );
      check(accessLevels.includes(level), `access levels are ${accessLevels.join(', ')}`);
      role[area as keyof typeof role] = level;
    }
    tenant.members.push({
      publicKey: member.publicKey,
      privateKey: member.privateKey,
      memberIdentifier: member.memberIdentifier ?? 'APIMember',
      role,
    });
  }

  addClientId(clientId: string): void {
    check(typeof clientId === 'string' && clientId.trim() !== '', 'clientId is required');
    this.state.clientIds.add(clientId.trim().toLowerCase());
  }

  writes(companyId?: string): WriteRecord[] {
    return this.tenantOf(companyId).db.writes.map((w) => structuredClone(w));
  }

  stats(): Record<string, TenantStats> {
    return Object.fromEntries(
      [...this.state.tenants.values()].map((t) => [t.companyId, structuredClone(t.stats)]),
    );
  }
}
