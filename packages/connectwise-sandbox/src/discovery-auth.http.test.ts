import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from './index.js';
import { basicAuth, RawApi } from './testing/api-client.js';
import type { Sandbox } from './types.js';

let sandbox: Sandbox;
let api: RawApi;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo' });
  api = new RawApi(sandbox);
});
beforeEach(() => sandbox.admin.reset('demo'));
afterAll(() => sandbox.close());

function errorBody(json: unknown): { code: string; message: string; errors: unknown } {
  return json as { code: string; message: string; errors: unknown };
}

describe('codebase discovery', () => {
  it('GET /login/companyinfo/{companyId} answers the codebase without credentials', async () => {
    const reply = await api.call('GET', `${sandbox.url}/login/companyinfo/NORTHWIND`, undefined, {});
    expect(reply.status).toBe(200);
    const info = reply.json as Record<string, unknown>;
    expect(info).toMatchObject({
      Codebase: 'v4_6_release/',
      CompanyID: 'northwind',
      CompanyName: 'Northwind MSP',
    });
    expect(info.Codebase).toMatch(/\/$/);
    expect(typeof info.VersionCode).toBe('string');
  });

  it('an unknown company answers 200 with a null body', async () => {
    const reply = await api.call('GET', `${sandbox.url}/login/companyinfo/nobody-here`, undefined, {});
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('null');
    const garbled = await api.call('GET', `${sandbox.url}/login/companyinfo/%E0%A4%A`, undefined, {});
    expect(garbled.status).toBe(200);
    expect(garbled.text).toBe('null');
  });

  it('serves the API under any codebase, as cloud sites keep answering old ones', async () => {
    const reply = await api.call('GET', `${sandbox.url}/v2025_1/apis/3.0/company/companies?pageSize=1`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(reply.headers.get('x-cw-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an unknown path is a 404 in the error shape', async () => {
    const reply = await api.get('company/nonsense');
    expect(reply.status).toBe(404);
    expect(errorBody(reply.json)).toMatchObject({ code: 'NotFound', errors: null });
    expect((await api.get('company/companies/999999')).status).toBe(404);
  });
});

describe('authentication', () => {
  const path = 'company/companies?pageSize=1';

  it('a bad private key, an unknown public key or an unknown company is 401 Unauthorized', async () => {
    const c = sandbox.credentials;
    for (const bad of [
      { ...c, privateKey: 'wrong' },
      { ...c, publicKey: 'nobody' },
      { ...c, companyId: 'othercompany' },
    ]) {
      const reply = await api.call('GET', path, undefined, api.headers({ Authorization: basicAuth(bad) }));
      expect(reply.status).toBe(401);
      const body = errorBody(reply.json);
      expect(body.code).toBe('Unauthorized');
      expect(body.message).toMatch(/supplied authentication is incorrect/);
      expect(reply.text).not.toContain('wrong');
    }
  });

  it('a missing or malformed Authorization header is 401', async () => {
    const noAuth = api.headers();
    delete noAuth.Authorization;
    expect((await api.call('GET', path, undefined, noAuth)).status).toBe(401);
    const noPlus = `Basic ${Buffer.from('northwindNwPubKey7Sandbox01:x').toString('base64')}`;
    expect((await api.call('GET', path, undefined, api.headers({ Authorization: noPlus }))).status).toBe(401);
  });

  it('the clientId header is required and must be a registered integration', async () => {
    const headers = api.headers();
    delete headers.clientId;
    const missing = await api.call('GET', path, undefined, headers);
    expect(missing.status).toBe(401);
    expect(errorBody(missing.json).message).toMatch(/clientId header is required/);

    const unknownId = await api.call('GET', path, undefined, api.headers({ clientId: 'not-registered' }));
    expect(unknownId.status).toBe(401);
    expect(errorBody(unknownId.json).message).toMatch(/not a registered integration/);

    sandbox.admin.addClientId('not-registered');
    expect((await api.call('GET', path, undefined, api.headers({ clientId: 'NOT-REGISTERED' }))).status).toBe(
      200,
    );
  });

  it('header names are case-insensitive', async () => {
    const c = sandbox.credentials;
    const reply = await api.call('GET', path, undefined, {
      authorization: basicAuth(c),
      CLIENTID: c.clientId,
    });
    expect(reply.status).toBe(200);
  });

  it("a member whose security role lacks the area gets 403 Security, inquire-only can't write", async () => {
    sandbox.admin.addApiMember({
      publicKey: 'ReadOnlyPub',
      privateKey: 'ReadOnlyPriv',
      role: { finance: 'inquire', procurement: 'none' },
    });
    const limited = new RawApi(sandbox, {
      ...sandbox.credentials,
      publicKey: 'ReadOnlyPub',
      privateKey: 'ReadOnlyPriv',
    });
    expect((await limited.get('finance/agreements')).status).toBe(200);
    const catalog = await limited.get('procurement/catalog');
    expect(catalog.status).toBe(403);
    expect(errorBody(catalog.json)).toMatchObject({
      code: 'Security',
      message: 'You do not have security permission to perform this action.',
    });
    const write = await limited.call('POST', 'finance/agreements/3001/additions', {
      product: { id: 201 },
      billCustomer: 'Billable',
    });
    expect(write.status).toBe(403);
  });

  it('GET /system/info answers the version for a credential check', async () => {
    const reply = await api.get('system/info');
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ isCloud: true });
  });

  it('a second company (tenant) has its own data and keys', async () => {
    sandbox.admin.addTenant({ companyId: 'contoso', companyName: 'Contoso IT', seed: 'empty' });
    sandbox.admin.addApiMember({ companyId: 'contoso', publicKey: 'CtPub', privateKey: 'CtPriv' });
    const contoso = new RawApi(sandbox, {
      ...sandbox.credentials,
      companyId: 'contoso',
      publicKey: 'CtPub',
      privateKey: 'CtPriv',
    });
    expect(await contoso.rows('finance/agreements')).toEqual([]);
    expect((await api.rows('finance/agreements')).length).toBeGreaterThan(0);
    const wrongCompany = await api.call(
      'GET',
      'finance/agreements',
      undefined,
      api.headers({ Authorization: basicAuth({ ...sandbox.credentials, companyId: 'contoso' }) }),
    );
    expect(wrongCompany.status).toBe(401);
    const info = await api.call('GET', `${sandbox.url}/login/companyinfo/contoso`, undefined, {});
    expect(info.json).toMatchObject({ CompanyName: 'Contoso IT' });
  });
});
