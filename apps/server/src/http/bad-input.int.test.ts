/**
 * Regression tests for the inputs that once answered 5xx (issue 11): a huge page offset, PSA
 * credentials that cannot travel in an HTTP header, a lone surrogate, router-level URL faults.
 * Each must answer a precise 4xx with the error envelope and store nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../../test/test-app.js';
import { ensureChannelConnector, startRbacAutotask } from '../../test/rbac-connector.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';

const { sandbox, provider } = await startRbacAutotask();

describe.skipIf(isDatabaseUnavailable())(`inputs that once answered 5xx (${testDialect()})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ psaProviders: { autotask: provider } });
  });
  afterAll(() => t.close());

  const connectorCount = async (): Promise<number> =>
    (await t.db.selectFrom('psa_connectors').select('id').execute()).length;

  it.each(['9223372036854775808', '1e20', '2147483648'])(
    'refuses offset=%s on a paged list with 400 validation_failed',
    async (offset) => {
      const response = await t.app.inject({
        method: 'GET',
        url: `/api/workspaces/${t.seed.channel.id}/children?offset=${offset}`,
        headers: await t.login('viewer'),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'validation_failed' });
      expect(response.json().error.message).toMatch(/offset/);
    },
  );

  it('still pages at the largest accepted offset', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/workspaces/${t.seed.channel.id}/children?offset=2147483647`,
      headers: await t.login('viewer'),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().items).toEqual([]);
  });

  const badCredentials: [string, Record<string, string>, string][] = [
    ['a CR/LF in the secret', { secret: 'abc\r\nX-Injected: 1' }, 'psa_bad_secret'],
    ['a control character in the secret', { secret: 'a\u0007b' }, 'psa_bad_secret'],
    ['non-Latin-1 in the secret', { secret: 'pässwörd-€' }, 'psa_bad_secret'],
    ['a newline in the integration code', { integrationCode: 'CODE\nX' }, 'psa_bad_integration_code'],
    ['a lone surrogate in the username', { username: '\ud800' }, 'psa_bad_username'],
    ['a trailing space in the username', { username: 'api@example.com ' }, 'psa_bad_username'],
  ];

  it.each(badCredentials)(
    'refuses to connect with %s: 422 %s, nothing stored',
    async (_what, override, code) => {
      const before = await connectorCount();
      const response = await t.app.inject({
        method: 'POST',
        url: `/api/workspaces/${t.seed.otherChannel.id}/connectors`,
        headers: await t.login('other_admin'),
        payload: {
          kind: 'autotask',
          username: sandbox.apiUser.username,
          secret: sandbox.apiUser.secret,
          integrationCode: sandbox.apiUser.integrationCode,
          ...override,
        },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe(code);
      expect(response.json().error.message).toMatch(/characters Autotask cannot receive/);
      expect(response.body).not.toContain(sandbox.apiUser.secret);
      expect(await connectorCount()).toBe(before);
    },
  );

  it.each(badCredentials)(
    'refuses to update credentials with %s and keeps the stored ones',
    async (_w, override, code) => {
      const { id } = await ensureChannelConnector(t, sandbox);
      const read = () =>
        t.db.selectFrom('psa_connectors').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const before = await read();
      const response = await t.app.inject({
        method: 'PUT',
        url: `/api/workspaces/${t.seed.channel.id}/connectors/${id}/credentials`,
        headers: await t.login('admin'),
        payload: override,
      });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe(code);
      expect(await read()).toEqual(before);
    },
  );

  it.each([
    ['a search', (a: TestApp) => `/api/workspaces/${a.seed.channel.id}/children?search=a%00b`, undefined],
    ['an audit filter', (a: TestApp) => `/api/workspaces/${a.seed.channel.id}/audit?action=%00`, undefined],
    ['a workspace name', (a: TestApp) => `/api/workspaces/${a.seed.childA.id}`, { displayName: 'a\u0000b' }],
  ])('refuses a NUL character in %s with 400 (PostgreSQL answered 500)', async (_what, url, payload) => {
    const before = await t.db.selectFrom('workspaces').selectAll().orderBy('id').execute();
    const response = await t.app.inject({
      method: payload === undefined ? 'GET' : 'PATCH',
      url: url(t),
      headers: await t.login('super_admin'),
      ...(payload === undefined ? {} : { payload }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation_failed');
    expect(response.json().error.message).toContain('NUL');
    expect(await t.db.selectFrom('workspaces').selectAll().orderBy('id').execute()).toEqual(before);
  });

  it.each([
    ['a percent-encoded lone surrogate', '%ED%A0%80'],
    ['an over-long path segment', 'a'.repeat(600)],
  ])('answers %s in the path with 400 and the error envelope', async (_what, segment) => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/api/workspaces/${segment}/connectors`,
      headers: await t.login('admin'),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'bad_request' }, reqId: expect.any(String) });
  });
});
