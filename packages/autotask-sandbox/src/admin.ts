import { invalidFaultRule, type FaultRule } from './faults.js';
import { invalidSeed, type SeedOption } from './seeds/index.js';
import type { SandboxState } from './state.js';
import { apiUserResourceId } from './seeds/catalog.js';
import type { AdjustmentRecord, SandboxAdmin, SandboxStats } from './types.js';
import { parseInstant } from './util/dates.js';
import { zonePrefix } from './router.js';

/** Bad admin input; the HTTP admin answers 400 with its message. */
export class AdminInputError extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AdminInputError(message);
}

function nonNegativeNumber(value: unknown, name: string): number {
  check(
    typeof value === 'number' && Number.isFinite(value) && value >= 0,
    `${name} must be a non-negative number`,
  );
  return value;
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

export class Admin implements SandboxAdmin {
  constructor(
    private readonly state: SandboxState,
    private readonly baseUrl: () => string,
  ) {}

  zoneUrl(): string {
    return `${this.baseUrl()}${zonePrefix(this.state.tenantZone)}`;
  }

  reset(seed?: SeedOption): void {
    if (seed !== undefined) {
      const problem = invalidSeed(seed);
      check(problem === null, problem ?? '');
    }
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
    this.state.limits.latencyMs = nonNegativeNumber(fixedMs, 'fixedMs');
  }

  setLimits(limits: { hourlyThreshold?: number; latencyTierScale?: number; threadLimit?: number }): void {
    check(typeof limits === 'object', 'limits must be an object');
    const next = { ...this.state.limits };
    if (limits.hourlyThreshold !== undefined)
      next.hourlyThreshold = nonNegativeNumber(limits.hourlyThreshold, 'hourlyThreshold');
    if (limits.latencyTierScale !== undefined)
      next.latencyTierScale = nonNegativeNumber(limits.latencyTierScale, 'latencyTierScale');
    if (limits.threadLimit !== undefined) {
      check(
        Number.isInteger(limits.threadLimit) && limits.threadLimit >= 1,
        'threadLimit must be a positive integer',
      );
      next.threadLimit = limits.threadLimit;
    }
    Object.assign(this.state.limits, next);
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
      check(this.state.findUser(username) !== undefined, `unknown API user ${username}`);
    // Every API user belongs to the one tenant, so the whole tenant moves.
    this.state.tenantZone += 1;
    return { zoneUrl: this.zoneUrl() };
  }

  addApiUser(user: { username: string; secret: string; integrationCode: string; readOnly?: boolean }): void {
    check(typeof user === 'object', 'user must be an object');
    for (const key of ['username', 'secret', 'integrationCode'] as const) {
      check(typeof user[key] === 'string' && user[key] !== '', `${key} is required`);
    }
    check(user.readOnly === undefined || typeof user.readOnly === 'boolean', 'readOnly must be a boolean');
    this.state.addUser({
      username: user.username,
      secret: user.secret,
      integrationCode: user.integrationCode,
      isReadOnly: user.readOnly ?? false,
      resourceId: apiUserResourceId,
    });
  }

  adjustments(): AdjustmentRecord[] {
    return this.state.db.adjustmentLog.map((a) => ({ ...a }));
  }

  rejectedAdjustments(): { body: unknown; error: string }[] {
    return this.state.db.rejectedAdjustments.map((r) => ({ ...r }));
  }

  unitsOn(contractId: number, serviceId: number, date: string): number | null {
    check(
      Number.isInteger(contractId) && Number.isInteger(serviceId),
      'contractId and serviceId must be integers',
    );
    check(typeof date === 'string' && dayPattern.test(date), 'date must be YYYY-MM-DD');
    const cs = this.state.db.contractServiceFor(contractId, serviceId);
    return cs ? this.state.db.units.unitsOn(cs.id, date) : null;
  }

  requestCount(): number {
    return this.state.counter.count(this.state.now());
  }

  stats(): SandboxStats {
    const s = this.state.stats;
    return { requests: s.requests, byEntity: { ...s.byEntity }, rejected429: s.rejected429 };
  }
}
