import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from './index.js';
import type { Sandbox } from './types.js';

// A client we did not write, used unchanged: CommonJS, native fetch, lazy zone discovery.
interface EntityApi {
  query(
    body: unknown,
  ): Promise<{ items: Record<string, unknown>[]; pageDetails: { nextPageUrl: string | null } }>;
  count(body: unknown): Promise<{ queryCount: number }>;
  get(id: number): Promise<{ item: Record<string, unknown> | null } | null>;
}
interface ChildEntityApi extends Omit<EntityApi, 'get'> {
  create(parentId: number, body: unknown): Promise<{ itemId: number }>;
}
interface ApigrateClient {
  zoneInfo: { url: string } | null;
  Companies: EntityApi;
  ContractServiceUnits: EntityApi;
  ContractServiceAdjustments: ChildEntityApi;
}
type ApigrateCtor = new (
  user: string,
  secret: string,
  code: string,
  options: { base_url: string },
) => ApigrateClient;

const require = createRequire(import.meta.url);
const { AutotaskRestApi } = require('@apigrate/autotask-restapi') as { AutotaskRestApi: ApigrateCtor };

let sandbox: Sandbox;
let client: ApigrateClient;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'scale:700', now: () => new Date('2026-06-15T12:00:00Z') });
  const { username, secret, integrationCode } = sandbox.apiUser;
  client = new AutotaskRestApi(username, secret, integrationCode, {
    base_url: `${sandbox.url}/ATServicesRest/`,
  });
});
afterAll(() => sandbox.close());

describe('@apigrate/autotask-restapi against the sandbox', () => {
  it('discovers the zone, queries and pages companies', async () => {
    const everything = {
      filter: [{ op: 'gte', field: 'id', value: 0 }],
      includeFields: ['id', 'companyName'],
    };
    const first = await client.Companies.query(everything);
    expect(client.zoneInfo?.url).toBe(sandbox.zoneUrl);
    expect(first.items).toHaveLength(500);
    expect(first.items[0]).toEqual({ id: 0, companyName: 'Northwind MSP', userDefinedFields: [] });
    // apigrate has no paging helper; it documents looping by id, which the sandbox must support too.
    const lastId = Number(first.items.at(-1)?.id);
    const second = await client.Companies.query({ filter: [{ op: 'gt', field: 'id', value: lastId }] });
    expect(second.items).toHaveLength(201);
    expect(second.pageDetails.nextPageUrl).toBeNull();
    expect((await client.Companies.count(everything)).queryCount).toBe(701);
    expect((await client.Companies.get(174))?.item?.id).toBe(174);
    expect((await client.Companies.get(999_999))?.item).toBeNull();
  });

  it('creates an adjustment through the child URL and reads the new units', async () => {
    const unitsOn = async (day: string): Promise<number> => {
      const result = await client.ContractServiceUnits.query({
        filter: [
          { op: 'eq', field: 'contractID', value: 1001 },
          { op: 'eq', field: 'serviceID', value: 201 },
          { op: 'lte', field: 'startDate', value: day },
          { op: 'gte', field: 'endDate', value: day },
        ],
      });
      expect(result.items).toHaveLength(1);
      return Number(result.items[0]?.units);
    };
    const before = await unitsOn('2026-08-01');
    const created = await client.ContractServiceAdjustments.create(1001, {
      serviceID: 201,
      unitChange: 7,
      effectiveDate: '2026-08-01T12:00:00Z',
    });
    expect(created.itemId).toEqual(expect.any(Number));
    expect(await unitsOn('2026-08-01')).toBe(before + 7);
    expect(await unitsOn('2026-07-31')).toBe(before);
    expect(sandbox.admin.unitsOn(1001, 201, '2026-08-01')).toBe(before + 7);
  });
});
