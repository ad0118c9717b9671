import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from './index.js';
import { errorsOf, RawApi } from './testing/api-client.js';
import type { Sandbox } from './types.js';

let sandbox: Sandbox;
let api: RawApi;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'empty' });
  api = new RawApi(sandbox);
});
afterAll(() => sandbox.close());

describe('discovery', () => {
  it('answers versioninformation with V1.0', async () => {
    const reply = await api.call('GET', `${sandbox.url}/atservicesrest/versioninformation`);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ apiVersions: ['V1.0'] });
  });

  it('resolves the zone without auth, url with a trailing slash', async () => {
    const user = encodeURIComponent(sandbox.apiUser.username);
    for (const path of ['/atservicesrest/v1.0/zoneInformation', '/ATServicesRest/V1.0/ZoneInformation']) {
      const reply = await api.call('GET', `${sandbox.url}${path}?user=${user}`, undefined, {});
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({
        zoneName: 'America East',
        url: `${sandbox.url}/ATServicesRest/`,
        webUrl: `${sandbox.url}/`,
        ci: expect.any(Number) as number,
      });
    }
    expect(sandbox.zoneUrl).toBe(`${sandbox.url}/ATServicesRest/`);
  });

  it('answers an unknown zone user with the 500 zone message, and does not count it', async () => {
    const reply = await api.call(
      'GET',
      `${sandbox.url}/atservicesrest/v1.0/zoneInformation?user=nobody%40x.example`,
      undefined,
      {},
    );
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ errors: ['Zone information could not be determined'] });
    expect(sandbox.admin.stats().requests).toBe(0);
  });

  it('routes case-insensitively', async () => {
    for (const path of [
      '/atservicesrest/v1.0/companies/0',
      '/ATServicesRest/V1.0/Companies/0',
      '/ATSERVICESREST/V1.0/COMPANIES/0',
    ]) {
      const reply = await api.call('GET', `${sandbox.url}${path}`);
      expect(reply.status, path).toBe(200);
      expect((reply.json as { item: { companyName: string } }).item.companyName).toBe('Northwind MSP');
    }
  });

  it('answers unknown entities and routes with 404', async () => {
    expect((await api.get('Widgets/query')).status).toBe(404);
    expect((await api.get('Companies/abc')).status).toBe(404);
    expect((await api.call('GET', `${sandbox.url}/nothing/here`)).status).toBe(404);
  });
});

describe('startSandbox options', () => {
  it('rejects unusable options before listening', async () => {
    await expect(startSandbox({ seed: 'scale:abc' as 'demo' })).rejects.toThrow(/unknown seed/);
    await expect(startSandbox({ threadLimit: 0 })).rejects.toThrow(/threadLimit/);
    await expect(startSandbox({ latencyMs: -1 })).rejects.toThrow(/latencyMs/);
    await expect(startSandbox({ tenantTimeZone: 'Mars/Olympus' })).rejects.toThrow(/time zone/);
  });
});

describe('authentication', () => {
  const user = (): Record<string, string> => api.headers();

  it('accepts header names in any case', async () => {
    const headers = {
      apiintegrationcode: sandbox.apiUser.integrationCode,
      USERNAME: sandbox.apiUser.username,
      secret: sandbox.apiUser.secret,
    };
    expect((await api.call('GET', 'Companies/0', undefined, headers)).status).toBe(200);
  });

  it('unknown user → 500 zone message', async () => {
    const reply = await api.call('GET', 'Companies/0', undefined, { ...user(), UserName: 'ghost@x.example' });
    expect(reply.status).toBe(500);
    expect(errorsOf(reply)).toEqual(['Zone information could not be determined']);
  });

  it('wrong secret → 401 with an empty body', async () => {
    const reply = await api.call('GET', 'Companies/0', undefined, { ...user(), Secret: 'wrong' });
    expect(reply.status).toBe(401);
    expect(reply.text).toBe('');
  });

  it('missing credentials → 401', async () => {
    expect((await api.call('GET', 'Companies/0', undefined, {})).status).toBe(401);
  });

  it('wrong or missing tracking identifier → 500 IntegrationCode is invalid.', async () => {
    const variants: Record<string, string>[] = [
      { ...user(), ApiIntegrationcode: 'NOPE' },
      { UserName: sandbox.apiUser.username, Secret: sandbox.apiUser.secret },
    ];
    for (const headers of variants) {
      const reply = await api.call('GET', 'Companies/0', undefined, headers);
      expect(reply.status).toBe(500);
      expect(reply.json).toEqual({ errors: ['IntegrationCode is invalid.'] });
    }
  });

  it('supports several API users with their own tracking identifiers', async () => {
    sandbox.admin.addApiUser({
      username: 'second@northwind.example',
      secret: 's2',
      integrationCode: 'VENDOR-CODE-2',
    });
    const second = new RawApi(sandbox, {
      username: 'second@northwind.example',
      secret: 's2',
      integrationCode: 'VENDOR-CODE-2',
    });
    expect((await second.get('Companies/0')).status).toBe(200);
    const crossed = await second.call('GET', 'Companies/0', undefined, {
      ...second.headers(),
      ApiIntegrationcode: sandbox.apiUser.integrationCode,
    });
    expect(crossed.status).toBe(500);
  });

  it('a read-only user can read but not write', async () => {
    sandbox.admin.addApiUser({
      username: 'reader@northwind.example',
      secret: 'r',
      integrationCode: 'READER',
      readOnly: true,
    });
    const reader = new RawApi(sandbox, {
      username: 'reader@northwind.example',
      secret: 'r',
      integrationCode: 'READER',
    });
    expect((await reader.query('Companies', [{ op: 'eq', field: 'id', value: 0 }])).length).toBe(1);
    const create = await reader.post('Companies', {
      companyName: 'X',
      companyType: 1,
      phone: '1',
      ownerResourceID: 29682885,
    });
    expect(create.status).toBe(500);
    expect(errorsOf(create)).toEqual([
      'The logged in Resource does not have the adequate permissions to create this entity type.',
    ]);
    const update = await reader.call('PATCH', 'Companies', { id: 0, city: 'Nowhere' });
    expect(errorsOf(update)[0]).toMatch(/permissions to update/);
  });

  it('validates ImpersonationResourceId and attributes creates to it', async () => {
    const bad = await api.call('GET', 'Companies/0', undefined, { ...user(), ImpersonationResourceId: '42' });
    expect(bad.status).toBe(500);
    const created = await api.call(
      'POST',
      'Companies',
      { companyName: 'Impersonated Co', companyType: 1, phone: '555', ownerResourceID: 29682885 },
      { ...user(), ImpersonationResourceId: '29682885' },
    );
    expect(created.status).toBe(200);
    const id = (created.json as { itemId: number }).itemId;
    const item = (await api.get(`Companies/${id}`)).json as { item: { createdByResourceID: number } };
    expect(item.item.createdByResourceID).toBe(29682885);
  });
});
