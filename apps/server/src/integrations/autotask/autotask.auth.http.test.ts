import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { PsaError } from '../../psa/psa-provider.port.js';
import { allCompanies, connect, tenantToday, useSandbox, type Harness } from './autotask.test-support.js';

const { sb, use, open } = useSandbox('demo', { isResetBeforeEach: true });

describe('verify', () => {
  it('discovers the zone, proves the credentials with ThresholdInformation and reads the internal currency', async () => {
    const h = use(connect(sb));
    const result = await h.connection.verify();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.zoneName.length).toBeGreaterThan(0);
    expect(result.value.tenantId).toMatch(/^\d+$/);
    // The demo tenant also has an active EUR: only the internal currency is the tenant's.
    expect(result.value.currency).toBe('USD');
    expect(h.calls.map((c) => [c.endpoint, c.method, c.status, c.outcome])).toStrictEqual([
      ['zoneInformation', 'GET', 200, 'ok'],
      ['ThresholdInformation', 'GET', 200, 'ok'],
      ['Currencies/query', 'POST', 200, 'ok'],
    ]);
  });

  it('a tenant without an internal currency still verifies, with currency null', async () => {
    sb.admin.reset('empty');
    const h = use(connect(sb));
    const result = await h.connection.verify();
    expect(result.ok ? result.value.currency : result.error.code).toBeNull();
  });

  it('unknown username → bad_username (Autotask: 500 "Zone information could not be determined")', async () => {
    const h = use(connect(sb, { credentials: { username: 'nobody@example.com' } }));
    const result = await h.connection.verify();
    expect(result.ok ? null : result.error.code).toBe('bad_username');
    expect(h.calls).toHaveLength(1); // 500 is final: not retried
  });

  it('wrong secret → bad_secret after one rediscovery', async () => {
    const h = use(connect(sb, { credentials: { secret: 'definitely-wrong-secret' } }));
    const result = await h.connection.verify();
    expect(result.ok ? null : result.error.code).toBe('bad_secret');
    expect(h.calls.map((c) => [c.endpoint, c.status])).toStrictEqual([
      ['zoneInformation', 200],
      ['ThresholdInformation', 401],
      ['zoneInformation', 200],
    ]);
  });

  it('wrong tracking identifier → bad_integration_code', async () => {
    const h = use(connect(sb, { credentials: { integrationCode: 'NOT-A-REAL-TRACKING-ID' } }));
    const result = await h.connection.verify();
    expect(result.ok ? null : result.error.code).toBe('bad_integration_code');
    expect(result.ok ? null : result.error.detail).toContain('IntegrationCode is invalid');
  });

  it('discovery that cannot reach Autotask → zone_unknown', async () => {
    const h = use(
      connect(sb, {
        config: {
          discoveryBaseUrl: 'http://127.0.0.1:9/ATServicesRest/',
          maxAttempts: 2,
          connectTimeoutMs: 500,
        },
      }),
    );
    const result = await h.connection.verify();
    expect(result.ok ? null : result.error.code).toBe('zone_unknown');
  });

  it('discovery answered by something that is not Autotask → zone_unknown', async () => {
    const h = use(connect(sb, { config: { discoveryBaseUrl: `${sb.url}/not-autotask/` } }));
    const result = await h.connection.verify();
    expect(result.ok ? null : result.error.code).toBe('zone_unknown');
  });
});

describe('permissions', () => {
  it('a read-only API user can read but gets permission_denied on create, and nothing is created', async () => {
    sb.admin.addApiUser({
      username: 'reader@example.com',
      secret: 'reader-secret-123',
      integrationCode: sb.apiUser.integrationCode,
      readOnly: true,
    });
    const h = use(
      connect(sb, { credentials: { username: 'reader@example.com', secret: 'reader-secret-123' } }),
    );
    expect((await h.connection.verify()).ok).toBe(true);
    const companies = await allCompanies(h.connection);
    const acme = companies.find((c) => c.name === 'Acme Corporation');
    expect(acme).toBeDefined();
    const contracts = await h.connection.readContracts([acme!.id]);
    if (!contracts.ok) throw new Error(contracts.error.code);
    const contract = contracts.value.find((c) => c.isRecurringService && c.isActive)!;
    const services = await h.connection.readContractServices([contract.id]);
    if (!services.ok) throw new Error(services.error.code);
    const service = services.value[0]!;

    const created = await h.connection.createUnitAdjustment({
      contractId: contract.id,
      serviceId: service.serviceId,
      contractServiceId: service.id,
      unitChange: 1,
      effectiveDate: tenantToday(),
    });
    expect(created.ok ? null : created.error.code).toBe('permission_denied');
    expect(sb.admin.adjustments()).toHaveLength(0);
  });
});

describe('call events', () => {
  it('say what each request is: discovery, read or write, and its entity', async () => {
    const h = use(connect(sb));
    const companies = await allCompanies(h.connection);
    const acme = companies.find((c) => c.name === 'Acme Corporation')!;
    const contracts = await h.connection.readContracts([acme.id]);
    if (!contracts.ok) throw new Error(contracts.error.code);
    const contract = contracts.value.find((c) => c.isRecurringService && c.isActive)!;
    const services = await h.connection.readContractServices([contract.id]);
    if (!services.ok) throw new Error(services.error.code);
    const service = services.value[0]!;
    const created = await h.connection.createUnitAdjustment({
      contractId: contract.id,
      serviceId: service.serviceId,
      contractServiceId: service.id,
      unitChange: 1,
      effectiveDate: tenantToday(),
    });
    expect(created.ok).toBe(true);
    const kinds = new Map(h.calls.map((c) => [c.endpoint, `${c.kind} ${c.entity}`]));
    expect(kinds.get('zoneInformation')).toBe('discovery zoneInformation');
    expect(kinds.get('Companies/query')).toBe('read Companies');
    expect(kinds.get('Contracts/query')).toBe('read Contracts');
    expect(kinds.get('ContractServiceAdjustments')).toBe('write ContractServiceAdjustments');
    expect(h.calls.filter((c) => c.kind === 'write')).toHaveLength(1);
  });
});

describe('zone moves', () => {
  it('a 401 from the old zone triggers rediscovery and the call succeeds on the new zone', async () => {
    const h = use(connect(sb));
    expect((await h.connection.verify()).ok).toBe(true);
    const oldZoneUrl = sb.zoneUrl;
    const moved = sb.admin.moveZone();
    expect(moved.zoneUrl).not.toBe(oldZoneUrl);

    const companies = await allCompanies(h.connection);
    expect(companies.length).toBeGreaterThan(40);
    const afterMove = h.calls.slice(3).map((c) => [c.endpoint, c.status]);
    expect(afterMove.slice(0, 3)).toStrictEqual([
      ['Companies/query', 401],
      ['zoneInformation', 200],
      ['Companies/query', 200],
    ]);
  });

  it('parallel calls caught by a zone move share one rediscovery', async () => {
    const h = use(connect(sb));
    expect((await h.connection.verify()).ok).toBe(true);
    sb.admin.moveZone();
    const before = h.calls.length;
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => h.connection.readContracts([String(i + 1)])),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(h.calls.slice(before).filter((c) => c.endpoint === 'zoneInformation')).toHaveLength(1);
  });

  it('an adjustment rejected with 401 by the old zone is sent once more on the new zone, and applied once', async () => {
    const h = use(connect(sb));
    const acme = (await allCompanies(h.connection)).find((c) => c.name === 'Acme Corporation')!;
    const contracts = await h.connection.readContracts([acme.id]);
    if (!contracts.ok) throw new Error(contracts.error.code);
    const contract = contracts.value.find((c) => c.isRecurringService && c.isActive)!;
    const services = await h.connection.readContractServices([contract.id]);
    if (!services.ok) throw new Error(services.error.code);
    const service = services.value[0]!;
    sb.admin.moveZone();

    const created = await h.connection.createUnitAdjustment({
      contractId: contract.id,
      serviceId: service.serviceId,
      contractServiceId: service.id,
      unitChange: 3,
      effectiveDate: tenantToday(),
    });
    expect(created.ok).toBe(true);
    expect(
      h.calls.filter((c) => c.endpoint === 'ContractServiceAdjustments').map((c) => c.status),
    ).toStrictEqual([401, 200]);
    expect(sb.admin.adjustments()).toHaveLength(1);
  });
});

describe('secrets', () => {
  it('never appear in logs or in error objects', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'trace' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    );
    const errors: PsaError[] = [];
    const secret = sb.apiUser.secret;
    const collect = async (h: Harness): Promise<void> => {
      const verified = await h.connection.verify();
      if (!verified.ok) errors.push(verified.error);
      for await (const page of h.connection.listCompanies()) if (!page.ok) errors.push(page.error);
      const created = await h.connection.createUnitAdjustment({
        contractId: '999999',
        serviceId: '1',
        unitChange: 1,
        effectiveDate: tenantToday(),
      });
      if (!created.ok) errors.push(created.error);
    };

    sb.admin.setFaults([
      { entity: 'Companies', kind: '429', count: 2 },
      { entity: 'Companies', kind: 'reset', count: 1 },
    ]);
    await collect(use(connect(sb, { config: { logger } })));
    sb.admin.clearFaults();
    await collect(use(connect(sb, { config: { logger }, credentials: { secret: `${secret}-wrong` } })));
    await collect(use(connect(sb, { config: { logger }, credentials: { integrationCode: 'bad-code' } })));
    await collect(use(connect(sb, { config: { logger }, credentials: { username: 'ghost@example.com' } })));

    expect(lines.length).toBeGreaterThan(5);
    expect(errors.length).toBeGreaterThan(3);
    const everything = `${lines.join('\n')}\n${errors.map((e) => JSON.stringify(e)).join('\n')}\n${JSON.stringify(open.map((h) => h.connection))}`;
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(`${secret}-wrong`);
    expect(everything).not.toContain(sb.apiUser.integrationCode);
  });
});
