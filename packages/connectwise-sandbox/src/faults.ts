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
  'delay',
] as const;
export type FaultKind = (typeof faultKinds)[number];
export const faultMethods = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
export type FaultMethod = (typeof faultMethods)[number];

/**
 * One injected fault. `path` is a case-insensitive prefix of the path after `apis/3.0/`
 * (e.g. `finance/agreements`), or `login/companyinfo` for discovery; omitted = every API path.
 */
export interface FaultRule {
  kind: FaultKind;
  path?: string;
  method?: FaultMethod;
  /** only requests of this company id */
  companyId?: string;
  /** the next N matching requests (default: all) */
  count?: number;
  /** probability per matching request, 0..1 (default 1), from a seeded PRNG */
  rate?: number;
  retryAfterSeconds?: number;
  /** `delay`: answer normally after this many ms (a slow but successful call), at most 60,000 */
  delayMs?: number;
}

export function invalidFaultRule(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'each rule must be an object';
  const r = value as Record<string, unknown>;
  if (!faultKinds.includes(r.kind as FaultKind)) return `kind must be one of ${faultKinds.join(', ')}`;
  if (r.path !== undefined && typeof r.path !== 'string') return 'path must be a string';
  if (r.companyId !== undefined && typeof r.companyId !== 'string') return 'companyId must be a string';
  if (r.method !== undefined && !faultMethods.includes(r.method as FaultMethod))
    return `method must be one of ${faultMethods.join(', ')}`;
  if (r.rate !== undefined && (typeof r.rate !== 'number' || r.rate < 0 || r.rate > 1))
    return 'rate must be between 0 and 1';
  if (r.count !== undefined && (typeof r.count !== 'number' || !Number.isInteger(r.count) || r.count < 0))
    return 'count must be a non-negative integer';
  if (
    r.retryAfterSeconds !== undefined &&
    (typeof r.retryAfterSeconds !== 'number' || r.retryAfterSeconds < 0)
  )
    return 'retryAfterSeconds must be a non-negative number';
  if (r.kind === 'delay' && (typeof r.delayMs !== 'number' || r.delayMs < 0 || r.delayMs > 60_000))
    return 'delay needs delayMs between 0 and 60000';
  return null;
}

export class FaultInjector {
  private rules: { rule: FaultRule; remaining: number }[] = [];
  private random = createPrng(0xc0ffee);

  set(rules: readonly FaultRule[]): void {
    this.random = createPrng(0xc0ffee);
    this.rules = rules.map((rule) => ({
      rule: { ...rule },
      remaining: rule.count ?? Number.POSITIVE_INFINITY,
    }));
  }

  clear(): void {
    this.rules = [];
  }

  /** The first live rule matching the request, consuming one of its `count`. */
  take(path: string, method: string, companyId: string | null): FaultRule | null {
    const lower = path.toLowerCase().replace(/^\/+/, '');
    for (const active of this.rules) {
      const { rule } = active;
      if (active.remaining <= 0) continue;
      if (rule.path !== undefined && !lower.startsWith(rule.path.toLowerCase().replace(/^\/+/, ''))) continue;
      if (rule.method !== undefined && rule.method !== method) continue;
      if (rule.companyId !== undefined && rule.companyId.toLowerCase() !== companyId?.toLowerCase()) continue;
      if (this.random() >= (rule.rate ?? 1)) continue;
      active.remaining -= 1;
      return rule;
    }
    return null;
  }
}
