import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../index.js';
import { errorsOf, RawApi, type ApiReply } from '../testing/api-client.js';
import type { Sandbox } from '../types.js';

interface Page {
  items: { id: number; [key: string]: unknown }[];
  pageDetails: {
    count: number;
    requestCount: number;
    prevPageUrl: string | null;
    nextPageUrl: string | null;
  };
}

let sandbox: Sandbox;
let api: RawApi;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo' });
  api = new RawApi(sandbox);
});
afterAll(() => sandbox.close());

const page = (reply: ApiReply): Page => {
  expect(reply.status, reply.text).toBe(200);
  return reply.json as Page;
};
const names = async (filter: unknown[]): Promise<string[]> =>
  (await api.query('Companies', filter)).map((c) => String(c.companyName));

describe('operators over HTTP', () => {
  it.each([
    ['eq', { op: 'eq', field: 'companyName', value: 'acme corporation' }, ['Acme Corporation']],
    [
      'noteq',
      { op: 'noteq', field: 'companyType', value: 1 },
      ['Coro Cybersecurity', 'Pinnacle Ventures', 'Riverbend Holdings', 'Acme Corp Holdings (old)'],
    ],
    ['gt', { op: 'gt', field: 'id', value: 214 }, ['Riverbend Holdings', 'Acme Corp Holdings (old)']],
    ['gte', { op: 'gte', field: 'id', value: 215 }, ['Riverbend Holdings', 'Acme Corp Holdings (old)']],
    ['lt', { op: 'lt', field: 'id', value: 175 }, ['Northwind MSP', 'Acme Corporation']],
    ['lte', { op: 'lte', field: 'id', value: 174 }, ['Northwind MSP', 'Acme Corporation']],
    [
      'beginsWith',
      { op: 'beginsWith', field: 'companyName', value: 'ACME' },
      ['Acme Corporation', 'Acme Corp Holdings (old)'],
    ],
    ['endsWith', { op: 'endsWith', field: 'companyName', value: 'llp' }, ['Evergreen Law Group LLP']],
    ['contains', { op: 'contains', field: 'companyName', value: 'credit' }, ['Coastal Credit Union']],
    ['exist', { op: 'exist', field: 'companyNumber' }, 39],
    ['notExist', { op: 'notExist', field: 'companyNumber' }, 5],
    ['in', { op: 'in', field: 'companyType', value: [2, 3] }, ['Pinnacle Ventures', 'Riverbend Holdings']],
    ['notIn', { op: 'notIn', field: 'companyType', value: [1, 2, 3, 4] }, ['Coro Cybersecurity']],
  ])('%s', async (_op, filter, expected) => {
    const result = await names([filter]);
    if (typeof expected === 'number') expect(result).toHaveLength(expected);
    else expect(result).toEqual(expected);
  });

  it('nests and/or and ANDs the top level', async () => {
    const result = await names([
      { op: 'eq', field: 'isActive', value: true },
      {
        op: 'or',
        items: [
          { op: 'eq', field: 'companyType', value: 7 },
          {
            op: 'and',
            items: [
              { op: 'beginsWith', field: 'companyName', value: 'hollow' },
              { op: 'eq', field: 'companyType', value: 1 },
            ],
          },
          { op: 'beginsWith', field: 'companyName', value: 'Zenith' },
        ],
      },
    ]);
    expect(result).toEqual(['Zenith Pharmaceuticals', 'Coro Cybersecurity']);
  });

  it('results come back ordered by id ascending', async () => {
    const items = await api.query('Companies', [{ op: 'exist', field: 'id' }]);
    const ids = items.map((i) => Number(i.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids[0]).toBe(0);
  });

  it('an unknown operator is silently ignored', async () => {
    const all = await api.query('Companies', [{ op: 'exist', field: 'id' }]);
    const ignored = await api.query('Companies', [
      { op: 'exist', field: 'id' },
      { op: 'ne', field: 'companyType', value: 1 },
    ]);
    expect(ignored).toHaveLength(all.length);
  });
});

describe('query rules', () => {
  it('requires a filter', async () => {
    const reply = await api.post('Companies/query', { filter: [] });
    expect(reply.status).toBe(500);
    expect(errorsOf(reply)).toHaveLength(1);
  });

  it('MaxRecords must be 1..500', async () => {
    for (const max of [0, 501]) {
      const reply = await api.post('Companies/query', {
        MaxRecords: max,
        filter: [{ op: 'exist', field: 'id' }],
      });
      expect(reply.status).toBe(500);
      expect(errorsOf(reply)).toEqual(['maxCountOfRecordsToReturn must be between 1 and 500']);
    }
    const ok = page(
      await api.post('Companies/query', { MaxRecords: 500, filter: [{ op: 'exist', field: 'id' }] }),
    );
    expect(ok.pageDetails.requestCount).toBe(500);
  });

  it('more than 500 in-values → OR-limit error', async () => {
    const reply = await api.post('Companies/query', {
      filter: [{ op: 'in', field: 'id', value: Array.from({ length: 501 }, (_, i) => i) }],
    });
    expect(reply.status).toBe(500);
    expect(errorsOf(reply)).toEqual([
      "Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions.",
    ]);
  });

  it('unknown field → Unable to find', async () => {
    const reply = await api.post('Contracts/query', { filter: [{ op: 'eq', field: 'accountID', value: 1 }] });
    expect(reply.status).toBe(500);
    expect(errorsOf(reply)).toEqual(['Unable to find accountID in the Contract Entity']);
  });

  it('IncludeFields trims items but keeps id and userDefinedFields; keys are case-insensitive', async () => {
    const body = {
      Filter: [{ op: 'eq', field: 'id', value: 174 }],
      includeFields: ['CompanyName', 'isactive'],
    };
    const result = page(await api.post('Companies/query', body));
    expect(result.items).toEqual([
      {
        id: 174,
        companyName: 'Acme Corporation',
        isActive: true,
        userDefinedFields: [{ name: 'Customer Ranking', value: 'Gold' }],
      },
    ]);
  });

  it('GET ?search= works, including single-quoted pseudo-JSON', async () => {
    const search = encodeURIComponent(JSON.stringify({ filter: [{ op: 'eq', field: 'id', value: 174 }] }));
    expect(page(await api.get(`Companies/query?search=${search}`)).items).toHaveLength(1);
    const quoted = encodeURIComponent("{'filter':[{'op':'eq','field':'id','value':175}]}");
    expect(page(await api.get(`Companies/query?search=${quoted}`)).items[0]?.id).toBe(175);
  });

  it('a GET query string over 2048 characters answers 404, as IIS does', async () => {
    const ids = Array.from({ length: 400 }, (_, i) => i + 1000);
    const search = encodeURIComponent(JSON.stringify({ filter: [{ op: 'in', field: 'id', value: ids }] }));
    expect(search.length).toBeGreaterThan(2048);
    expect((await api.get(`Companies/query?search=${search}`)).status).toBe(404);
    expect(
      (await api.post('Companies/query', { filter: [{ op: 'in', field: 'id', value: ids }] })).status,
    ).toBe(200);
  });

  it('query/count by POST and GET', async () => {
    const filter = { filter: [{ op: 'eq', field: 'contractType', value: 7 }] };
    expect((await api.post('Contracts/query/count', filter)).json).toEqual({ queryCount: 39 });
    const search = encodeURIComponent(JSON.stringify(filter));
    expect((await api.get(`Contracts/query/count?search=${search}`)).json).toEqual({ queryCount: 39 });
  });

  it('root queries over child entities work (ContractServices by contractID)', async () => {
    const items = await api.query('ContractServices', [{ op: 'eq', field: 'contractID', value: 1037 }]);
    expect(items.map((i) => i.serviceID)).toEqual([201, 202, 209]);
  });

  it('units queries filter by date windows', async () => {
    const year = new Date().getUTCFullYear();
    const items = await api.query('ContractServiceUnits', [
      { op: 'eq', field: 'contractID', value: 1001 },
      { op: 'eq', field: 'serviceID', value: 201 },
      { op: 'lte', field: 'startDate', value: `${year}-03-15T00:00:00Z` },
      { op: 'gte', field: 'endDate', value: `${year}-03-15T00:00:00Z` },
    ]);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      startDate: `${year}-03-01T00:00:00Z`,
      endDate: `${year}-03-31T00:00:00Z`,
    });
  });
});

describe('paging past 500', () => {
  let big: Sandbox;
  let bigApi: RawApi;
  const everything = { filter: [{ op: 'gte', field: 'id', value: 0 }] };

  beforeAll(async () => {
    big = await startSandbox({ port: 0, seed: 'scale:1100' });
    bigApi = new RawApi(big);
  });
  afterAll(() => big.close());

  it('POST-initiated: nextPageUrl has no search, is re-POSTed with the same body, GET on it → 405', async () => {
    const first = page(await bigApi.post('Companies/query', everything));
    expect(first.pageDetails).toMatchObject({ count: 500, requestCount: 500, prevPageUrl: null });
    const next = first.pageDetails.nextPageUrl ?? '';
    expect(next.startsWith(`${big.zoneUrl}V1.0/Companies/query/next?paging=`)).toBe(true);
    const cursor = JSON.parse(new URL(next).searchParams.get('paging') ?? '') as unknown;
    expect(cursor).toEqual({ pageSize: 500, previousIds: [-1], nextIds: [first.items[499]!.id + 1] });
    expect(new URL(next).searchParams.has('search')).toBe(false);

    const getNext = await bigApi.call('GET', next);
    expect(getNext.status).toBe(405);
    expect(getNext.json).toEqual({ Message: "The requested resource does not support http method 'GET'." });

    const ids = first.items.map((i) => i.id);
    let url: string | null = next;
    let pages = 1;
    while (url) {
      const p = page(await bigApi.call('POST', url, everything));
      ids.push(...p.items.map((i) => i.id));
      expect(p.pageDetails.prevPageUrl).not.toBeNull();
      url = p.pageDetails.nextPageUrl;
      pages++;
    }
    expect(pages).toBe(3);
    expect(ids).toHaveLength(1101);
    expect(new Set(ids).size).toBe(1101);
  });

  it('GET-initiated: nextPageUrl carries search and a plain GET follows it', async () => {
    const search = JSON.stringify({ ...everything, MaxRecords: 400 });
    let url: string | null = `Companies/query?search=${encodeURIComponent(search)}`;
    const ids: number[] = [];
    while (url) {
      const p = page(await bigApi.get(url));
      ids.push(...p.items.map((i) => i.id));
      url = p.pageDetails.nextPageUrl;
      if (url) expect(new URL(url).searchParams.get('search')).toBe(search);
    }
    expect(ids).toHaveLength(1101);
  });

  it('prevPageUrl leads back to the previous page', async () => {
    const first = page(await bigApi.post('Companies/query', { ...everything, MaxRecords: 10 }));
    const second = page(
      await bigApi.call('POST', first.pageDetails.nextPageUrl ?? '', { ...everything, MaxRecords: 10 }),
    );
    const back = page(
      await bigApi.call('POST', second.pageDetails.prevPageUrl ?? '', { ...everything, MaxRecords: 10 }),
    );
    expect(back.items.map((i) => i.id)).toEqual(first.items.map((i) => i.id));
  });
});
