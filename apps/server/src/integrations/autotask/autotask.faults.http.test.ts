import { beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from './autotask.limits.js';
import { allCompanies, connect, tenantToday, useSandbox, type Harness } from './autotask.test-support.js';

const { sb, use } = useSandbox('demo', { isResetBeforeEach: true });
beforeEach(() => {
  sb.admin.setLatency(0);
  sb.admin.setLimits({ hourlyThreshold: 10_000, threadLimit: 3, latencyTierScale: 1 });
  sb.admin.setClock(null);
});

const outcomes = (h: Harness, endpoint: string): [number | null, string][] =>
  h.calls.filter((c) => c.endpoint === endpoint).map((c) => [c.status, c.outcome]);

async function acmeTarget(
  h: Harness,
): Promise<{ contractId: string; serviceId: string; contractServiceId: string }> {
  const acme = (await allCompanies(h.connection)).find((c) => c.name === 'Acme Corporation')!;
  const contracts = await h.connection.readContracts([acme.id]);
  if (!contracts.ok) throw new Error(contracts.error.code);
  const contract = contracts.value.find((c) => c.isRecurringService && c.isActive)!;
  const services = await h.connection.readContractServices([contract.id]);
  if (!services.ok) throw new Error(services.error.code);
  const service = services.value[0]!;
  return { contractId: contract.id, serviceId: service.serviceId, contractServiceId: service.id };
}

describe('transient faults on reads are retried', () => {
  it('a 429 storm, then success', async () => {
    sb.admin.setFaults([{ entity: 'Companies', kind: '429', count: 3, retryAfterSeconds: 0 }]);
    const h = use(connect(sb));
    expect((await allCompanies(h.connection)).length).toBeGreaterThan(40);
    expect(outcomes(h, 'Companies/query')).toStrictEqual([
      [429, 'retry'],
      [429, 'retry'],
      [429, 'retry'],
      [200, 'ok'],
    ]);
  });

  it('429 beyond the attempt budget → rate_limited', async () => {
    sb.admin.setFaults([{ entity: 'Companies', kind: '429', retryAfterSeconds: 0 }]);
    const h = use(connect(sb, { config: { maxAttempts: 3 } }));
    const page = await h.connection.listCompanies()[Symbol.asyncIterator]().next();
    expect(page.value).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(h.count('Companies/query')).toBe(3);
  });

  it.each(['502', '503', '504'] as const)('%s is retried', async (kind) => {
    sb.admin.setFaults([{ entity: 'Contracts', method: 'POST', kind, count: 2 }]);
    const h = use(connect(sb));
    const result = await h.connection.readContracts(['0', '1']);
    expect(result.ok).toBe(true);
    expect(outcomes(h, 'Contracts/query')).toStrictEqual([
      [Number(kind), 'retry'],
      [Number(kind), 'retry'],
      [200, 'ok'],
    ]);
  });

  it('500 is not retried and carries the text', async () => {
    sb.admin.setFaults([{ entity: 'Contracts', method: 'POST', kind: '500', count: 1 }]);
    const h = use(connect(sb));
    const result = await h.connection.readContracts(['1']);
    expect(result.ok ? null : result.error.code).toBe('validation_failed');
    expect(outcomes(h, 'Contracts/query')).toStrictEqual([[500, 'error']]);
  });

  it('a connection reset on a query is retried', async () => {
    sb.admin.setFaults([{ entity: 'Companies', kind: 'reset', count: 1 }]);
    const h = use(connect(sb));
    expect((await allCompanies(h.connection)).length).toBeGreaterThan(40);
    const attempts = outcomes(h, 'Companies/query');
    expect(attempts).toStrictEqual([
      [null, 'retry'],
      [200, 'ok'],
    ]);
  });

  it('a connection reset on a GET (ThresholdInformation) is retried', async () => {
    sb.admin.setFaults([{ entity: 'ThresholdInformation', method: 'GET', kind: 'reset', count: 2 }]);
    const h = use(connect(sb));
    const budget = await h.connection.budget();
    expect(budget.ok).toBe(true);
    expect(outcomes(h, 'ThresholdInformation')).toStrictEqual([
      [null, 'retry'],
      [null, 'retry'],
      [200, 'ok'],
    ]);
  });

  it('a request that never answers → timeout', async () => {
    sb.admin.setFaults([{ entity: 'Companies', kind: 'timeout' }]);
    const h = use(connect(sb, { config: { requestTimeoutMs: 1_000, maxAttempts: 2 } }));
    const page = await h.connection.listCompanies()[Symbol.asyncIterator]().next();
    expect(page.value).toMatchObject({ ok: false, error: { code: 'timeout' } });
    expect(outcomes(h, 'Companies/query')).toStrictEqual([
      [null, 'retry'],
      [null, 'error'],
    ]);
  });
});

describe('adjustments are never retried', () => {
  it('commit-then-drop → isAmbiguous, exactly one adjustment committed', async () => {
    const h = use(connect(sb));
    const target = await acmeTarget(h);
    sb.admin.setFaults([{ entity: 'ContractServiceAdjustments', kind: 'commit-then-drop', count: 1 }]);
    const result = await h.connection.createUnitAdjustment({
      ...target,
      unitChange: 2,
      effectiveDate: tenantToday(),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.isAmbiguous).toBe(true);
    expect(['unavailable', 'timeout']).toContain(result.error.code);
    expect(h.count('ContractServiceAdjustments')).toBe(1);
    expect(sb.admin.adjustments()).toHaveLength(1);
  });

  it('a 503 on create is reported, not retried, and not ambiguous', async () => {
    const h = use(connect(sb));
    const target = await acmeTarget(h);
    sb.admin.setFaults([{ entity: 'ContractServiceAdjustments', kind: '503', count: 1 }]);
    const result = await h.connection.createUnitAdjustment({
      ...target,
      unitChange: 2,
      effectiveDate: tenantToday(),
    });
    expect(result.ok ? null : result.error.code).toBe('unavailable');
    expect(result.ok ? null : result.error.isAmbiguous).toBeUndefined();
    expect(outcomes(h, 'ContractServiceAdjustments')).toStrictEqual([[503, 'error']]);
    expect(sb.admin.adjustments()).toHaveLength(0);
  });

  it('a timeout on create → timeout + isAmbiguous, not retried', async () => {
    const h = use(connect(sb, { config: { requestTimeoutMs: 1_000 } }));
    const target = await acmeTarget(h);
    sb.admin.setFaults([{ entity: 'ContractServiceAdjustments', kind: 'timeout', count: 1 }]);
    const result = await h.connection.createUnitAdjustment({
      ...target,
      unitChange: 2,
      effectiveDate: tenantToday(),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout', isAmbiguous: true } });
    expect(h.count('ContractServiceAdjustments')).toBe(1);
  });
});

describe('thread limit: 3 per entity endpoint', () => {
  it('many parallel readContracts never trigger a 429', async () => {
    sb.admin.setLatency(30);
    const h = use(connect(sb));
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => h.connection.readContracts([String(i)])),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(sb.admin.stats().rejected429).toBe(0);
    expect(h.calls.filter((c) => c.status === 429)).toHaveLength(0);
  });

  it('with the tenant limited to 1 thread we get 429s and retry through them', async () => {
    sb.admin.setLatency(30);
    sb.admin.setLimits({ threadLimit: 1 });
    // Production backoff shape (not the fast test default): 12 callers contend for one thread.
    const h = use(connect(sb, { config: { maxAttempts: 12, backoffBaseMs: 50, backoffMaxMs: 500 } }));
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => h.connection.readContracts([String(i)])),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(h.calls.filter((c) => c.status === 429 && c.outcome === 'retry').length).toBeGreaterThan(0);
    expect(sb.admin.stats().rejected429).toBeGreaterThan(0);
  });
});

describe('hourly budget', () => {
  it('with a tiny threshold we slow down, then pause (not fail), and stay under our share', async () => {
    // Virtual time shared with the sandbox: our sleeps move both clocks, so an hour passes instantly.
    let now = Date.parse('2026-11-27T15:00:00Z');
    sb.admin.setClock(new Date(now).toISOString());
    const clock: Clock = {
      now: () => now,
      sleep: (ms) => {
        now += ms;
        sb.admin.setClock(new Date(now).toISOString());
        return Promise.resolve();
      },
    };
    sb.admin.setLimits({ hourlyThreshold: 40, latencyTierScale: 0 });
    const h = use(connect(sb, { config: { clock, budgetShare: 0.5 } }));

    const starts: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const result = await h.connection.readContracts([String(i)]);
      expect(result.ok).toBe(true);
      starts.push(now);
    }
    expect(h.count('ThresholdInformation')).toBeGreaterThanOrEqual(2);
    expect(h.paces.some((p) => p.reason === 'spacing')).toBe(true);
    expect(h.paces.every((p) => p.allowance === 20 && p.tenantLimit === 40)).toBe(true);
    expect(h.calls.filter((c) => c.status === 429)).toHaveLength(0);
    // Never more than our 50 % (20 requests, threshold reads included) in any rolling hour.
    const requestTimes = starts;
    const hourMs = 3_600_000;
    const busiest = Math.max(
      ...requestTimes.map((s) => requestTimes.filter((t) => t >= s && t < s + hourMs).length),
    );
    expect(busiest).toBeLessThanOrEqual(20);
    expect(now - Date.parse('2026-11-27T15:00:00Z')).toBeGreaterThan(hourMs);
  });

  it('pauses when the tenant is exhausted by someone else, and resumes', async () => {
    let now = Date.parse('2026-11-27T15:00:00Z');
    sb.admin.setClock(new Date(now).toISOString());
    const clock: Clock = {
      now: () => now,
      sleep: (ms) => {
        now += ms;
        sb.admin.setClock(new Date(now).toISOString());
        return Promise.resolve();
      },
    };
    sb.admin.setLimits({ hourlyThreshold: 30, latencyTierScale: 0 });
    // "Another integration" of the same tenant burns the whole budget (plain HTTP, not our client).
    for (let i = 0; i < 30; i += 1) {
      const response = await fetch(`${sb.zoneUrl}V1.0/Companies/query`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ApiIntegrationCode: sb.apiUser.integrationCode,
          UserName: sb.apiUser.username,
          Secret: sb.apiUser.secret,
        },
        body: JSON.stringify({ filter: [{ op: 'eq', field: 'id', value: 0 }] }),
      });
      await response.text();
    }

    const h = use(connect(sb, { config: { clock, exhaustedRecheckMs: 10 * 60_000 } }));
    const result = await h.connection.readContracts(['1']);
    expect(result.ok).toBe(true);
    expect(h.paces.map((p) => p.reason)).toContain('tenant_exhausted');
    expect(h.calls.filter((c) => c.endpoint.startsWith('Contracts/') && c.status === 429)).toHaveLength(0);
    expect(now - Date.parse('2026-11-27T15:00:00Z')).toBeGreaterThanOrEqual(50 * 60_000);
  });
});
