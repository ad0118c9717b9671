import { createPrng } from './util/prng.js';

export const faultKinds = [
  '429',
  '500',
  '502',
  '503',
  '504',
  'timeout',
  'reset',
  'commit-then-drop',
] as const;
export type FaultKind = (typeof faultKinds)[number];
export const faultMethods = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
export type FaultMethod = (typeof faultMethods)[number];

export interface FaultRule {
  entity?: string;
  method?: FaultMethod;
  kind: FaultKind;
  rate?: number;
  count?: number;
  retryAfterSeconds?: number;
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export const zoneInformationEntity = 'zoneInformation';

/** Validates admin input; returns an error message or null. */
export function invalidFaultRule(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'each rule must be an object';
  const r = value as Record<string, unknown>;
  if (!faultKinds.includes(r.kind as FaultKind)) return `kind must be one of ${faultKinds.join(', ')}`;
  if (r.entity !== undefined && typeof r.entity !== 'string') return 'entity must be a string';
  if (r.method !== undefined && !faultMethods.includes(r.method as FaultMethod))
    return 'method must be GET, POST, PATCH, PUT or DELETE';
  if (r.rate !== undefined && (typeof r.rate !== 'number' || r.rate < 0 || r.rate > 1))
    return 'rate must be between 0 and 1';
  if (r.count !== undefined && (typeof r.count !== 'number' || !Number.isInteger(r.count) || r.count < 0))
    return 'count must be a non-negative integer';
  if (
    r.retryAfterSeconds !== undefined &&
    (typeof r.retryAfterSeconds !== 'number' || r.retryAfterSeconds < 0)
  ) {
    return 'retryAfterSeconds must be a non-negative number';
  }
  return null;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private random = createPrng(0x5eed);

  set(rules: readonly FaultRule[]): void {
    this.random = createPrng(0x5eed);
    this.rules = rules.map((rule) => ({
      rule: { ...rule },
      remaining: rule.count ?? Number.POSITIVE_INFINITY,
    }));
  }

  clear(): void {
    this.rules = [];
  }

  /** The first live rule matching this request, consuming one of its `count`. */
  take(entity: string, method: string): FaultRule | null {
    const lowerEntity = entity.toLowerCase();
    for (const active of this.rules) {
      const { rule } = active;
      if (active.remaining <= 0) continue;
      if (
        rule.entity === undefined
          ? lowerEntity === zoneInformationEntity.toLowerCase()
          : rule.entity.toLowerCase() !== lowerEntity
      )
        continue;
      if (rule.method !== undefined && rule.method !== method) continue;
      if (this.random() >= (rule.rate ?? 1)) continue;
      active.remaining -= 1;
      return rule;
    }
    return null;
  }
}
