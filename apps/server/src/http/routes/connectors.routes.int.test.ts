import { endpoints, endpointUrl, type EndpointSpec } from '@coro/contracts';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { callEndpoint, type EndpointCallInput } from '../../../test/call-endpoint.js';
import { createConnectorHarness, type ConnectorHarness } from '../../../test/connector-harness.js';
import type { TestRole } from '../../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../../test/test-database.js';

describe.skipIf(isDatabaseUnavailable())(`connector routes (${testDialect()})`, () => {
  let h: ConnectorHarness;
  /** Every response body of this file, checked for secrets at the end. */
  const bodies: string[] = [];
  let connectorId = '';
  const channel = () => ({ channelId: h.seed.channel.id });
  const connector = (id = connectorId) => ({ ...channel(), connectorId: id });
  const call = async <E extends EndpointSpec>(role: TestRole, endpoint: E, input: EndpointCallInput<E>) => {
    const response = await callEndpoint(h.app, endpoint, {
      ...input,
      headers: { ...(await h.login(role)), ...input.headers },
    });
    bodies.push(response.body);
    return response;
  };
  /** Raw inject on purpose: for bodies that the endpoint's type forbids. */
  const callRaw = async (role: TestRole, options: InjectOptions) => {
    const response = await h.app.inject({
      ...options,
      headers: { ...(await h.login(role)), ...options.headers },
    });
    bodies.push(response.body);
    return response;
  };
  const advice = (error: { details?: unknown }) => (error.details as { advice?: unknown }).advice;
  const goodBody = () => ({
    kind: 'autotask' as const,
    username: h.sandbox.apiUser.username,
    secret: h.sandbox.apiUser.secret,
  });

  beforeAll(async () => {
    h = await createConnectorHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('should be protected: anonymous 401, another channel 404, viewer cannot create', async () => {
    expect((await call('anonymous', endpoints.connectors.list, { params: channel() })).statusCode).toBe(401);
    expect(
      (await call('other_admin', endpoints.connectors.list, { params: channel() })).json(),
    ).toMatchObject({
      error: { code: 'not_found' },
    });
    expect((await call('child_viewer', endpoints.connectors.list, { params: channel() })).statusCode).toBe(
      404,
    );
    const viewer = await call('viewer', endpoints.connectors.create, { params: channel(), body: goodBody() });
    expect(viewer.statusCode).toBe(403);
    expect(viewer.error().code).toBe('forbidden');
    const other = await call('other_admin', endpoints.connectors.create, {
      params: channel(),
      body: goodBody(),
    });
    expect(other.statusCode).toBe(404);
  });

  it('refuses connectors on a child workspace', async () => {
    const response = await call('admin', endpoints.connectors.create, {
      params: { channelId: h.seed.childA.id },
      body: goodBody(),
    });
    expect(response.statusCode).toBe(400);
  });

  it.each([
    ['wrong secret', { secret: 'not-the-secret' }, 'psa_bad_secret'],
    ['unknown user', { username: 'nobody@northwind-msp.example' }, 'psa_bad_username'],
    ['wrong tracking identifier', { integrationCode: 'WRONG7TRACKING7ID' }, 'psa_bad_integration_code'],
  ])('CONNECT with a %s answers 422 %s with advice and stores nothing', async (_label, override, code) => {
    const response = await call('admin', endpoints.connectors.create, {
      params: channel(),
      body: { ...goodBody(), ...override },
    });
    expect(response.statusCode).toBe(422);
    const error = response.error();
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(10);
    expect(typeof advice(error)).toBe('string');
    expect((await call('admin', endpoints.connectors.list, { params: channel() })).json()).toStrictEqual({
      items: [],
    });
  });

  it('CONNECT while Autotask is down answers psa_unavailable with advice', async () => {
    h.sandbox.admin.setFaults([{ kind: '503' }]);
    try {
      const response = await call('admin', endpoints.connectors.create, {
        params: channel(),
        body: goodBody(),
      });
      // Zone discovery itself answers 503: the PSA is down, not the credentials wrong.
      expect(response.statusCode).toBe(502);
      expect(response.error().code).toBe('psa_unavailable');
      expect(typeof advice(response.error())).toBe('string');
    } finally {
      h.sandbox.admin.clearFaults();
    }
  });

  it.each([
    ['malformed JSON', '{"kind":', 400, 'bad_request'],
    [
      'wrong types',
      JSON.stringify({ kind: 'autotask', username: 42, secret: true }),
      400,
      'validation_failed',
    ],
    [
      'an unknown PSA',
      JSON.stringify({ kind: 'halopsa', username: 'u', secret: 's' }),
      400,
      'validation_failed',
    ],
    [
      'an unknown property',
      JSON.stringify({ kind: 'autotask', username: 'u', secret: 's', extra: 1 }),
      400,
      'validation_failed',
    ],
    [
      'an empty secret',
      JSON.stringify({ kind: 'autotask', username: 'u', secret: '' }),
      400,
      'validation_failed',
    ],
  ])('rejects %s with %d %s', async (_label, payload, status, code) => {
    const response = await callRaw('admin', {
      method: 'POST',
      url: endpointUrl(endpoints.connectors.create, { params: channel() }),
      payload,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
  });

  it('CONNECT with valid credentials creates a Connected connector with "Setup required" mappings', async () => {
    const response = await call('admin', endpoints.connectors.create, {
      params: channel(),
      body: goodBody(),
    });
    expect(response.statusCode).toBe(201);
    const connector = response.json();
    connectorId = connector.id;
    expect(connector).toMatchObject({
      channelId: h.seed.channel.id,
      kind: 'autotask',
      status: 'connected',
      statusReason: null,
      username: h.sandbox.apiUser.username,
      hasIntegrationCodeOverride: false,
      lastSyncAt: null,
      // A new connector never syncs by itself before its first reviewed sync (issue 10).
      nextSyncAt: null,
      isAwaitingFirstReviewedSync: true,
      workspaceMapping: { state: 'setup_required', mapped: 0, total: 2, problems: 0 },
      serviceMapping: { state: 'setup_required', mapped: 0, problems: 0 },
      // The tenant's internal currency as Autotask reports it (the sandbox also has an active EUR).
      currency: 'USD',
    });
    expect(connector.serviceMapping.total).toBeGreaterThan(0);
    expect(typeof connector.zoneName).toBe('string');
    expect(connector.lastVerifiedAt).toBe(h.clock().toISOString());
    const stored = await h.db
      .selectFrom('psa_connectors')
      .select(['secret_box'])
      .where('id', '=', connectorId)
      .executeTakeFirstOrThrow();
    expect(stored.secret_box).not.toContain(h.sandbox.apiUser.secret);
    expect(stored.secret_box.startsWith('v1:')).toBe(true);
  });

  it('refuses a second Autotask connector on the channel with 409', async () => {
    const response = await call('super_admin', endpoints.connectors.create, {
      params: channel(),
      body: goodBody(),
    });
    expect(response.statusCode).toBe(409);
    expect(response.error().code).toBe('conflict');
  });

  it('lists and reads the connector for every role of the channel', async () => {
    for (const role of ['super_admin', 'admin', 'viewer'] as const) {
      const list = await call(role, endpoints.connectors.list, { params: channel() });
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((c) => c.id)).toStrictEqual([connectorId]);
      expect((await call(role, endpoints.connectors.get, { params: connector() })).statusCode).toBe(200);
    }
  });

  it('answers 404 for unknown ids, ids of another channel, and 400 for malformed ids', async () => {
    expect(
      (
        await call('admin', endpoints.connectors.get, {
          params: connector('0190a0a0-0000-7000-8000-000000000000'),
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await call('admin', endpoints.connectors.get, { params: connector('not-an-id') })).statusCode,
    ).toBe(400);
    const foreign = await call('other_admin', endpoints.connectors.get, {
      params: { channelId: h.seed.otherChannel.id, connectorId },
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('keeps the old credentials when new ones fail verification', async () => {
    const response = await call('admin', endpoints.connectors.updateCredentials, {
      params: connector(),
      body: { secret: 'wrong-again' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.error().code).toBe('psa_bad_secret');
    const verify = await call('admin', endpoints.connectors.verify, { params: connector() });
    expect(verify.statusCode).toBe(200);
    expect(verify.json().status).toBe('connected');
  });

  it('updates credentials after verifying them (override of the tracking identifier included)', async () => {
    h.clock.advance(60_000);
    const response = await call('admin', endpoints.connectors.updateCredentials, {
      params: connector(),
      body: { secret: h.sandbox.apiUser.secret, integrationCode: h.sandbox.apiUser.integrationCode },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'connected',
      hasIntegrationCodeOverride: true,
      lastVerifiedAt: h.clock().toISOString(),
    });
    const dropped = await call('admin', endpoints.connectors.updateCredentials, {
      params: connector(),
      body: { integrationCode: null },
    });
    expect(dropped.json().hasIntegrationCodeOverride).toBe(false);
    expect(
      (await call('admin', endpoints.connectors.updateCredentials, { params: connector(), body: {} }))
        .statusCode,
    ).toBe(400);
  });

  it('shows Error with the reason when stored credentials stop working, and Connected again once fixed', async () => {
    h.sandbox.admin.addApiUser({
      username: 'rotated@northwind-msp.example',
      secret: 'first-secret-1',
      integrationCode: h.sandbox.apiUser.integrationCode,
    });
    const switched = await call('admin', endpoints.connectors.updateCredentials, {
      params: connector(),
      body: { username: 'rotated@northwind-msp.example', secret: 'first-secret-1' },
    });
    expect(switched.statusCode).toBe(200);
    // The Autotask admin regenerates the secret: our stored one is now wrong.
    h.sandbox.admin.addApiUser({
      username: 'rotated@northwind-msp.example',
      secret: 'second-secret-2',
      integrationCode: h.sandbox.apiUser.integrationCode,
    });
    const verify = await call('admin', endpoints.connectors.verify, { params: connector() });
    expect(verify.statusCode).toBe(200);
    expect(verify.json()).toMatchObject({ status: 'error', statusReason: { code: 'psa_bad_secret' } });
    expect(typeof verify.json().statusReason?.advice).toBe('string');
    const fixed = await call('admin', endpoints.connectors.updateCredentials, {
      params: connector(),
      body: { username: h.sandbox.apiUser.username, secret: h.sandbox.apiUser.secret },
    });
    expect(fixed.json()).toMatchObject({ status: 'connected', statusReason: null });
  });

  it('disconnects only with confirmation, keeps the connector, and reconnects on verify', async () => {
    const unconfirmed = await callRaw('admin', {
      method: 'POST',
      url: endpointUrl(endpoints.connectors.disconnect, { params: connector() }),
      payload: {},
    });
    expect(unconfirmed.statusCode).toBe(400);
    expect(
      (
        await call('viewer', endpoints.connectors.disconnect, {
          params: connector(),
          body: { confirm: true },
        })
      ).statusCode,
    ).toBe(403);
    const response = await call('admin', endpoints.connectors.disconnect, {
      params: connector(),
      body: { confirm: true },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('disconnected');
    const refresh = await call('admin', endpoints.lookups.refresh, { params: connector(), body: {} });
    expect(refresh.statusCode).toBe(409);
    expect((await call('admin', endpoints.connectors.verify, { params: connector() })).json().status).toBe(
      'connected',
    );
  });

  it('binds the encrypted secret to its connector: an envelope copied to another row does not open', async () => {
    const nested = { channelId: h.seed.nestedChannel.id };
    const created = await call('admin', endpoints.connectors.create, { params: nested, body: goodBody() });
    expect(created.statusCode).toBe(201);
    const nestedId = created.json().id;
    const original = await h.db
      .selectFrom('psa_connectors')
      .select('secret_box')
      .where('id', '=', connectorId)
      .executeTakeFirstOrThrow();
    await h.db
      .updateTable('psa_connectors')
      .set({ secret_box: original.secret_box })
      .where('id', '=', nestedId)
      .execute();
    const verify = await call('admin', endpoints.connectors.verify, {
      params: { ...nested, connectorId: nestedId },
    });
    expect(verify.statusCode).toBe(503);
    expect(verify.json()).toMatchObject({
      error: { code: 'unavailable', details: { advice: expect.any(String) } },
    });
    // Other channels' connectors stay out of this channel's list.
    expect(
      (await call('admin', endpoints.connectors.list, { params: channel() })).json().items.map((c) => c.id),
    ).toStrictEqual([connectorId]);
    expect(
      (
        await call('super_admin', endpoints.connectors.remove, {
          params: { ...nested, connectorId: nestedId },
          body: { confirm: true },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('deletes only for a super admin, with confirmation', async () => {
    expect(
      (await call('admin', endpoints.connectors.remove, { params: connector(), body: { confirm: true } }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await callRaw('super_admin', {
          method: 'DELETE',
          url: endpointUrl(endpoints.connectors.remove, { params: connector() }),
          payload: {},
        })
      ).statusCode,
    ).toBe(400);
    const response = await call('super_admin', endpoints.connectors.remove, {
      params: connector(),
      body: { confirm: true },
    });
    expect(response.statusCode).toBe(200);
    expect((await call('admin', endpoints.connectors.list, { params: channel() })).json()).toStrictEqual({
      items: [],
    });
    expect((await call('admin', endpoints.connectors.get, { params: connector() })).statusCode).toBe(404);
  });

  it('audits every configuration change without secrets', async () => {
    const events = await h.db
      .selectFrom('audit_events')
      .select(['action', 'actor_label', 'before_json', 'after_json'])
      .where('workspace_id', '=', h.seed.channel.id)
      .where('entity', '=', 'connector')
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.action)).toStrictEqual([
      'connector.created',
      'connector.verified',
      'connector.credentials_updated',
      'connector.credentials_updated',
      'connector.credentials_updated',
      'connector.verified',
      'connector.credentials_updated',
      'connector.disconnected',
      'connector.verified',
      'connector.deleted',
    ]);
    expect(events[0]!.actor_label).toBe(h.seed.users.admin.email);
    expect(JSON.parse(events[0]!.after_json!)).toMatchObject({
      status: 'connected',
      username: h.sandbox.apiUser.username,
    });
    expect(JSON.parse(events[7]!.before_json!).status).toBe('connected');
    expect(JSON.parse(events[7]!.after_json!).status).toBe('disconnected');
    for (const e of events) {
      expect(`${e.before_json}${e.after_json}`).not.toContain('secret-');
      expect(`${e.before_json}${e.after_json}`).not.toContain(h.sandbox.apiUser.secret);
    }
  });

  it('never returned or logged a secret during the whole flow', () => {
    const secrets = [
      h.sandbox.apiUser.secret,
      'first-secret-1',
      'second-secret-2',
      'not-the-secret',
      'wrong-again',
    ];
    expect(bodies.length).toBeGreaterThan(30);
    expect(h.logLines.length).toBeGreaterThan(30);
    for (const secret of secrets) {
      expect(bodies.filter((b) => b.includes(secret))).toStrictEqual([]);
      expect(h.logLines.filter((l) => l.includes(secret))).toStrictEqual([]);
    }
  });
});

describe.skipIf(isDatabaseUnavailable())(`connector routes, Autotask unreachable (${testDialect()})`, () => {
  let h: ConnectorHarness;
  beforeAll(async () => {
    // Discovery points at a port nothing listens on.
    h = await createConnectorHarness({ discoveryBaseUrl: 'http://127.0.0.1:9/ATServicesRest/' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers psa_zone_unknown with network advice, and stores nothing', async () => {
    const response = await callEndpoint(h.app, endpoints.connectors.create, {
      params: { channelId: h.seed.channel.id },
      headers: await h.login('admin'),
      body: { kind: 'autotask', username: h.sandbox.apiUser.username, secret: h.sandbox.apiUser.secret },
    });
    // Nothing listens at the discovery URL: the zone cannot be found, and the advice is about the network.
    expect(response.statusCode).toBe(422);
    expect(response.error().code).toBe('psa_zone_unknown');
    expect(typeof (response.error().details as { advice?: unknown }).advice).toBe('string');
    expect(response.body).not.toContain(h.sandbox.apiUser.secret);
    expect(await h.db.selectFrom('psa_connectors').selectAll().execute()).toStrictEqual([]);
  });
});
