import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../index.js';
import { RawApi, type Row } from '../testing/api-client.js';
import type { Sandbox } from '../types.js';

// docs/demo-data.md is the one story both PSAs' demo seeds tell: the companies and services named
// there must be the ConnectWise demo's too, so one Coro demo channel maps to either PSA.
const demoData = readFileSync(new URL('../../../../docs/demo-data.md', import.meta.url), 'utf8');
const tableRows = (heading: string): string[][] => {
  const section = demoData.split(/^## /m).find((s) => s.startsWith(heading)) ?? '';
  return section
    .split('\n')
    .filter((line) => /^\|\s*[^-\s|]/.test(line))
    .slice(1)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
};
const companyNames = tableRows('Customers')
  .map((cells) => cells[3] ?? '')
  .filter((name) => !name.startsWith('*'));
const serviceNames = tableRows('Services').map((cells) => cells[3] ?? '');

let sandbox: Sandbox;
let api: RawApi;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo', now: () => new Date('2026-06-15T12:00:00Z') });
  api = new RawApi(sandbox);
});
afterAll(() => sandbox.close());

async function agreementsOf(companyName: string): Promise<Row[]> {
  return api.rows('finance/agreements', {
    conditions: `company/name = "${companyName}" and type/name = "Managed Services"`,
  });
}

async function productsOn(agreementId: unknown): Promise<string[]> {
  const rows = await api.rows(`finance/agreements/${String(agreementId)}/additions`, {
    conditions: 'cancelledDate = null',
    fields: 'product/identifier,description',
  });
  return rows.map((r) => r.description as string);
}

describe('demo seed', () => {
  it('has every customer and Coro service of docs/demo-data.md', async () => {
    expect(companyNames).toHaveLength(39);
    expect(serviceNames).toHaveLength(12);
    const companies = await api.rows('company/companies', {
      pageSize: 1000,
      conditions: 'deletedFlag = false',
    });
    const names = new Set(companies.map((c) => c.name));
    expect(companyNames.filter((n) => !names.has(n))).toEqual([]);
    const catalog = await api.rows('procurement/catalog', { pageSize: 1000 });
    const descriptions = new Set(catalog.map((c) => c.description));
    expect(serviceNames.filter((n) => !descriptions.has(n))).toEqual([]);
  });

  it('standard agreements hold the four standard services; the edge cases are there', async () => {
    expect(await productsOn((await agreementsOf('Blue Harbor Logistics'))[0]?.id)).toEqual([
      'Coro Endpoint Security',
      'Coro EDR',
      'Coro Email Security',
      'Coro Secure Messages',
    ]);
    expect(await productsOn((await agreementsOf('Acme Corporation'))[0]?.id)).toEqual(serviceNames);
    expect(await agreementsOf('Elm Grove Library')).toEqual([]);
    const foxtrot = await agreementsOf('Foxtrot Distribution');
    expect(foxtrot).toHaveLength(2);
    expect(foxtrot.map((a) => a.agreementStatus)).toEqual(['Active', 'Active']);
    expect((foxtrot[1]?.parentAgreement as Row).id).toBe(foxtrot[0]?.id);
    for (const agreement of foxtrot)
      expect(await productsOn(agreement.id)).toContain('Coro Endpoint Security');
    expect((await agreementsOf('Glacier Bay Fisheries')).map((a) => a.agreementStatus)).toEqual(['Expired']);
    const [hollow] = await api.rows('company/companies', { conditions: 'name = "Hollow Creek Farms"' });
    expect((hollow?.status as Row).name).toBe('Inactive');
    expect(await productsOn((await agreementsOf('Kestrel Robotics'))[0]?.id)).not.toContain(
      'Coro Email Security',
    );
  });
});

describe('other seeds', () => {
  it('empty has the catalog but no customers; scale:N has N customers with six additions each', async () => {
    const other = await startSandbox({ port: 0, seed: 'empty' });
    try {
      const raw = new RawApi(other);
      expect(await raw.rows('finance/agreements')).toEqual([]);
      expect(await raw.rows('company/companies')).toHaveLength(1);
      other.admin.reset('scale:30');
      expect(((await raw.get('company/companies/count')).json as Row).count).toBe(31);
      expect(((await raw.get('finance/agreements/3030/additions/count')).json as Row).count).toBe(6);
    } finally {
      await other.close();
    }
  });

  it('a seed file replaces the lists it names; the others come from the empty seed', async () => {
    const file = join(tmpdir(), `cw-seed-${process.pid}.json`);
    const at = '2026-01-01T00:00:00Z';
    const audit = { lastUpdated: at, updatedBy: 'x', dateEntered: at, enteredBy: 'x' };
    writeFileSync(
      file,
      JSON.stringify({
        companies: [
          {
            id: 7,
            identifier: 'Solo',
            name: 'Solo Co',
            statusId: 1,
            typeIds: [1],
            city: null,
            state: null,
            phoneNumber: null,
            website: null,
            parentCompanyId: null,
            deletedFlag: false,
            ...audit,
          },
        ],
      }),
    );
    sandbox.admin.reset({ file });
    try {
      expect((await api.rows('company/companies', { fields: 'name' })).map((c) => c.name)).toEqual([
        'Solo Co',
      ]);
    } finally {
      sandbox.admin.reset('demo');
    }
  });
});
