/**
 * The legacy channel paths (`/api/workspaces/:channelId/…`, ADR 0014) still answer as their
 * successors do, marked deprecated in the headers and in OpenAPI; and every endpoint of
 * `@coro/contracts` is routed at its path (a route registered by hand at the old path only is a 404).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, type EndpointSpec } from '@coro/contracts';

import { callEndpoint, type EndpointCall } from '../../test/call-endpoint.js';
import { workspaceMappingRow } from '../../test/connector.fixtures.js';
import { ensureChannelConnector, startRbacAutotask } from '../../test/rbac-connector.js';
import { createTestApp, type TestApp } from '../../test/test-app.js';
import { isDatabaseUnavailable, testDialect } from '../../test/test-database.js';
import { newId } from '../db/ids.js';
import { upsertCompanies } from '../lookups/lookup.repository.js';
import { createSyncRun } from '../sync/sync-run.repository.js';

const { sandbox, provider } = await startRbacAutotask();

const all: readonly (readonly [string, EndpointSpec])[] = Object.entries(endpoints).flatMap(
  ([group, members]) =>
    Object.entries(members as Record<string, EndpointSpec>).map(
      ([name, e]) => [`${group}.${name}`, e] as const,
    ),
);
const withLegacy = all.filter(([, e]) => e.legacyPath !== undefined);
const legacyGets = withLegacy.filter(([, e]) => e.method === 'GET');
const legacyChanges = withLegacy.filter(([, e]) => e.method !== 'GET');

/** The legacy twin of an endpoint: the same declaration at its old path. */
const legacyOf = (e: EndpointSpec): EndpointSpec => ({ ...e, path: e.legacyPath ?? e.path });

/** The router's own 404 (no such route), as opposed to a handler's `not_found` for a missing row. */
const isUnrouted = (res: EndpointCall<EndpointSpec>): boolean =>
  res.statusCode === 404 && res.error().message.startsWith('No route');

/** An error's body without its per-request id, so two answers of the same error compare equal. */
const comparable = (res: EndpointCall<EndpointSpec>): unknown => {
  if (res.headers['content-type']?.toString().startsWith('application/json') !== true) return res.body;
  const { reqId: _reqId, ...rest } = JSON.parse(res.body) as Record<string, unknown>;
  return rest;
};

describe.skipIf(isDatabaseUnavailable())(`legacy channel paths (${testDialect()})`, () => {
  let t: TestApp;
  /** Real values for every path parameter name of the API (seed channel, its connector, a run, …). */
  let seeded: Record<string, string>;

  const call = async (
    e: EndpointSpec,
    params: Record<string, string>,
    query?: Record<string, string>,
  ): Promise<EndpointCall<EndpointSpec>> =>
    callEndpoint(t.app, e, {
      params,
      ...(query === undefined ? {} : { query }),
      headers: await t.login('admin'),
    });

  const paramsOf = (e: EndpointSpec, values: Record<string, string>): Record<string, string> =>
    Object.fromEntries(
      [...e.path.matchAll(/:([A-Za-z]+)/g)].map(([, name = '']) => [name, values[name] ?? '']),
    );

  beforeAll(async () => {
    t = await createTestApp({ psaProviders: { autotask: provider } });
    const now = t.clock().toISOString();
    const { id: connectorId } = await ensureChannelConnector(t, sandbox);
    await upsertCompanies(
      t.db,
      connectorId,
      [{ id: '9001', name: 'Alpha Company', isActive: true, modifiedAt: null }],
      now,
    );
    const runId = newId();
    await createSyncRun(t.db, {
      id: runId,
      connectorId,
      mode: 'dry-run',
      trigger: 'manual',
      status: 'succeeded',
      requestedBy: null,
      now,
    });
    await t.db
      .insertInto('workspace_mappings')
      .values(workspaceMappingRow({ connectorId, workspaceId: t.seed.childA.id, psaCompanyId: '9001', now }))
      .execute();
    seeded = {
      channelId: t.seed.channel.id,
      connectorId,
      runId,
      workspaceId: t.seed.childA.id,
      userId: t.seed.users.viewer.id,
      serviceKey: 'edr',
      id: t.seed.childA.id,
    };
  });
  afterAll(async () => {
    await t.close();
  });

  /** Queries a GET needs to answer 200 (the others' are optional). */
  const queryOf = (name: string): Record<string, string> | undefined =>
    name.startsWith('reconciliation.') ? { month: t.clock().toISOString().slice(0, 7) } : undefined;

  it('has legacy paths to check (GETs and changes)', () => {
    expect(legacyGets.length).toBeGreaterThan(10);
    expect(legacyChanges.length).toBeGreaterThan(10);
  });

  it.each(legacyGets.map(([name, e]) => ({ name, e })))(
    'GET $name answers the same on the legacy path, deprecated, linking its successor',
    async ({ name, e }) => {
      const params = paramsOf(e, seeded);
      const current = await call(e, params, queryOf(name));
      const legacy = await call(legacyOf(e), params, queryOf(name));
      expect(current.statusCode, current.body).toBe(200);
      expect(legacy.statusCode, legacy.body).toBe(current.statusCode);
      expect(comparable(legacy)).toEqual(comparable(current));
      expect(current.headers.deprecation).toBeUndefined();
      expect(legacy.headers.deprecation).toBe('true');
      const successor = e.path.replace(/:([A-Za-z]+)/g, (_m, p: string) => params[p] ?? '');
      expect(legacy.headers.link).toBe(`<${successor}>; rel="successor-version"`);
    },
  );

  // Changes are sent without a body and with unknown ids below the channel: every answer is a
  // validation error or a handler's not_found, so nothing changes, yet the route must be there.
  it.each(legacyChanges.map(([name, e]) => ({ name, e })))(
    '$name is routed on the legacy path, deprecated',
    async ({ e }) => {
      const params = paramsOf(e, {
        ...seeded,
        connectorId: newId(),
        runId: newId(),
        batchId: newId(),
        userId: newId(),
      });
      const current = await call(e, params);
      const legacy = await call(legacyOf(e), params);
      expect(isUnrouted(legacy), legacy.body).toBe(false);
      expect(legacy.statusCode, legacy.body).toBe(current.statusCode);
      expect(legacy.headers.deprecation).toBe('true');
      expect(legacy.headers.link).toMatch(/^<\/api\/channels\/[^>]+>; rel="successor-version"$/);
      expect(current.headers.deprecation).toBeUndefined();
    },
  );

  it.each(all.map(([name, e]) => ({ name, e })))('$name is routed at its path', async ({ e }) => {
    const params = paramsOf(e, { channelId: t.seed.channel.id, id: t.seed.childA.id, serviceKey: 'edr' });
    const filled = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === '' ? newId() : v]));
    const res = await call(e, filled);
    expect(isUnrouted(res), res.body).toBe(false);
  });

  it('lists each legacy operation in OpenAPI as deprecated, its successor not', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' }); // not an API endpoint
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ paths: Record<string, Record<string, { deprecated?: boolean }>> }>();
    const openApi = (path: string): string => path.replace(/:([A-Za-z]+)/g, '{$1}');
    for (const [name, e] of withLegacy) {
      const method = e.method.toLowerCase();
      expect(doc.paths[openApi(e.legacyPath ?? '')]?.[method]?.deprecated, name).toBe(true);
      expect(doc.paths[openApi(e.path)]?.[method], name).toBeDefined();
      expect(doc.paths[openApi(e.path)]?.[method]?.deprecated, name).not.toBe(true);
    }
  });
});
