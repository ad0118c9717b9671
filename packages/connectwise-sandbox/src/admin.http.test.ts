import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from './index.js';
import { RawApi } from './testing/api-client.js';
import type { Sandbox, TenantStats } from './types.js';

let sandbox: Sandbox;
let api: RawApi;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo' });
  api = new RawApi(sandbox);
});
beforeEach(() => {
  sandbox.admin.reset('demo');
  sandbox.admin.setClock('2026-06-15T12:00:00Z');
  sandbox.admin.setLimits({ requestsPerMinute: 1000, retryAfterSeconds: 30 });
  sandbox.admin.setLatency(0);
});
afterAll(() => sandbox.close());

const additions = 'finance/agreements/3001/additions';

describe('fault injection', () => {
  it('429 with Retry-After for the next N requests of one path, then normal service', async () => {
    const put = await api.admin('PUT', 'faults', {
      rules: [{ kind: '429', path: 'finance/agreements', count: 2, retryAfterSeconds: 7 }],
    });
    expect(put.status).toBe(200);
    expect((await api.get('company/companies')).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const reply = await api.get(additions);
      expect(reply.status).toBe(429);
      expect(reply.headers.get('retry-after')).toBe('7');
      expect(reply.json).toEqual({
        error: 'ConnectWiseAPI',
        message: 'Too many requests. Please try again in 7 seconds.',
      });
    }
    expect((await api.get(additions)).status).toBe(200);
    expect(sandbox.admin.stats().northwind?.rejected429).toBe(2);
  });

  it('5xx faults answer the error shape; method filters apply', async () => {
    sandbox.admin.setFaults([{ kind: '503', method: 'POST', count: 1 }]);
    expect((await api.get(additions)).status).toBe(200);
    const reply = await api.call('POST', additions, { product: { id: 201 }, billCustomer: 'Billable' });
    expect(reply.status).toBe(503);
    expect(Object.keys(reply.json as object).sort()).toEqual(['code', 'errors', 'message']);
    expect(sandbox.admin.writes()).toEqual([]);
  });

  it('reset drops the connection; timeout holds it until the client gives up', async () => {
    sandbox.admin.setFaults([
      { kind: 'reset', path: 'company', count: 1 },
      { kind: 'timeout', path: 'procurement', count: 1 },
    ]);
    await expect(api.get('company/companies')).rejects.toThrow();
    const started = Date.now();
    await expect(
      fetch(`${api.base}procurement/catalog`, { headers: api.headers(), signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await api.get('company/companies')).status).toBe(200);
  });

  it('commit-then-drop stores the write and drops the answer (an ambiguous failure)', async () => {
    sandbox.admin.setFaults([{ kind: 'commit-then-drop', method: 'PATCH', count: 1 }]);
    const [first] = await api.rows(additions, { pageSize: 1 });
    const id = String(first?.id);
    await expect(
      api.call('PATCH', `${additions}/${id}`, [{ op: 'replace', path: 'quantity', value: 77 }]),
    ).rejects.toThrow();
    expect((await api.get(`${additions}/${id}`)).json).toMatchObject({ quantity: 77 });
    expect(sandbox.admin.writes()).toHaveLength(1);
  });

  it('delay answers normally, late', async () => {
    sandbox.admin.setFaults([{ kind: 'delay', delayMs: 200, count: 2 }]);
    let started = Date.now();
    expect((await api.get('company/companies/count')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    started = Date.now();
    expect((await api.call('GET', `${sandbox.url}/login/companyinfo/northwind`, undefined, {})).status).toBe(
      200,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect((await api.admin('PUT', 'faults', { rules: [{ kind: 'delay' }] })).status).toBe(400);
  });

  it('faults can target discovery and one company only', async () => {
    sandbox.admin.addTenant({ companyId: 'contoso' });
    sandbox.admin.setFaults([{ kind: '500', path: 'login/companyinfo', companyId: 'contoso' }]);
    expect((await api.call('GET', `${sandbox.url}/login/companyinfo/northwind`, undefined, {})).status).toBe(
      200,
    );
    expect((await api.call('GET', `${sandbox.url}/login/companyinfo/contoso`, undefined, {})).status).toBe(
      500,
    );
    await api.admin('DELETE', 'faults');
    expect((await api.call('GET', `${sandbox.url}/login/companyinfo/contoso`, undefined, {})).status).toBe(
      200,
    );
  });
});

describe('rate limit, latency and clock', () => {
  it('more than requestsPerMinute in a rolling minute is 429 + Retry-After until the minute passes', async () => {
    sandbox.admin.setLimits({ requestsPerMinute: 3, retryAfterSeconds: 12 });
    for (let i = 0; i < 3; i++) expect((await api.get('company/companies/count')).status).toBe(200);
    const limited = await api.get('company/companies/count');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('12');
    sandbox.admin.setClock('2026-06-15T12:01:00.001Z');
    expect((await api.get('company/companies/count')).status).toBe(200);
  });

  it('fixed latency delays API calls', async () => {
    sandbox.admin.setLatency(150);
    const started = Date.now();
    await api.get('company/companies/count');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('admin API', () => {
  it('counts requests per company and per path template', async () => {
    await api.get('finance/agreements/3001/additions');
    await api.get('finance/agreements/3002/additions');
    await api.get('finance/agreements/count');
    const stats = (await api.admin('GET', 'stats')).json as Record<string, TenantStats>;
    expect(stats.northwind).toEqual({
      requests: 3,
      byPath: { 'GET finance/agreements/{id}/additions': 2, 'GET finance/agreements/count': 1 },
      rejected429: 0,
    });
  });

  it('reset restores the seed, the default member and clears faults; writes are listed', async () => {
    await api.call('POST', additions, { product: { id: 201 }, billCustomer: 'Billable' });
    const writes = (await api.admin('GET', 'writes')).json as unknown[];
    expect(writes).toHaveLength(1);
    sandbox.admin.setFaults([{ kind: '500' }]);
    expect((await api.admin('POST', 'reset', { seed: 'empty' })).status).toBe(200);
    expect(await api.rows('finance/agreements')).toEqual([]);
    expect((await api.rows('procurement/catalog', { pageSize: 100 })).length).toBeGreaterThan(10);
    expect((await api.admin('GET', 'writes')).json).toEqual([]);
    await api.admin('POST', 'reset', {});
    expect(await api.rows('finance/agreements')).toEqual([]);
  });

  it('bad admin input is 400 {error}; unknown routes 404', async () => {
    for (const [method, path, body] of [
      ['PUT', 'faults', { rules: [{ kind: 'explode' }] }],
      ['PUT', 'faults', { rules: 'no' }],
      ['POST', 'reset', { seed: 'scale:x' }],
      ['PUT', 'clock', { now: '2026-06-15T12:00:00+02:00' }],
      ['PUT', 'limits', { requestsPerMinute: -1 }],
      ['POST', 'api-members', { publicKey: 'p', privateKey: 'k', role: { finance: 'god' } }],
      ['POST', 'tenants', { companyId: 'has space' }],
    ] as const) {
      const reply = await api.admin(method, path, body);
      expect(reply.status, `${method} ${path}`).toBe(400);
      expect(typeof (reply.json as { error: string }).error).toBe('string');
    }
    expect((await api.admin('GET', 'nothing')).status).toBe(404);
  });
});
