import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../index.js';
import { RawApi, type Row } from '../testing/api-client.js';
import type { Sandbox } from '../types.js';

let sandbox: Sandbox;
let api: RawApi;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo', now: () => new Date('2026-06-15T12:00:00Z') });
  api = new RawApi(sandbox);
});
afterAll(() => sandbox.close());

const ids = (rows: Row[]): number[] => rows.map((r) => r.id as number);

function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(/,\s*(?=<)/)) {
    const m = /^<([^>]+)>;\s*rel="(\w+)"$/.exec(part.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[2]] = m[1];
  }
  return out;
}

describe('conditions over HTTP', () => {
  it('filters on nested references, strings, booleans and datetimes', async () => {
    const acmeAgreements = await api.rows('finance/agreements', {
      conditions: 'company/name = "Acme Corporation"',
    });
    expect(acmeAgreements.map((a) => a.name).sort()).toEqual([
      'Acme Corporation - Block Time',
      'Acme Corporation - Coro Managed Security',
    ]);
    const acmeId = (acmeAgreements[0]?.company as Row).id as number;
    const managed = await api.rows('finance/agreements', {
      conditions: `company/id = ${acmeId} and type/name = 'Managed Services' and agreementStatus = "Active"`,
    });
    expect(managed.map((a) => a.name)).toEqual(['Acme Corporation - Coro Managed Security']);

    const notDeleted = await api.rows('company/companies', {
      conditions: 'deletedFlag = false',
      pageSize: 1000,
    });
    const all = await api.rows('company/companies', { pageSize: 1000 });
    expect(all.length - notDeleted.length).toBe(1);
    expect(all.find((c) => c.deletedFlag === true)?.name).toBe('Acme Corp Holdings (old)');

    const expired = await api.rows('finance/agreements', { conditions: 'endDate < [2026-01-01T00:00:00Z]' });
    expect(expired.map((a) => a.agreementStatus)).toEqual(['Expired']);
  });

  it('supports in lists, like with % and *, contains, or and parentheses', async () => {
    const someIds = await api.rows('company/companies', { conditions: 'id in (250, 251, 252)' });
    expect(ids(someIds)).toEqual([250, 251, 252]);
    const like = await api.rows('company/companies', { conditions: 'name like "Acme%"' });
    const star = await api.rows('company/companies', { conditions: 'name like "Acme*"' });
    expect(like.map((c) => c.name)).toEqual(['Acme Corporation', 'Acme Corp Holdings (old)']);
    expect(ids(star)).toEqual(ids(like));
    const mixed = await api.rows('company/companies', {
      conditions: '(name contains "dental" or name contains "LEGAL") and deletedFlag = false',
    });
    expect(mixed.map((c) => c.name).sort()).toEqual([
      'Cedar Ridge Dental',
      'Jasper Legal',
      'Union Square Dental',
    ]);
  });

  it('reads axios-style form encoding: + for spaces, encoded brackets and quotes', async () => {
    const raw = await api.call(
      'GET',
      'company/companies?conditions=deletedFlag%3Dfalse+and+lastUpdated+%3E+%5B2020-01-01T00:00:00Z%5D+and+id+in+(250,251)&fields=id,name&orderBy=id+desc',
    );
    expect(raw.status).toBe(200);
    expect(raw.json).toEqual([
      { id: 251, name: 'Blue Harbor Logistics' },
      { id: 250, name: 'Acme Corporation' },
    ]);
  });

  it('bad conditions are 400 with the explanatory message', async () => {
    const reply = await api.get('company/companies', { conditions: 'deletedFlag = 1' });
    expect(reply.status).toBe(400);
    const body = reply.json as { code: string; message: string };
    expect(body.message).toMatch(
      /^Expected a boolean value, not a numeric\. String values should be enclosed/,
    );
    expect((await api.get('company/companies', { conditions: 'nosuchfield = 1' })).status).toBe(400);
    expect((await api.get('company/companies', { orderBy: 'nosuchfield asc' })).status).toBe(400);
    expect((await api.get('company/companies', { fields: 'id,nosuchfield' })).status).toBe(400);
  });

  it('childConditions combine with conditions', async () => {
    const rows = await api.rows('company/companies', {
      conditions: 'deletedFlag = false',
      childConditions: 'types/name = "Vendor"',
    });
    expect(rows.map((r) => r.name)).toEqual(['Coro Cybersecurity']);
  });
});

describe('paging, fields, orderBy and count', () => {
  it('pages default to 25, carry Link first/prev/next/last, and end with []', async () => {
    const count = ((await api.get('company/companies/count')).json as { count: number }).count;
    expect(count).toBe(44);
    const first = await api.get('company/companies');
    expect((first.json as Row[]).length).toBe(25);
    const firstLinks = links(first.headers.get('link'));
    expect(Object.keys(firstLinks).sort()).toEqual(['last', 'next']);
    expect(firstLinks.next).toMatch(/page=2$/);
    expect(firstLinks.last).toMatch(/page=2$/);

    const second = await api.call('GET', firstLinks.next ?? '');
    expect((second.json as Row[]).length).toBe(count - 25);
    expect(Object.keys(links(second.headers.get('link'))).sort()).toEqual(['first', 'prev']);

    const past = await api.get('company/companies', { page: 3 });
    expect(past.json).toEqual([]);
    const all = [...(first.json as Row[]), ...(second.json as Row[])];
    expect(new Set(ids(all)).size).toBe(count);
  });

  it('keeps conditions and pageSize in the Link urls and puts page last', async () => {
    const reply = await api.get('finance/agreements', {
      conditions: 'agreementStatus = "Active"',
      pageSize: 10,
    });
    const next = links(reply.headers.get('link')).next ?? '';
    expect(next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v4_6_release\/apis\/3\.0\/finance\/agreements\?/);
    expect(new URL(next).searchParams.get('conditions')).toBe('agreementStatus = "Active"');
    expect(next).toMatch(/pageSize=10&page=2$/);
  });

  it('pageSize is at most 1000', async () => {
    expect((await api.get('company/companies', { pageSize: 1000 })).status).toBe(200);
    const tooBig = await api.get('company/companies', { pageSize: 1001 });
    expect(tooBig.status).toBe(400);
    expect((tooBig.json as { message: string }).message).toMatch(/pageSize/);
  });

  it('fields keeps the named paths only, nested ones included', async () => {
    const rows = await api.rows('finance/agreements', { fields: 'id,company/id,type/name', pageSize: 1 });
    expect(rows[0]).toEqual({ id: 3001, type: { name: 'Managed Services' }, company: { id: 250 } });
    const one = await api.get('finance/agreements/3001', { fields: 'name' });
    expect(one.json).toEqual({ name: 'Acme Corporation - Coro Managed Security' });
  });

  it('orderBy sorts on one or more fields, nested included', async () => {
    const byName = await api.rows('company/companies', { orderBy: 'name desc', pageSize: 3, fields: 'name' });
    expect(byName.map((r) => r.name)).toEqual([
      'Zenith Pharmaceuticals',
      'Yellowstone Outfitters',
      'Westbrook Manufacturing',
    ]);
    const byCompany = await api.rows('finance/agreements', {
      orderBy: 'company/name asc, id desc',
      pageSize: 2,
      fields: 'id,company/name',
    });
    expect(byCompany.map((r) => r.id)).toEqual([3040, 3001]);
  });

  it('/count honours conditions and ignores paging', async () => {
    const reply = await api.get('finance/agreements/3001/additions/count', {
      conditions: 'cancelledDate = null',
      pageSize: 1,
    });
    expect(reply.json).toEqual({ count: 12 });
    const rows = await api.rows('finance/agreements/3001/additions', { pageSize: 1000 });
    expect(rows).toHaveLength(13);
  });

  it('forward-only paging follows pageId in the Link header until an empty page', async () => {
    const seen: number[] = [];
    let url: string | null = `${api.base}company/companies?pageSize=20`;
    for (let guard = 0; url !== null && guard < 10; guard++) {
      const reply = await api.call('GET', url, undefined, api.headers({ 'pagination-type': 'forward-only' }));
      const rows = reply.json as Row[];
      if (rows.length === 0) break;
      seen.push(...ids(rows));
      url = links(reply.headers.get('link')).next ?? null;
      expect(url).toMatch(/pageId=\d+$/);
    }
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen).toHaveLength(44);
    const ordered = await api.call(
      'GET',
      'company/companies?orderBy=name',
      undefined,
      api.headers({ 'pagination-type': 'forward-only' }),
    );
    expect(ordered.status).toBe(400);
  });
});
