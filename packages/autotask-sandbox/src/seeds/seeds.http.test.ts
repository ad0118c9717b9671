import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../index.js';
import { RawApi } from '../testing/api-client.js';
import type { Sandbox, SeedDescription } from '../types.js';
import { scaleCompanyName } from './scale.js';

const started: Sandbox[] = [];
afterAll(() => Promise.all(started.map((s) => s.close())));

async function open(options: Parameters<typeof startSandbox>[0]): Promise<RawApi> {
  const sandbox = await startSandbox({ port: 0, ...options });
  started.push(sandbox);
  return new RawApi(sandbox);
}

const count = async (api: RawApi, entity: string, filter: unknown[]): Promise<number> =>
  ((await api.post(`${entity}/query/count`, { filter })).json as { queryCount: number }).queryCount;

describe('demo seed (docs/demo-data.md)', () => {
  it('has the own company, the customers with their edge cases, and noise', async () => {
    const api = await open({ seed: 'demo', now: () => new Date('2026-03-01T00:00:00Z') });
    const companies = await api.query('Companies', [{ op: 'exist', field: 'id' }]);
    const byName = new Map(companies.map((c) => [String(c.companyName), c]));
    expect(byName.get('Northwind MSP')?.id).toBe(0);
    expect(companies).toHaveLength(1 + 39 + 4);
    for (const name of [
      'Evergreen Law Group LLP',
      'Harborview Medical Center',
      'Lakeside Veterinary Clinic',
      'Quantum Analytics Inc.',
    ]) {
      expect(byName.has(name), name).toBe(true);
    }
    expect(byName.has('Nimbus Cloud Services')).toBe(false);
    expect(byName.get('Hollow Creek Farms')?.isActive).toBe(false);
    expect(byName.get('Coro Cybersecurity')?.companyType).toBe(7);

    const contractsOf = async (name: string): Promise<Record<string, unknown>[]> =>
      api.query('Contracts', [
        { op: 'eq', field: 'companyID', value: Number(byName.get(name)?.id) },
        { op: 'eq', field: 'contractType', value: 7 },
      ]);
    expect(await contractsOf('Elm Grove Library')).toHaveLength(0);
    expect(await contractsOf('Foxtrot Distribution')).toHaveLength(2);
    const [glacier] = await contractsOf('Glacier Bay Fisheries');
    expect(glacier?.endDate).toBe('2025-12-31T00:00:00Z');
    const [acme] = await contractsOf('Acme Corporation');
    expect(acme).toMatchObject({
      startDate: '2026-01-01T00:00:00Z',
      endDate: '2027-12-31T00:00:00Z',
      contractPeriodType: 1,
      status: 1,
    });

    const services = await api.query('Services', [{ op: 'beginsWith', field: 'name', value: 'Coro ' }]);
    expect(services).toHaveLength(12);
    const codes = await api.query('BillingCodes', [
      { op: 'eq', field: 'useType', value: 5 },
      { op: 'eq', field: 'isActive', value: true },
    ]);
    expect(codes.map((c) => c.id)).toContain(services[0]?.billingCodeID);
    expect(
      await count(api, 'Services', [
        { op: 'in', field: 'name', value: ['Managed Backup', 'Help Desk Per User'] },
      ]),
    ).toBe(2);
    const units = await api.query('ContractServiceUnits', [
      { op: 'eq', field: 'contractID', value: Number(acme?.id) },
    ]);
    expect(units.every((u) => Number(u.units) > 0)).toBe(true);
    expect(await count(api, 'Resources', [{ op: 'exist', field: 'id' }])).toBeGreaterThanOrEqual(2);
    const internal = await api.query('Currencies', [{ op: 'eq', field: 'isInternalCurrency', value: true }]);
    expect(internal).toMatchObject([{ name: 'USD', isActive: true, exchangeRate: 1 }]);
    expect(await count(api, 'Currencies', [{ op: 'eq', field: 'isActive', value: true }])).toBe(2);
  });
});

describe('scale and empty seeds', () => {
  it('scale:N has N companies with one recurring contract of six services each', async () => {
    const api = await open({ seed: 'scale:300' });
    expect(await count(api, 'Companies', [{ op: 'gt', field: 'id', value: 0 }])).toBe(300);
    expect(await count(api, 'Contracts', [{ op: 'eq', field: 'contractType', value: 7 }])).toBe(300);
    const internal = await api.query('Currencies', [{ op: 'eq', field: 'isInternalCurrency', value: true }]);
    expect(internal.map((c) => c.name)).toEqual(['USD']);
    expect(await count(api, 'ContractServices', [{ op: 'exist', field: 'id' }])).toBe(1800);
    const names = (await api.query('Companies', [{ op: 'gt', field: 'id', value: 0 }])).map(
      (c) => c.companyName,
    );
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toBe(scaleCompanyName(0));
  });

  it('generated names are deterministic and realistic', () => {
    expect(scaleCompanyName(12)).toBe(scaleCompanyName(12));
    expect(scaleCompanyName(1)).toMatch(/^[A-Z][a-z]+ [A-Z]/);
    const many = new Set(Array.from({ length: 50_000 }, (_, i) => scaleCompanyName(i)));
    expect(many.size).toBe(50_000);
  });

  it('empty has only company 0, resources and billing codes', async () => {
    const api = await open({ seed: 'empty' });
    expect(await count(api, 'Companies', [{ op: 'exist', field: 'id' }])).toBe(1);
    expect(await count(api, 'Services', [{ op: 'exist', field: 'id' }])).toBe(0);
    expect(await count(api, 'BillingCodes', [{ op: 'exist', field: 'id' }])).toBeGreaterThan(0);
  });
});

describe('file seed', () => {
  it('loads the documented JSON shape, including extra API users', async () => {
    const seed: SeedDescription = {
      resources: [{ id: 7, firstName: 'Pat', lastName: 'Lee', isActive: true }],
      billingCodes: [{ id: 8, name: 'Recurring', useType: 5, isActive: true }],
      companies: [
        { id: 0, companyName: 'File MSP', companyType: 1, isActive: true, ownerResourceID: 7 },
        { id: 10, companyName: 'File Customer', companyType: 1, isActive: true, ownerResourceID: 7 },
      ],
      services: [{ id: 20, name: 'Coro EDR', billingCodeID: 8, periodType: 1, unitPrice: 5 }],
      contracts: [
        {
          id: 30,
          companyID: 10,
          contractName: 'RS',
          contractType: 7,
          contractPeriodType: 2,
          status: 1,
          startDate: '2026-01-01',
          endDate: '2026-12-31',
          timeReportingRequiresStartAndStopTimes: 0,
        },
      ],
      contractServices: [{ id: 40, contractID: 30, serviceID: 20, unitPrice: 5, units: 12 }],
      apiUsers: [{ username: 'file@x.example', secret: 'f', integrationCode: 'FILE' }],
    };
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-seed-'));
    const file = join(dir, 'seed.json');
    writeFileSync(file, JSON.stringify(seed));
    const api = await open({ seed: { file } });
    const rows = await api.query('ContractServiceUnits', [{ op: 'eq', field: 'contractID', value: 30 }]);
    expect(rows.map((r) => [r.startDate, r.endDate, r.units])).toEqual([
      ['2026-01-01T00:00:00Z', '2026-03-31T00:00:00Z', 12],
      ['2026-04-01T00:00:00Z', '2026-06-30T00:00:00Z', 12],
      ['2026-07-01T00:00:00Z', '2026-09-30T00:00:00Z', 12],
      ['2026-10-01T00:00:00Z', '2026-12-31T00:00:00Z', 12],
    ]);
    const fileUser = new RawApi(api.sandbox, {
      username: 'file@x.example',
      secret: 'f',
      integrationCode: 'FILE',
    });
    expect((await fileUser.get('Companies/10')).status).toBe(200);

    writeFileSync(file, JSON.stringify({ companies: [{ id: 0, accountName: 'x' }] }));
    await expect(startSandbox({ port: 0, seed: { file } })).rejects.toThrow(/Unable to find accountName/);
  });
});
