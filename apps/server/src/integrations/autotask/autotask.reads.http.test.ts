import { describe, expect, it } from 'vitest';
import type { PsaContract, PsaContractService } from '../../psa/psa-provider.port.js';
import {
  addDays,
  allCompanies,
  connect,
  tenantToday,
  useSandbox,
  type Harness,
} from './autotask.test-support.js';

// Generous timeout: the in-process sandbox filters ~170,000 unit rows per page on a shared CPU.
describe('at scale (1,200 companies, one 6-service recurring contract each)', { timeout: 90_000 }, () => {
  const { sb, use } = useSandbox('scale:1200');

  it('pages companies past 500 by re-POSTing nextPageUrl', async () => {
    const h = use(connect(sb));
    const pages: number[] = [];
    const ids = new Set<string>();
    for await (const page of h.connection.listCompanies()) {
      if (!page.ok) throw new Error(page.error.code);
      pages.push(page.value.length);
      for (const c of page.value) ids.add(c.id);
    }
    expect(pages).toStrictEqual([500, 500, 201]); // 1,200 + the MSP's own company 0
    expect(ids.size).toBe(1_201);
    expect(h.calls.filter((c) => c.endpoint === 'Companies/query').map((c) => c.method)).toStrictEqual([
      'POST',
    ]);
    expect(h.calls.filter((c) => c.endpoint === 'Companies/query/next').map((c) => c.method)).toStrictEqual([
      'POST',
      'POST',
    ]);
  });

  it('chunks ids past 500: readContracts for 1,200 companies is 3 queries', async () => {
    const h = use(connect(sb));
    const companies = (await allCompanies(h.connection)).filter((c) => c.id !== '0');
    const contracts = await h.connection.readContracts(companies.map((c) => c.id));
    if (!contracts.ok) throw new Error(contracts.error.code);
    expect(contracts.value).toHaveLength(1_200);
    expect(h.count('Contracts/query')).toBe(3);
    // picklists come from the tenant's metadata, once per connection
    expect(h.count('Contracts/entityInformation/fields')).toBe(1);
    await h.connection.readContracts(companies.slice(0, 10).map((c) => c.id));
    expect(h.count('Contracts/entityInformation/fields')).toBe(1);
    expect(contracts.value.every((c) => c.isRecurringService && c.isActive)).toBe(true);
  });

  it('reads 7,200 contract services and exactly one current units window each', async () => {
    const h = use(connect(sb));
    const companies = (await allCompanies(h.connection)).filter((c) => c.id !== '0');
    const contracts = await h.connection.readContracts(companies.map((c) => c.id));
    if (!contracts.ok) throw new Error(contracts.error.code);
    const contractIds = contracts.value.map((c) => c.id);
    const [services, units] = await Promise.all([
      h.connection.readContractServices(contractIds),
      h.connection.readUnits(contractIds, tenantToday()),
    ]);
    if (!services.ok || !units.ok) throw new Error('read failed');
    expect(services.value).toHaveLength(7_200);
    expect(units.value).toHaveLength(7_200);
    expect(new Set(units.value.map((u) => u.contractServiceId)).size).toBe(7_200);
    const today = tenantToday();
    expect(units.value.every((u) => u.startDate <= today && today <= u.endDate)).toBe(true);
    // chunks of 500, 500 and 200 contracts × 6 services → 3,000 + 3,000 + 1,200 rows → 6 + 6 + 3 pages
    expect(h.count('ContractServices/')).toBe(15);
  });
});

describe('demo tenant: units and adjustments', () => {
  const { sb, use } = useSandbox('demo');

  async function acmeEndpointSecurity(
    h: Harness,
  ): Promise<{ contract: PsaContract; service: PsaContractService; serviceName: string }> {
    const companies = await allCompanies(h.connection);
    const acme = companies.find((c) => c.name === 'Acme Corporation')!;
    const contracts = await h.connection.readContracts([acme.id]);
    if (!contracts.ok) throw new Error(contracts.error.code);
    const contract = contracts.value.find((c) => c.isRecurringService && c.isActive)!;
    const catalog = await h.connection.listServices();
    if (!catalog.ok) throw new Error(catalog.error.code);
    const endpoint = catalog.value.find((s) => s.name === 'Coro Endpoint Security')!;
    const services = await h.connection.readContractServices([contract.id]);
    if (!services.ok) throw new Error(services.error.code);
    const service = services.value.find((s) => s.serviceId === endpoint.id)!;
    return { contract, service, serviceName: endpoint.name };
  }

  it('lists services with price and activity, and filters companies by modification time', async () => {
    const h = use(connect(sb));
    const services = await h.connection.listServices();
    if (!services.ok) throw new Error(services.error.code);
    expect(services.value.map((s) => s.name)).toEqual(
      expect.arrayContaining(['Coro Endpoint Security', 'Coro EDR', 'Managed Backup']),
    );
    expect(services.value.every((s) => s.unitPrice === null || typeof s.unitPrice === 'number')).toBe(true);

    const all = await allCompanies(h.connection);
    const future: string[] = [];
    for await (const page of h.connection.listCompanies({ modifiedSince: '2999-01-01T00:00:00Z' })) {
      if (!page.ok) throw new Error(page.error.code);
      future.push(...page.value.map((c) => c.id));
    }
    const since2000: string[] = [];
    for await (const page of h.connection.listCompanies({ modifiedSince: '2000-01-01T00:00:00Z' })) {
      if (!page.ok) throw new Error(page.error.code);
      since2000.push(...page.value.map((c) => c.id));
    }
    expect(all.length).toBeGreaterThan(40);
    expect(future).toStrictEqual([]);
    expect(since2000.length).toBeGreaterThan(0);
    expect(since2000.length).toBeLessThanOrEqual(all.length);
    const bad = await h.connection
      .listCompanies({ modifiedSince: 'yesterday' })
      [Symbol.asyncIterator]()
      .next();
    expect(bad.value).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('maps contract edge cases: inactive / expired contracts are reported as such', async () => {
    const h = use(connect(sb));
    const companies = await allCompanies(h.connection);
    const glacier = companies.find((c) => c.name === 'Glacier Bay Fisheries')!;
    const hollow = companies.find((c) => c.name === 'Hollow Creek Farms')!;
    expect(hollow.isActive).toBe(false);
    const contracts = await h.connection.readContracts([glacier.id]);
    if (!contracts.ok) throw new Error(contracts.error.code);
    expect(contracts.value.length).toBeGreaterThan(0);
    expect(contracts.value.every((c) => c.endDate < tenantToday())).toBe(true);
  });

  it('an adjustment on a date shows in readUnits from that date on, not the day before (day-shift)', async () => {
    sb.admin.reset('demo');
    const h = use(connect(sb));
    const { contract, service } = await acmeEndpointSecurity(h);
    // Three days ahead, so the date is inside the contract and after "today" in any zone.
    const effective = addDays(tenantToday(), 3);
    const before = await h.connection.readUnits([contract.id], effective);
    if (!before.ok) throw new Error(before.error.code);
    const windowBefore = before.value.find((u) => u.contractServiceId === service.id)!;

    const created = await h.connection.createUnitAdjustment({
      contractId: contract.id,
      serviceId: service.serviceId,
      contractServiceId: service.id,
      unitChange: 7,
      effectiveDate: effective,
    });
    expect(created.ok).toBe(true);

    const on = await h.connection.readUnits([contract.id], effective);
    const dayBefore = await h.connection.readUnits([contract.id], addDays(effective, -1));
    if (!on.ok || !dayBefore.ok) throw new Error('read failed');
    const windowOn = on.value.find((u) => u.contractServiceId === service.id)!;
    expect(windowOn.units).toBe(windowBefore.units + 7);
    expect(windowOn.startDate).toBe(effective);
    expect(dayBefore.value.find((u) => u.contractServiceId === service.id)!.units).toBe(windowBefore.units);
    // one window per contract service, always
    expect(new Set(on.value.map((u) => u.contractServiceId)).size).toBe(on.value.length);

    expect(sb.admin.unitsOn(Number(contract.id), Number(service.serviceId), effective)).toBe(
      windowBefore.units + 7,
    );
    expect(sb.admin.unitsOn(Number(contract.id), Number(service.serviceId), addDays(effective, -1))).toBe(
      windowBefore.units,
    );
    const records = sb.admin.adjustments();
    expect(records).toHaveLength(1);
    expect(JSON.stringify(records[0])).toContain(effective);
  });

  it('a negative delta removes units', async () => {
    sb.admin.reset('demo');
    const h = use(connect(sb));
    const { contract, service } = await acmeEndpointSecurity(h);
    const today = tenantToday();
    const before = await h.connection.readUnits([contract.id], today);
    if (!before.ok) throw new Error(before.error.code);
    const units = before.value.find((u) => u.contractServiceId === service.id)!.units;
    const effective = addDays(today, 1);
    const created = await h.connection.createUnitAdjustment({
      contractId: contract.id,
      serviceId: service.serviceId,
      unitChange: -1,
      effectiveDate: effective,
    });
    expect(created.ok).toBe(true);
    const after = await h.connection.readUnits([contract.id], effective);
    if (!after.ok) throw new Error(after.error.code);
    expect(after.value.find((u) => u.contractServiceId === service.id)!.units).toBe(units - 1);
  });

  it('rejects bad input locally without calling Autotask', async () => {
    const h = use(connect(sb));
    const badDate = await h.connection.readUnits(['1'], '2026-02-30');
    const badId = await h.connection.readContracts(['12a']);
    const badDelta = await h.connection.createUnitAdjustment({
      contractId: '1',
      serviceId: '1',
      unitChange: 1.5,
      effectiveDate: '2026-01-01',
    });
    expect([badDate, badId, badDelta].map((r) => (r.ok ? null : r.error.code))).toStrictEqual([
      'validation_failed',
      'validation_failed',
      'validation_failed',
    ]);
    expect(h.calls).toHaveLength(0);
  });

  it('empty id lists cost nothing', async () => {
    const h = use(connect(sb));
    const results = await Promise.all([
      h.connection.readContracts([]),
      h.connection.readContractServices([]),
      h.connection.readUnits([], '2026-01-01'),
    ]);
    expect(results.map((r) => (r.ok ? r.value.length : -1))).toStrictEqual([0, 0, 0]);
    expect(h.calls).toHaveLength(0);
  });

  it('budget() reads ThresholdInformation and counts our requests', async () => {
    const h = use(connect(sb));
    await allCompanies(h.connection);
    const budget = await h.connection.budget();
    if (!budget.ok) throw new Error(budget.error.code);
    expect(budget.value.limit).toBe(10_000);
    expect(budget.value.windowMinutes).toBe(60);
    expect(budget.value.used).toBeGreaterThan(0);
    expect(budget.value.madeByUs).toBe(h.calls.length);
  });
});
